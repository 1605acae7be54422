package claim

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ClaimStatement states.
const (
	StatementDraft    = "draft"
	StatementApproved = "approved"
)

// ClaimStatement line kinds.
const (
	StatementClaim         = "claim"
	StatementChargedIncome = "charged_service"
	StatementDeduction     = "deduction"
)

// NoteChargedCurrency notes charged services left out of a statement
// because they were charged in another currency than the tenant's claims.
const NoteChargedCurrency = "Charged services in another currency than the statement's are not settled here: %s."

// ClaimStatement is a site's monthly settlement: its approved claims, the
// charged services it collected, less the tenant's deductions. Money is
// in minor units of Currency.
type ClaimStatement struct {
	ID              uuid.UUID       `json:"id"`
	SiteID          uuid.UUID       `json:"site_id"`
	SiteName        string          `json:"site_name"`
	RegionID        uuid.UUID       `json:"region_id"`
	Period          string          `json:"period" example:"2026-11" doc:"The month, in the tenant's time zone."`
	State           string          `json:"state" enum:"draft,approved"`
	Currency        string          `json:"currency"`
	Lines           []StatementLine `json:"lines" nullable:"false"`
	ClaimsTotal     int64           `json:"claims_total"`
	ChargedTotal    int64           `json:"charged_total"`
	DeductionsTotal int64           `json:"deductions_total" doc:"A positive figure, subtracted."`
	Total           int64           `json:"total" doc:"claims_total + charged_total − deductions_total."`
	Notes           []string        `json:"notes" nullable:"false"`
	ApprovedBy      string          `json:"approved_by"`
	ApprovedAt      *time.Time      `json:"approved_at" nullable:"true"`
	Version         int             `json:"version"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// StatementLine is one settled item.
type StatementLine struct {
	Kind        string     `json:"kind" enum:"claim,charged_service,deduction"`
	Ref         *uuid.UUID `json:"ref,omitempty" doc:"The claim, or the work order an SLA miss is about."`
	Reference   string     `json:"reference" doc:"The order number."`
	Description string     `json:"description"`
	Amount      int64      `json:"amount" doc:"Signed: deductions are negative."`
}

// Sources is what one site's statement is made from.
type Sources struct {
	SiteName string
	RegionID uuid.UUID
	Claims   []SettledClaim
	Misses   []SLAMiss
	Charged  []ChargedService
}

// ChargedService is an order the site completed in the month whose
// warranty charges (core/warranty, computed at completion) the customer
// paid the site.
type ChargedService struct {
	WorkOrderID uuid.UUID
	OrderNumber string
	Amount      int64 // the charged total, minor units of Currency
	Currency    string
}

// SettledClaim is an approved or adjusted claim of the month.
type SettledClaim struct {
	ID          uuid.UUID
	OrderNumber string
	State       string
	Approved    int64
	Currency    string
}

// SLAMiss is a missed deadline recorded against the site.
type SLAMiss struct {
	WorkOrderID uuid.UUID
	OrderNumber string
	Kind        string // response, arrival
}

// StatementFilter selects statements.
type StatementFilter struct {
	Period string
	Within Reach
}

// Build makes a site's statement from its sources.
func Build(site uuid.UUID, period string, src *Sources, set *ClaimSettings) *ClaimStatement {
	st := &ClaimStatement{SiteID: site, SiteName: src.SiteName, RegionID: src.RegionID, Period: period, State: StatementDraft,
		Currency: set.Currency, Lines: []StatementLine{}, Notes: []string{}}
	for _, c := range src.Claims {
		id := c.ID
		st.Lines = append(st.Lines, StatementLine{Kind: StatementClaim, Ref: &id, Reference: c.OrderNumber,
			Description: "claim " + c.State, Amount: c.Approved})
		st.ClaimsTotal += c.Approved
	}
	var foreign []string
	for _, c := range src.Charged {
		if c.Currency != set.Currency {
			foreign = append(foreign, c.OrderNumber)
			continue
		}
		id := c.WorkOrderID
		st.Lines = append(st.Lines, StatementLine{Kind: StatementChargedIncome, Ref: &id, Reference: c.OrderNumber,
			Description: "charged service", Amount: c.Amount})
		st.ChargedTotal += c.Amount
	}
	if len(foreign) > 0 {
		st.Notes = append(st.Notes, fmt.Sprintf(NoteChargedCurrency, strings.Join(foreign, ", ")))
	}
	for _, m := range src.Misses {
		fee := set.ResponseMissFee
		if m.Kind == "arrival" {
			fee = set.ArrivalMissFee
		}
		if fee == 0 {
			continue
		}
		id := m.WorkOrderID
		st.Lines = append(st.Lines, StatementLine{Kind: StatementDeduction, Ref: &id, Reference: m.OrderNumber,
			Description: "SLA miss: " + m.Kind, Amount: -fee})
		st.DeductionsTotal += fee
	}
	st.Total = st.ClaimsTotal + st.ChargedTotal - st.DeductionsTotal
	return st
}

// PeriodBounds parses a month (YYYY-MM) into its bounds in loc; EINVALID
// naming period.
func PeriodBounds(period string, loc *time.Location) (time.Time, time.Time, error) {
	t, err := time.ParseInLocation("2006-01", period, loc)
	if err != nil {
		return time.Time{}, time.Time{}, core.FieldError("period", "a month as YYYY-MM")
	}
	return t, t.AddDate(0, 1, 0), nil
}

// GenerateStatements makes (or remakes, while draft) the statement of
// every site with claims decided, charged services completed or SLA
// misses in the month. Approved
// statements stay as approved. Called on demand and by the monthly job.
func (s *Service) GenerateStatements(ctx context.Context, u core.UnitOfWork, period string) ([]*ClaimStatement, error) {
	repo := s.store.Claims(u)
	set, _, loc, err := s.tenant(ctx, repo)
	if err != nil {
		return nil, err
	}
	from, to, err := PeriodBounds(period, loc)
	if err != nil {
		return nil, err
	}
	if !from.Before(s.now()) {
		return nil, core.FieldError("period", "the month %s has not started", period)
	}
	srcs, err := repo.SettlementSources(ctx, from, to)
	if err != nil {
		return nil, err
	}
	sites := make([]uuid.UUID, 0, len(srcs))
	for id := range srcs {
		sites = append(sites, id)
	}
	sort.Slice(sites, func(i, j int) bool { return sites[i].String() < sites[j].String() })
	now := s.now()
	var out []*ClaimStatement
	for _, site := range sites {
		st := Build(site, period, srcs[site], set)
		st.ID, st.Version, st.CreatedAt, st.UpdatedAt = uuid.New(), 1, now, now
		err := repo.SaveStatement(ctx, st)
		if core.ErrorCode(err) == core.ECONFLICT {
			continue // approved: it stands
		}
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// FindStatements lists statements within the filter's reach.
func (s *Service) FindStatements(ctx context.Context, u core.UnitOfWork, f StatementFilter) ([]*ClaimStatement, error) {
	if f.Period != "" {
		if _, _, err := PeriodBounds(f.Period, time.UTC); err != nil {
			return nil, err
		}
	}
	return s.store.Claims(u).FindStatements(ctx, f)
}

// FindStatement reads a statement; ENOTFOUND.
func (s *Service) FindStatement(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*ClaimStatement, error) {
	return s.store.Claims(u).FindStatement(ctx, id)
}

// ApproveStatement approves a draft statement and announces it
// (claim_statement.approved); ECONFLICT when approved already.
func (s *Service) ApproveStatement(ctx context.Context, u core.UnitOfWork, id uuid.UUID, actor string) (*ClaimStatement, error) {
	repo := s.store.Claims(u)
	st, err := repo.LockStatement(ctx, id)
	if err != nil {
		return nil, err
	}
	if st.State != StatementDraft {
		return nil, core.Errorf(core.ECONFLICT, "state: the statement is approved already")
	}
	now := s.now()
	st.State, st.ApprovedBy, st.ApprovedAt, st.UpdatedAt = StatementApproved, actor, &now, now
	repo.UpdateStatement(st)
	st.Version++
	b, _ := json.Marshal(map[string]any{"statement_id": st.ID, "site_id": st.SiteID, "period": st.Period,
		"currency": st.Currency, "total": st.Total, "claims_total": st.ClaimsTotal, "charged_total": st.ChargedTotal,
		"deductions_total": st.DeductionsTotal})
	repo.OutboxAdd(st.ID, OutboxStatementApproved, b)
	return st, nil
}
