package parts

import (
	"context"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ABC classes.
const (
	ClassA = "A"
	ClassB = "B"
	ClassC = "C"
)

// PlanningSettings are a tenant's ABC, stocktake cadence and planning
// parameters; a tenant without a row has DefaultPlanningSettings.
type PlanningSettings struct {
	APercent int `json:"a_percent" minimum:"1" maximum:"98" doc:"Share of the consumption value the A parts make up (Pareto)."`
	BPercent int `json:"b_percent" minimum:"1" maximum:"98" doc:"Share the B parts make up; the C parts the rest."`
	// Stocktake cadence: a part of the class is due for a count this many
	// days after its warehouse last counted it.
	CadenceDaysA int `json:"cadence_days_a" minimum:"1" maximum:"3660"`
	CadenceDaysB int `json:"cadence_days_b" minimum:"1" maximum:"3660"`
	CadenceDaysC int `json:"cadence_days_c" minimum:"1" maximum:"3660"`
	// Planning: reorder point = average daily consumption × lead time +
	// safety stock (average daily consumption × safety days).
	LeadTimeDays int `json:"lead_time_days" minimum:"0" maximum:"365"`
	SafetyDays   int `json:"safety_days" minimum:"0" maximum:"365"`
	HistoryDays  int `json:"history_days" minimum:"7" maximum:"730" doc:"The consumption history the average is taken over."`
}

// DefaultPlanningSettings: Pareto 80/15/5; A monthly, B quarterly, C
// yearly; 14 days' lead time, 7 days' safety stock, 90 days' history.
var DefaultPlanningSettings = PlanningSettings{APercent: 80, BPercent: 15, CadenceDaysA: 30, CadenceDaysB: 91,
	CadenceDaysC: 365, LeadTimeDays: 14, SafetyDays: 7, HistoryDays: 90}

// Validate checks the settings; EINVALID names the field.
func (s PlanningSettings) Validate() error {
	switch {
	case s.APercent < 1 || s.APercent > 98:
		return core.FieldError("a_percent", "must be 1-98")
	case s.BPercent < 1 || s.APercent+s.BPercent > 99:
		return core.FieldError("b_percent", "must be at least 1 and leave C at least 1 percent")
	case s.CadenceDaysA < 1 || s.CadenceDaysA > 3660:
		return core.FieldError("cadence_days_a", "must be 1-3660")
	case s.CadenceDaysB < 1 || s.CadenceDaysB > 3660:
		return core.FieldError("cadence_days_b", "must be 1-3660")
	case s.CadenceDaysC < 1 || s.CadenceDaysC > 3660:
		return core.FieldError("cadence_days_c", "must be 1-3660")
	case s.LeadTimeDays < 0 || s.LeadTimeDays > 365:
		return core.FieldError("lead_time_days", "must be 0-365")
	case s.SafetyDays < 0 || s.SafetyDays > 365:
		return core.FieldError("safety_days", "must be 0-365")
	case s.HistoryDays < 7 || s.HistoryDays > 730:
		return core.FieldError("history_days", "must be 7-730")
	}
	return nil
}

// Cadence is the count interval of a class.
func (s PlanningSettings) Cadence(class string) time.Duration {
	d := s.CadenceDaysC
	switch class {
	case ClassA:
		d = s.CadenceDaysA
	case ClassB:
		d = s.CadenceDaysB
	}
	return time.Duration(d) * 24 * time.Hour
}

// PartValue is a part's consumption value over a year: the quantity its
// consumption movements took out of stock times its cost.
type PartValue struct {
	PartID     uuid.UUID
	ValueMinor int64
}

// PartClass is a part's ABC class as the job last computed it.
type PartClass struct {
	PartID     uuid.UUID `json:"part_id"`
	PartNumber string    `json:"part_number"`
	PartNameZh string    `json:"part_name_zh"`
	PartNameEn string    `json:"part_name_en"`
	Class      string    `json:"class" enum:"A,B,C"`
	ValueMinor int64     `json:"value_minor" doc:"A year's consumption value, in the part's currency's minor units."`
	Currency   string    `json:"currency"`
	ComputedAt time.Time `json:"computed_at"`
}

// Classify ranks parts by value, highest first, and gives a part class A
// while the cumulative value before it is under aPct of the total, B
// while under aPct+bPct, C after (Pareto). The part that crosses a
// threshold stays in the upper class. Parts without consumption are C.
func Classify(values []PartValue, aPct, bPct int) map[uuid.UUID]string {
	vs := append([]PartValue(nil), values...)
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].ValueMinor != vs[j].ValueMinor {
			return vs[i].ValueMinor > vs[j].ValueMinor
		}
		return vs[i].PartID.String() < vs[j].PartID.String()
	})
	var total int64
	for _, v := range vs {
		total += max(v.ValueMinor, 0)
	}
	out := make(map[uuid.UUID]string, len(vs))
	var before int64
	for _, v := range vs {
		switch {
		case v.ValueMinor <= 0 || total == 0:
			out[v.PartID] = ClassC
		case before*100 < int64(aPct)*total:
			out[v.PartID] = ClassA
		case before*100 < int64(aPct+bPct)*total:
			out[v.PartID] = ClassB
		default:
			out[v.PartID] = ClassC
		}
		before += max(v.ValueMinor, 0)
	}
	return out
}

