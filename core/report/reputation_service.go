package report

import (
	"context"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// DefaultResponseMinutes is the response target of a tenant that has set none.
const DefaultResponseMinutes = 120

// DefaultServiceLevelSeconds is the service-level threshold of a tenant that has set none.
const DefaultServiceLevelSeconds = 20

// Settings are a tenant's report settings.
type Settings struct {
	// ResponseMinutes is the response target of response_in_target_rate.
	ResponseMinutes int `json:"response_minutes" minimum:"1" maximum:"10080" doc:"The response target in minutes (default 120). A change recomputes the tenant's aggregates."`
	// ServiceLevelSeconds is the answer threshold of calls_service_level.
	ServiceLevelSeconds int                `json:"service_level_seconds,omitempty" minimum:"1" maximum:"600" doc:"The service-level threshold in seconds (default 20): an inbound call answered within it of being offered counts in calls_service_level. Omitted in a PUT: kept as it is. A change recomputes the days of the tenant's calls."`
	Reputation          ReputationSettings `json:"reputation"`
	// MaxPeriodDays is the longest period of the tenant's report queries.
	MaxPeriodDays int `json:"max_period_days,omitempty" required:"false" minimum:"31" maximum:"1830" doc:"The longest period, in days, of the tenant's report queries, drill-downs, exports and rebuilds (31–1830, default 366). Left out of a PUT: unchanged."`
}

// WithDefaults fills the unset fields with the defaults.
func (s Settings) WithDefaults() Settings {
	if s.MaxPeriodDays == 0 {
		s.MaxPeriodDays = DefaultMaxPeriodDays
	}
	s.Reputation = s.Reputation.WithDefaults()
	return s
}

// Validate checks the settings, naming the field at fault.
func (s Settings) Validate() error {
	if s.ResponseMinutes < 1 || s.ResponseMinutes > 10080 {
		return core.FieldError("response_minutes", "must be between 1 and 10080")
	}
	if s.ServiceLevelSeconds < 1 || s.ServiceLevelSeconds > 600 {
		return core.FieldError("service_level_seconds", "must be between 1 and 600")
	}
	if s.MaxPeriodDays != 0 && (s.MaxPeriodDays < MinPeriodLimit || s.MaxPeriodDays > MaxPeriodLimit) {
		return core.FieldError("max_period_days", "must be between %d and %d", MinPeriodLimit, MaxPeriodLimit)
	}
	return s.Reputation.Validate()
}

// ReputationStore keeps the report settings and the site reputations.
type ReputationStore interface {
	// FindReportSettings reads the tenant's settings (the defaults where unset).
	FindReportSettings(ctx context.Context, u core.UnitOfWork) (Settings, error)
	// SaveReportSettings stores them; a changed response target marks every
	// day of the aggregates for recomputation, a changed service-level
	// threshold the days of the calls.
	SaveReportSettings(ctx context.Context, u core.UnitOfWork, s Settings) error
	// ReputationInputs sums each active site's buckets over the tenant-local
	// days [today − windowDays + 1, today] of now, and returns the window.
	ReputationInputs(ctx context.Context, u core.UnitOfWork, now time.Time, windowDays int) (from, to time.Time, sites []SiteSums, err error)
	// SaveReputations replaces the computed part of the sites' rows (their
	// adjustments stay).
	SaveReputations(ctx context.Context, u core.UnitOfWork, from, to, at time.Time, rs []SiteReputation) error
	// FindReputations lists the sites within reach (or only site), best
	// effective reputation first.
	FindReputations(ctx context.Context, u core.UnitOfWork, r Reach, site *uuid.UUID, limit int) ([]SiteReputation, error)
	// SetReputationAdjustment sets a site's manual adjustment; ENOTFOUND
	// for an unknown site.
	SetReputationAdjustment(ctx context.Context, u core.UnitOfWork, site uuid.UUID, points float64, note string) error
	// ReputationTenants lists the active tenants.
	ReputationTenants(ctx context.Context) ([]uuid.UUID, error)
}

// ReputationService computes and serves site reputations.
type ReputationService struct {
	Store ReputationStore
	Units core.UnitsOfWork
	Clock core.Clock
}

// RefreshReputations recomputes every site's score of every tenant from
// the aggregates and returns how many sites it scored (the periodic job).
func (s *ReputationService) RefreshReputations(ctx context.Context) (int, error) {
	tenants, err := s.Store.ReputationTenants(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, t := range tenants {
		err := core.InUnitOfWork(ctx, s.Units, t, func(u core.UnitOfWork) error {
			n, err := s.RefreshTenant(ctx, u)
			total += n
			return err
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// RefreshTenant recomputes the scores of the unit's tenant.
func (s *ReputationService) RefreshTenant(ctx context.Context, u core.UnitOfWork) (int, error) {
	set, err := s.Store.FindReportSettings(ctx, u)
	if err != nil {
		return 0, err
	}
	rs := set.Reputation.WithDefaults()
	from, to, sites, err := s.Store.ReputationInputs(ctx, u, s.Clock.Now(), rs.WindowDays)
	if err != nil {
		return 0, err
	}
	out := make([]SiteReputation, 0, len(sites))
	for _, ss := range sites {
		score, comps := Score(ss.Sums, rs)
		out = append(out, SiteReputation{SiteID: ss.SiteID, Score: score, Components: comps, Orders: ss.Sums.Orders})
	}
	return len(out), s.Store.SaveReputations(ctx, u, from, to, s.Clock.Now(), out)
}

// Settings reads the tenant's report settings.
func (s *ReputationService) Settings(ctx context.Context, u core.UnitOfWork) (Settings, error) {
	set, err := s.Store.FindReportSettings(ctx, u)
	return set.WithDefaults(), err
}

// UpdateSettings validates and stores the settings (a ServiceLevelSeconds
// or MaxPeriodDays of 0, left out of the request, keeps the stored value);
// the scores follow at the job's next run.
func (s *ReputationService) UpdateSettings(ctx context.Context, u core.UnitOfWork, set Settings) (Settings, error) {
	if set.ServiceLevelSeconds == 0 || set.MaxPeriodDays == 0 { // omitted: kept
		cur, err := s.Settings(ctx, u)
		if err != nil {
			return set, err
		}
		if set.ServiceLevelSeconds == 0 {
			set.ServiceLevelSeconds = cur.ServiceLevelSeconds
		}
		if set.MaxPeriodDays == 0 {
			set.MaxPeriodDays = cur.MaxPeriodDays
		}
	}
	if err := set.Validate(); err != nil {
		return set, err
	}
	return set, s.Store.SaveReportSettings(ctx, u, set)
}

// Reputations lists the sites within reach, best first (a ranking), or
// one site (ENOTFOUND when it is unknown or outside reach).
func (s *ReputationService) Reputations(ctx context.Context, u core.UnitOfWork, r Reach, site *uuid.UUID, limit int) ([]SiteReputation, error) {
	rs, err := s.Store.FindReputations(ctx, u, r, site, limit)
	if err == nil && site != nil && len(rs) == 0 {
		return nil, &core.Error{Code: core.ENOTFOUND, Message: "site not found"}
	}
	if err != nil {
		return nil, err
	}
	return rs, s.fillComponents(ctx, u, rs)
}

// fillComponents gives the sites the job has not scored yet their
// components with the tenant's weights, all without data.
func (s *ReputationService) fillComponents(ctx context.Context, u core.UnitOfWork, rs []SiteReputation) error {
	var comps []Component
	for i := range rs {
		if len(rs[i].Components) > 0 {
			continue
		}
		if comps == nil {
			set, err := s.Settings(ctx, u)
			if err != nil {
				return err
			}
			_, comps = Score(Sums{}, set.Reputation)
		}
		rs[i].Components = comps
	}
	return nil
}

// Adjust sets a site's manual adjustment (points, −100 to 100).
func (s *ReputationService) Adjust(ctx context.Context, u core.UnitOfWork, site uuid.UUID, points float64, note string) (*SiteReputation, error) {
	if math.IsNaN(points) || points < -100 || points > 100 {
		return nil, core.FieldError("adjustment", "must be a number between -100 and 100")
	}
	if len([]rune(note)) > 500 {
		return nil, core.FieldError("adjustment_note", "at most 500 characters")
	}
	if err := s.Store.SetReputationAdjustment(ctx, u, site, points, note); err != nil {
		return nil, err
	}
	rs, err := s.Reputations(ctx, u, Reach{All: true}, &site, 1)
	if err != nil {
		return nil, err
	}
	return &rs[0], nil
}
