package report

import (
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Reputation components, in the order they are shown.
const (
	CompResponse       = "response"
	CompArrival        = "arrival"
	CompFirstTimeFix   = "first_time_fix"
	CompSatisfaction   = "satisfaction"
	CompComplaints     = "complaints"
	CompClaimAnomalies = "claim_anomalies"
)

// ReputationWeights are a tenant's weights of the components, each 0–100;
// only their ratios matter (the score divides by the sum of the weights of
// the components that have data).
type ReputationWeights struct {
	Response       float64 `json:"response" minimum:"0" maximum:"100"`
	Arrival        float64 `json:"arrival" minimum:"0" maximum:"100"`
	FirstTimeFix   float64 `json:"first_time_fix" minimum:"0" maximum:"100"`
	Satisfaction   float64 `json:"satisfaction" minimum:"0" maximum:"100"`
	Complaints     float64 `json:"complaints" minimum:"0" maximum:"100"`
	ClaimAnomalies float64 `json:"claim_anomalies" minimum:"0" maximum:"100"`
}

// ReputationSettings are a tenant's parameters of the formula.
type ReputationSettings struct {
	Weights ReputationWeights `json:"weights"`
	// WindowDays: the score reads the tenant-local days [today − WindowDays + 1, today].
	WindowDays int `json:"window_days" minimum:"7" maximum:"366" doc:"Days the score looks back, today included. Default 90."`
	// MinSample: a component has data only when its denominator reaches it.
	MinSample int `json:"min_sample" minimum:"1" maximum:"10000" doc:"Least denominator (orders, arrivals, scores, submitted claims) for a component to count. Default 5."`
	// ComplaintsCeiling: complaints per 1,000 orders at which the complaints component reaches 0.
	ComplaintsCeiling float64 `json:"complaints_ceiling_per_1000" minimum:"1" maximum:"1000" doc:"Complaints per 1,000 orders that score 0. Default 20."`
}

// DefaultReputationSettings are the settings of a tenant that has set none.
func DefaultReputationSettings() ReputationSettings {
	return ReputationSettings{Weights: ReputationWeights{Response: 20, Arrival: 20, FirstTimeFix: 15, Satisfaction: 25,
		Complaints: 15, ClaimAnomalies: 5}, WindowDays: 90, MinSample: 5, ComplaintsCeiling: 20}
}

// WithDefaults fills the zero fields (a tenant row stored as {}) with the defaults.
func (s ReputationSettings) WithDefaults() ReputationSettings {
	d := DefaultReputationSettings()
	if s.Weights == (ReputationWeights{}) {
		s.Weights = d.Weights
	}
	if s.WindowDays == 0 {
		s.WindowDays = d.WindowDays
	}
	if s.MinSample == 0 {
		s.MinSample = d.MinSample
	}
	if s.ComplaintsCeiling == 0 {
		s.ComplaintsCeiling = d.ComplaintsCeiling
	}
	return s
}

func (w ReputationWeights) byComponent() []struct {
	id string
	w  float64
} {
	return []struct {
		id string
		w  float64
	}{{CompResponse, w.Response}, {CompArrival, w.Arrival}, {CompFirstTimeFix, w.FirstTimeFix},
		{CompSatisfaction, w.Satisfaction}, {CompComplaints, w.Complaints}, {CompClaimAnomalies, w.ClaimAnomalies}}
}

// Validate checks the settings, naming the field at fault.
func (s ReputationSettings) Validate() error {
	sum := 0.0
	for _, c := range s.Weights.byComponent() {
		if math.IsNaN(c.w) || c.w < 0 || c.w > 100 {
			return core.FieldError("reputation.weights."+c.id, "must be a number between 0 and 100")
		}
		sum += c.w
	}
	if sum <= 0 {
		return core.FieldError("reputation.weights", "at least one weight must be above 0")
	}
	if s.WindowDays < 7 || s.WindowDays > 366 {
		return core.FieldError("reputation.window_days", "must be between 7 and 366")
	}
	if s.MinSample < 1 || s.MinSample > 10000 {
		return core.FieldError("reputation.min_sample", "must be between 1 and 10000")
	}
	if math.IsNaN(s.ComplaintsCeiling) || s.ComplaintsCeiling < 1 || s.ComplaintsCeiling > 1000 {
		return core.FieldError("reputation.complaints_ceiling_per_1000", "must be between 1 and 1000")
	}
	return nil
}

// Component is one term of a site's score.
type Component struct {
	ID     string  `json:"id" enum:"response,arrival,first_time_fix,satisfaction,complaints,claim_anomalies"`
	Metric string  `json:"metric" doc:"The catalogue metric it reads."`
	Weight float64 `json:"weight" doc:"The tenant's weight."`
	// Raw is the metric's value over the window; nil: no data.
	Raw *float64 `json:"raw" doc:"The metric's value over the window; null: no data."`
	// Value is the component normalised to [0, 1] (1 best); nil: no data.
	Value  *float64 `json:"value" doc:"Normalised to 0–1, 1 best; null: no data (the component is left out and the others carry its weight)."`
	Sample int64    `json:"sample" doc:"The metric's denominator over the window."`
	Reason string   `json:"reason,omitempty" doc:"Why there is no data."`
}

// Score computes a site's reputation from its sums over the window: each
// component with data (its denominator at least MinSample, its metric in
// the catalogue) is normalised to [0, 1]; the score is
// 100 × Σ weight·value ÷ Σ weight over those components, rounded to 0.1.
// It is nil when no component with a weight above 0 has data.
func Score(s Sums, set ReputationSettings) (*float64, []Component) {
	var num, den float64
	var comps []Component
	for _, c := range set.Weights.byComponent() {
		comp := component(c.id, s, set)
		comp.Weight = c.w
		if comp.Value != nil && c.w > 0 {
			num += c.w * *comp.Value
			den += c.w
		}
		comps = append(comps, comp)
	}
	if den == 0 {
		return nil, comps
	}
	score := math.Round(1000*num/den) / 10
	return &score, comps
}

func component(id string, s Sums, set ReputationSettings) Component {
	c := Component{ID: id}
	var sample int64
	var norm func(raw float64) float64
	switch id {
	case CompResponse:
		c.Metric, sample, norm = "response_in_target_rate", s.Orders-s.Cancelled, func(r float64) float64 { return r }
	case CompArrival:
		c.Metric, sample, norm = "on_time_arrival_rate", s.Arrivals, func(r float64) float64 { return r }
	case CompFirstTimeFix:
		c.Metric = "first_time_fix_rate"
	case CompSatisfaction:
		c.Metric, sample, norm = "satisfaction_mean", s.Scored, func(r float64) float64 { return (r - 1) / 4 }
	case CompComplaints:
		c.Metric, sample, norm = "complaints_per_1000", s.Orders, func(r float64) float64 {
			return math.Max(0, 1-r/set.ComplaintsCeiling)
		}
	case CompClaimAnomalies:
		c.Metric, sample, norm = "claim_anomaly_rate", s.Claims, func(r float64) float64 { return 1 - r }
	}
	m, _ := Find(c.Metric)
	if !m.Available {
		c.Reason = m.Reason
		return c
	}
	c.Sample = sample
	if sample < int64(set.MinSample) {
		c.Reason = "Fewer than min_sample in the window."
		return c
	}
	raw, ok := m.Value(s)
	if !ok {
		c.Reason = "No denominator in the window."
		return c
	}
	v := math.Min(1, math.Max(0, norm(raw)))
	c.Raw, c.Value = &raw, &v
	return c
}

// SiteReputation is a site's computed score and its manual adjustment.
type SiteReputation struct {
	SiteID   uuid.UUID `json:"site_id"`
	SiteCode string    `json:"site_code"`
	SiteName string    `json:"site_name"`
	RegionID uuid.UUID `json:"region_id"`
	// Score is computed by the reputation job; nil: no data yet.
	Score      *float64    `json:"score" doc:"Computed by the reputation job, 0–100; null: no data in the window yet."`
	Components []Component `json:"components" nullable:"false"`
	Orders     int64       `json:"orders" doc:"Orders in the window."`
	WindowFrom string      `json:"window_from,omitempty"`
	WindowTo   string      `json:"window_to,omitempty"`
	ComputedAt *time.Time  `json:"computed_at,omitempty"`
	// Adjustment is the optional manual adjustment in points.
	Adjustment     float64 `json:"adjustment" doc:"Manual adjustment in points, −100 to 100, added to the score."`
	AdjustmentNote string  `json:"adjustment_note"`
	// Typed is the site's typed reputation, used while Score is nil.
	Typed float64 `json:"typed" doc:"The site's typed reputation: dispatch uses it only while score is null."`
	// Effective is what dispatch uses.
	Effective float64 `json:"effective" doc:"What dispatch ranks by: clamp(score (or typed while null) + adjustment, 0, 100)."`
}

// EffectiveReputation is what dispatch reads for a site (the same rule as
// the SQL in the dispatch network's query).
func EffectiveReputation(score *float64, typed, adjustment float64) float64 {
	base := typed
	if score != nil {
		base = *score
	}
	return math.Min(100, math.Max(0, base+adjustment))
}

// SiteSums are a site's sums over a window.
type SiteSums struct {
	SiteID uuid.UUID
	Sums   Sums
}