// DueCount is a part of a warehouse due for a count.
type DueCount struct {
	WarehouseID   uuid.UUID  `json:"warehouse_id"`
	WarehouseCode string     `json:"warehouse_code"`
	PartID        uuid.UUID  `json:"part_id"`
	PartNumber    string     `json:"part_number"`
	Class         string     `json:"class" enum:"A,B,C"`
	OnHand        int64      `json:"on_hand"`
	LastCountedAt *time.Time `json:"last_counted_at" nullable:"true" doc:"When a posted stocktake last counted it; null: never."`
}

// PlanningStore gives the ABC and planning use cases their repository.
type PlanningStore interface {
	Planning(u core.UnitOfWork) PlanningRepository
}

// PlanningRepository reads and writes a tenant's planning data.
type PlanningRepository interface {
	// FindPlanningSettings returns the tenant's settings, the defaults
	// when it has none.
	FindPlanningSettings(ctx context.Context) (PlanningSettings, error)
	SavePlanningSettings(ctx context.Context, s PlanningSettings, at time.Time) error
	// ConsumptionValues sums, per part of the catalogue (zero included),
	// the quantity moved to consumption since since times its cost.
	ConsumptionValues(ctx context.Context, since time.Time) ([]PartValue, error)
	// SaveClasses replaces the stored classes.
	SaveClasses(ctx context.Context, classes map[uuid.UUID]string, values []PartValue, at time.Time) error
	FindClasses(ctx context.Context, class string) ([]PartClass, error)
	// DueCounts lists the stock rows within reach (on hand not zero)
	// whose last posted count is older than their class's cadence.
	DueCounts(ctx context.Context, within Reach, warehouseID *uuid.UUID, s PlanningSettings, now time.Time) ([]DueCount, error)
	// The planning inputs (plan.go).
	PlanInputs(ctx context.Context, within Reach, warehouseID *uuid.UUID, since time.Time) ([]PlanInput, error)
	InsertCampaign(ctx context.Context, c *Campaign) error
	FindCampaigns(ctx context.Context, within Reach, activeOn *time.Time) ([]*Campaign, error)
}

// PlanningService runs ABC classification, stocktake cadence and planning.
type PlanningService struct {
	Store PlanningStore
	Units core.UnitsOfWork
	// Tenants lists the tenants the job recomputes.
	Tenants func(ctx context.Context) ([]uuid.UUID, error)
	Clock   core.Clock
}

func (s *PlanningService) now() time.Time {
	if s.Clock == nil {
		return time.Now().Truncate(time.Microsecond)
	}
	return s.Clock.Now().Truncate(time.Microsecond)
}

// Settings reads the tenant's settings.
func (s *PlanningService) Settings(ctx context.Context, u core.UnitOfWork) (PlanningSettings, error) {
	return s.Store.Planning(u).FindPlanningSettings(ctx)
}

// SaveSettings replaces the tenant's settings; EINVALID names the field.
func (s *PlanningService) SaveSettings(ctx context.Context, u core.UnitOfWork, in PlanningSettings) (PlanningSettings, error) {
	if err := in.Validate(); err != nil {
		return in, err
	}
	return in, s.Store.Planning(u).SavePlanningSettings(ctx, in, s.now())
}

// RecomputeTenant classifies the unit's tenant's parts from the last
// 365 days of consumption and returns how many it classified.
func (s *PlanningService) RecomputeTenant(ctx context.Context, u core.UnitOfWork) (int, error) {
	repo := s.Store.Planning(u)
	set, err := repo.FindPlanningSettings(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	values, err := repo.ConsumptionValues(ctx, now.AddDate(-1, 0, 0))
	if err != nil {
		return 0, err
	}
	classes := Classify(values, set.APercent, set.BPercent)
	return len(classes), repo.SaveClasses(ctx, classes, values, now)
}

// RecomputeABC recomputes every tenant's classes (the periodic job).
func (s *PlanningService) RecomputeABC(ctx context.Context) (int, error) {
	tenants, err := s.Tenants(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, t := range tenants {
		err := core.InUnitOfWork(ctx, s.Units, t, func(u core.UnitOfWork) error {
			n, err := s.RecomputeTenant(ctx, u)
			total += n
			return err
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Classes lists the stored classes (class "" for all), by value.
func (s *PlanningService) Classes(ctx context.Context, u core.UnitOfWork, class string) ([]PartClass, error) {
	return s.Store.Planning(u).FindClasses(ctx, class)
}

// DueCounts lists the parts of warehouses within reach due for a count
// by their class's cadence.
func (s *PlanningService) DueCounts(ctx context.Context, u core.UnitOfWork, within Reach, warehouseID *uuid.UUID) ([]DueCount, error) {
	repo := s.Store.Planning(u)
	set, err := repo.FindPlanningSettings(ctx)
	if err != nil {
		return nil, err
	}
	return repo.DueCounts(ctx, within, warehouseID, set, s.now())
}
