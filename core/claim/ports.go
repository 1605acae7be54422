package claim

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/warranty"
)

// Store gives the claim use cases their repository within a unit of work.
// The PostgreSQL adapter implements it.
type Store interface {
	Claims(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's claims, audit rules and
// statements within a unit of work. Methods without a context queue their
// write: it reaches the database with the unit's next read or its commit.
type Repository interface {
	// ClaimSettings reads the tenant's settings and rules (nil when never
	// saved) and its time zone. PartReturnDays is the tenant setting
	// part_return_days, the one window of field requests and claims: the
	// claim settings' key is its alias, and SaveSettings writes it there.
	ClaimSettings(ctx context.Context) (s *ClaimSettings, rules []AuditRule, tz string, err error)
	SaveSettings(s ClaimSettings)
	SaveRules(rules []AuditRule)

	// OrderFacts reads what a claim is drafted from; ENOTFOUND when the
	// order is not the tenant's.
	OrderFacts(ctx context.Context, orderID uuid.UUID) (*OrderFacts, error)
	// HistoryFacts reads what the audit rules need beyond the claim: the
	// unit's previous repair and the cost figures of the last 90 days
	// before asOf. Fills RepeatDays and the cost fields of f.
	HistoryFacts(ctx context.Context, c *Claim, asOf time.Time, f *Facts) error

	// Insert stores a new claim; ECONFLICT when the order has one.
	Insert(ctx context.Context, c *Claim) error
	// Lock reads a claim under a row lock; ENOTFOUND.
	Lock(ctx context.Context, id uuid.UUID) (*Claim, error)
	// LockByOrder reads the claim of a work order under a row lock;
	// ENOTFOUND when the order has none.
	LockByOrder(ctx context.Context, orderID uuid.UUID) (*Claim, error)
	FindByID(ctx context.Context, id uuid.UUID) (*Claim, error)
	// Find lists claims newest first within f.Within, keyset paginated.
	Find(ctx context.Context, f Filter) ([]*Claim, string, error)
	// Update writes every mutable field of c and bumps its version.
	Update(c *Claim)
	AppendEvent(id uuid.UUID, e ClaimEvent)
	FindEvents(ctx context.Context, id uuid.UUID) ([]*ClaimEvent, error)

	// SettlementSources reads, per site, the claims decided approved or
	// adjusted in [from, to), the charged services of the orders it
	// completed in it and the SLA misses recorded in it.
	SettlementSources(ctx context.Context, from, to time.Time) (map[uuid.UUID]*Sources, error)
	// SaveStatement inserts or replaces the draft statement of its site
	// and period; ECONFLICT when that one is approved.
	SaveStatement(ctx context.Context, st *ClaimStatement) error
	FindStatements(ctx context.Context, f StatementFilter) ([]*ClaimStatement, error)
	FindStatement(ctx context.Context, id uuid.UUID) (*ClaimStatement, error)
	LockStatement(ctx context.Context, id uuid.UUID) (*ClaimStatement, error)
	UpdateStatement(st *ClaimStatement)
	OutboxAdd(aggregate uuid.UUID, typ string, payload json.RawMessage)
}

// AuditCalls opens and cancels the audit callbacks of flagged claims in
// the call centre's queue (core/callback through cmd's wiring), in the
// claim's unit of work.
type AuditCalls interface {
	// OpenClaimAudit opens the claim's audit callback about its order, or
	// returns the open one it has.
	OpenClaimAudit(ctx context.Context, u core.UnitOfWork, claimID, orderID uuid.UUID) (*AuditCallback, error)
	// CancelClaimAudit closes an open audit callback as no longer needed;
	// returns its status.
	CancelClaimAudit(ctx context.Context, u core.UnitOfWork, taskID uuid.UUID, actor string) (string, error)
}

// OrderFacts is what a claim is drafted from.
type OrderFacts struct {
	Number         string
	State          string
	CompletedAt    *time.Time
	SiteID         *uuid.UUID
	SiteName       string
	RegionID       uuid.UUID
	TechnicianID   *uuid.UUID
	UnitID         *uuid.UUID
	ModelCode      string
	ProductLine    string
	StandardHours  float64
	PurchaseDate   string // YYYY-MM-DD
	WarrantyMonths int
	SiteLat        float64
	SiteLon        float64
	Lat, Lon       *float64
	Parts          []core.PartUsed
	// Unfitting are the barcodes among Parts used on other models'
	// orders and never on this model's.
	Unfitting map[string]bool
	// Returns are the defective-part returns the order's field requests
	// track, by part number: the claim's part lines take them over.
	Returns map[string]PartReturn
	// Kept are the barcodes among Parts the catalogue says need not be
	// returned: their lines have no return due. A part the catalogue
	// does not know must come back.
	Kept map[string]bool
	// Charges are the items the 三包 policy priced at completion
	// (core/warranty); nil when the order has none stored.
	Charges []ChargedItem
}

// ChargedItem is one priced item of an order's charges: whether the
// customer paid for it or the warranty covered it.
type ChargedItem struct {
	Kind     string `json:"kind"` // labour, travel, part
	Code     string `json:"code"`
	Charged  bool   `json:"charged"`
	Coverage string `json:"coverage"` // refund, replacement, free_repair, charged
}

// Covered tells whether the warranty covered the item: its coverage, not
// its charged flag, which charges stored before travel followed the visit
// left false on a paid visit whose travel had no distance or band.
func (it ChargedItem) Covered() bool {
	if it.Coverage == "" {
		return !it.Charged
	}
	return it.Coverage != warranty.CoverCharged
}

// PartReturn is what the field requests of an order for one part number
// say of its defective part: when it is due back (the earliest) and when
// it came back (nil until every must-return request of it did).
type PartReturn struct {
	Due        *time.Time
	ReturnedAt *time.Time
}

// Reach limits what a viewer sees: every claim, or those of the sites and
// of the sites in the regions' subtrees.
type Reach = core.SiteReach

// ReachOf is the rule: tenant-wide scope sees every claim; any other
// caller the claims of the sites in their scope; a technician none.
func ReachOf(v core.Viewer) Reach {
	switch {
	case v.Technician != nil:
		return Reach{}
	case v.Scope.All:
		return Reach{All: true}
	}
	return Reach{Regions: v.Scope.Regions, Sites: v.Scope.Sites}
}

// Filter selects claims for a list.
type Filter struct {
	State  string
	SiteID *uuid.UUID
	Within Reach
	After  string
	Limit  int
}

// ActionInput is what an action carries.
type ActionInput struct {
	Action  string
	Version int // 0: no check
	Reason  string
	// Lines change quantities or amounts (adjust: the site's claim;
	// reduce: the approved amounts).
	Lines []LineChange
	// Line is the part line that came back (return).
	Line int
	Note string // audit
}

// LineChange changes one line.
type LineChange struct {
	No       int      `json:"no" minimum:"1"`
	Quantity *float64 `json:"quantity,omitempty" minimum:"0" doc:"adjust: the new quantity (the amount follows)."`
	Amount   *int64   `json:"amount,omitempty" minimum:"0" doc:"adjust: the new amount (a part's price); reduce: the approved amount."`
}
