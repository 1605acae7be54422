package parts

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// PlanInput is what the plan knows of a part in a warehouse: how much
// consumption took out of it over the history, and its stock position.
type PlanInput struct {
	WarehouseID   uuid.UUID
	WarehouseCode string
	PartID        uuid.UUID
	PartNumber    string
	Consumed      int64
	OnHand        int64
	InTransit     int64
}

// Campaign is a temporary plan: parts a campaign (a promotion, a recall)
// needs in a warehouse over a period, added to the monthly suggestion of
// the months it overlaps.
type Campaign struct {
	ID          uuid.UUID      `json:"id"`
	Name        string         `json:"name"`
	WarehouseID uuid.UUID      `json:"warehouse_id"`
	StartsOn    string         `json:"starts_on" format:"date"`
	EndsOn      string         `json:"ends_on" format:"date"`
	Lines       []CampaignLine `json:"lines" nullable:"false"`
	CreatedBy   string         `json:"created_by"`
	CreatedAt   time.Time      `json:"created_at"`
}

// CampaignLine is a part and quantity of a campaign.
type CampaignLine struct {
	PartID   uuid.UUID `json:"part_id"`
	Quantity int64     `json:"quantity"`
}

// PlanLine is one suggestion of the monthly plan. Quantities are whole
// units rounded up.
type PlanLine struct {
	WarehouseID   uuid.UUID `json:"warehouse_id"`
	WarehouseCode string    `json:"warehouse_code"`
	PartID        uuid.UUID `json:"part_id"`
	PartNumber    string    `json:"part_number"`
	Consumed      int64     `json:"consumed" doc:"Consumed over the history days."`
	ReorderPoint  int64     `json:"reorder_point" doc:"⌈consumed × (lead time + safety days) / history days⌉."`
	SafetyStock   int64     `json:"safety_stock" doc:"⌈consumed × safety days / history days⌉."`
	MonthlyDemand int64     `json:"monthly_demand" doc:"⌈consumed × 30 / history days⌉."`
	Position      int64     `json:"position" doc:"On hand plus in transit."`
	BelowReorder  bool      `json:"below_reorder"`
	Replenish     int64     `json:"replenish" doc:"Below the reorder point: reorder point + monthly demand − position."`
	CampaignQty   int64     `json:"campaign_quantity" doc:"What campaigns overlapping the month add."`
	Suggested     int64     `json:"suggested"`
}

func ceilDiv(a, b int64) int64 {
	if b <= 0 || a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

// Suggest computes the plan lines of inputs and campaign quantities
// (keyed by warehouse and part): a line for every part below its reorder
// point or named by a campaign, in warehouse code, part number order.
func Suggest(inputs []PlanInput, campaigns map[BalanceKey]int64, s PlanningSettings) []PlanLine {
	h := int64(s.HistoryDays)
	var out []PlanLine
	seen := map[BalanceKey]bool{}
	for _, in := range inputs {
		k := BalanceKey{WarehouseID: in.WarehouseID, PartID: in.PartID}
		seen[k] = true
		l := PlanLine{WarehouseID: in.WarehouseID, WarehouseCode: in.WarehouseCode, PartID: in.PartID, PartNumber: in.PartNumber,
			Consumed: in.Consumed, Position: in.OnHand + in.InTransit, CampaignQty: campaigns[k]}
		l.ReorderPoint = ceilDiv(in.Consumed*int64(s.LeadTimeDays+s.SafetyDays), h)
		l.SafetyStock = ceilDiv(in.Consumed*int64(s.SafetyDays), h)
		l.MonthlyDemand = ceilDiv(in.Consumed*30, h)
		l.BelowReorder = l.ReorderPoint > 0 && l.Position < l.ReorderPoint
		if l.BelowReorder {
			l.Replenish = l.ReorderPoint + l.MonthlyDemand - l.Position
		}
		l.Suggested = l.Replenish + l.CampaignQty
		if l.Suggested > 0 {
			out = append(out, l)
		}
	}
	for k, q := range campaigns {
		if !seen[k] && q > 0 {
			out = append(out, PlanLine{WarehouseID: k.WarehouseID, PartID: k.PartID, CampaignQty: q, Suggested: q})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].WarehouseCode != out[j].WarehouseCode {
			return out[i].WarehouseCode < out[j].WarehouseCode
		}
		if out[i].PartNumber != out[j].PartNumber {
			return out[i].PartNumber < out[j].PartNumber
		}
		return out[i].PartID.String() < out[j].PartID.String()
	})
	return out
}

// MonthlyPlan is the suggestion for the month starting on Month.
type MonthlyPlan struct {
	Month    string           `json:"month" example:"2026-12"`
	Settings PlanningSettings `json:"settings"`
	Lines    []PlanLine       `json:"lines" nullable:"false"`
}

// Plan suggests the month's replenishment for the warehouses within
// reach (or one of them). month is YYYY-MM; "" the current month.
func (s *PlanningService) Plan(ctx context.Context, u core.UnitOfWork, within Reach, warehouseID *uuid.UUID, month string) (*MonthlyPlan, error) {
	now := s.now()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if month != "" {
		t, err := time.Parse("2006-01", month)
		if err != nil {
			return nil, core.FieldError("month", "must be YYYY-MM")
		}
		start = t
	}
	repo := s.Store.Planning(u)
	set, err := repo.FindPlanningSettings(ctx)
	if err != nil {
		return nil, err
	}
	inputs, err := repo.PlanInputs(ctx, within, warehouseID, now.AddDate(0, 0, -set.HistoryDays))
	if err != nil {
		return nil, err
	}
	cs, err := repo.FindCampaigns(ctx, within, nil)
	if err != nil {
		return nil, err
	}
	from, to := start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly)
	qty := map[BalanceKey]int64{}
	for _, c := range cs {
		if c.StartsOn > to || c.EndsOn < from || (warehouseID != nil && c.WarehouseID != *warehouseID) {
			continue
		}
		for _, l := range c.Lines {
			qty[BalanceKey{WarehouseID: c.WarehouseID, PartID: l.PartID}] += l.Quantity
		}
	}
	lines := Suggest(inputs, qty, set)
	if lines == nil {
		lines = []PlanLine{}
	}
	return &MonthlyPlan{Month: start.Format("2006-01"), Settings: set, Lines: lines}, nil
}

// CampaignInput is what adding a campaign plan takes.
type CampaignInput struct {
	Name        string
	WarehouseID uuid.UUID
	StartsOn    string
	EndsOn      string
	Lines       []CampaignLine
}

// AddCampaign records a temporary plan for a warehouse within reach.
// EINVALID names the field.
func (s *PlanningService) AddCampaign(ctx context.Context, u core.UnitOfWork, in CampaignInput, within Reach, parts *Service, actor string) (*Campaign, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 200 {
		return nil, core.FieldError("name", "must be 1-200 characters")
	}
	a, errA := time.Parse(time.DateOnly, in.StartsOn)
	if errA != nil {
		return nil, core.FieldError("starts_on", "must be a date YYYY-MM-DD")
	}
	b, errB := time.Parse(time.DateOnly, in.EndsOn)
	if errB != nil || b.Before(a) {
		return nil, core.FieldError("ends_on", "must be a date YYYY-MM-DD not before starts_on")
	}
	ls := make([]LineInput, len(in.Lines))
	for i, l := range in.Lines {
		ls[i] = LineInput{PartID: l.PartID, Quantity: l.Quantity}
	}
	if err := validLines(ls, false); err != nil {
		return nil, err
	}
	repo := parts.store.Parts(u)
	if _, err := repo.FindWarehouse(ctx, in.WarehouseID, within); err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, core.FieldError("warehouse_id", "no such warehouse")
		}
		return nil, err
	}
	ids := make([]uuid.UUID, len(ls))
	for i, l := range ls {
		ids[i] = l.PartID
	}
	unknown, err := repo.UnknownParts(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		if len(unknown) > 0 && id == unknown[0] {
			return nil, core.FieldError(fmt.Sprintf("lines[%d].part_id", i), "no such part")
		}
	}
	c := &Campaign{ID: uuid.New(), Name: in.Name, WarehouseID: in.WarehouseID, StartsOn: in.StartsOn, EndsOn: in.EndsOn,
		Lines: in.Lines, CreatedBy: actor, CreatedAt: s.now()}
	return c, s.Store.Planning(u).InsertCampaign(ctx, c)
}

// Campaigns lists the campaign plans of warehouses within reach.
func (s *PlanningService) Campaigns(ctx context.Context, u core.UnitOfWork, within Reach) ([]*Campaign, error) {
	return s.Store.Planning(u).FindCampaigns(ctx, within, nil)
}
