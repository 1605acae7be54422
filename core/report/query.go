package report

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// The bounds of a query's period: a tenant's limit (Settings.MaxPeriodDays)
// lies in [MinPeriodLimit, MaxPeriodLimit]; a tenant that set none has
// DefaultMaxPeriodDays.
const (
	DefaultMaxPeriodDays = 366
	MinPeriodLimit       = 31
	MaxPeriodLimit       = 1830
)

// Granularities of a series.
const (
	Day   = "day"
	Week  = "week"
	Month = "month"
)

// Filter narrows a query to dimension values.
type Filter struct {
	Region      *uuid.UUID // the region's subtree (by the site's region)
	Site        *uuid.UUID
	Technician  *uuid.UUID
	ProductLine string
	ServiceType string
	Channel     string
	Model       *uuid.UUID
}

// Query asks for metrics over a period of tenant-local days [From, To].
type Query struct {
	Metrics     []string
	From, To    time.Time // dates (midnight UTC stands for the tenant-local day)
	Granularity string
	Filter      Filter
	GroupBy     []string
}

// Reach is what the caller may see: every bucket, or those of the sites in
// Regions' subtrees and Sites, or (a technician) their own buckets.
type Reach struct {
	All        bool
	Regions    []uuid.UUID
	Sites      []uuid.UUID
	Technician *uuid.UUID
}

// ReachOf is the reach of a viewer, the rule of work orders (core.Viewer.Orders)
// applied to buckets: a bucket counts the orders of one site and technician.
func ReachOf(v core.Viewer) Reach {
	if t := v.Technician; t != nil {
		return Reach{Technician: &t.ID}
	}
	if v.Scope.All {
		return Reach{All: true}
	}
	return Reach{Regions: v.Scope.Regions, Sites: v.Scope.Sites}
}

// Bucket is the sums of one group in one period bucket.
type Bucket struct {
	Start time.Time         // the first day of the day, week (Monday) or month
	Group map[string]string // dimension → value ("" for none)
	Sums  Sums
}

// Store reads the daily aggregates.
type Store interface {
	// SumBuckets sums the buckets of days [from, to] within reach and the
	// filter, per group and, when granularity is not "", per period bucket.
	SumBuckets(ctx context.Context, u core.UnitOfWork, r Reach, from, to time.Time, granularity string, f Filter, groupBy []string) ([]Bucket, error)
	// InReach reports whether the region's subtree (or the site) lies within r.
	RegionInReach(ctx context.Context, u core.UnitOfWork, r Reach, region uuid.UUID) (bool, error)
	SiteInReach(ctx context.Context, u core.UnitOfWork, r Reach, site uuid.UUID) (bool, error)
	// TechnicianInReach reports whether the technician belongs to a site
	// within r (or is r's own technician).
	TechnicianInReach(ctx context.Context, u core.UnitOfWork, r Reach, technician uuid.UUID) (bool, error)
	// MedianBuckets is SumBuckets' groups with only Sums.MedianCompleteSeconds
	// set, computed from the completed orders of the same buckets.
	MedianBuckets(ctx context.Context, u core.UnitOfWork, r Reach, from, to time.Time, granularity string, f Filter, groupBy []string) ([]Bucket, error)
	// TechnicianBuckets is SumBuckets' groups with only Sums.ActiveTechnicians
	// set: the distinct technicians with an order assigned in each bucket.
	TechnicianBuckets(ctx context.Context, u core.UnitOfWork, r Reach, from, to time.Time, granularity string, f Filter, groupBy []string) ([]Bucket, error)
}

// Validate checks q, its period at most maxDays (the tenant's limit), and
// returns the metrics it names.
func (q *Query) Validate(maxDays int) ([]Metric, error) {
	if len(q.Metrics) == 0 {
		return nil, core.FieldError("metrics", "name at least one metric")
	}
	if len(q.Metrics) > 40 {
		return nil, core.FieldError("metrics", "at most 40 metrics")
	}
	var ms []Metric
	for _, id := range q.Metrics {
		m, ok := Find(id)
		if !ok {
			return nil, core.FieldError("metrics", "unknown metric %q", id)
		}
		if !m.Available {
			return nil, core.FieldError("metrics", "metric %q is not available: %s", id, m.Reason)
		}
		ms = append(ms, m)
	}
	if q.From.IsZero() || q.To.IsZero() {
		return nil, core.FieldError("from", "from and to are required dates")
	}
	if q.To.Before(q.From) {
		return nil, core.FieldError("to", "is before from")
	}
	if err := q.checkPeriod(maxDays); err != nil {
		return nil, err
	}
	switch q.Granularity {
	case "", Day, Week, Month:
	default:
		return nil, core.FieldError("granularity", "unknown granularity %q (day, week, month)", q.Granularity)
	}
	if len(q.GroupBy) > 2 {
		return nil, core.FieldError("group_by", "at most two dimensions")
	}
	for _, d := range q.GroupBy {
		if !slices.Contains(AllDimensions, d) {
			return nil, core.FieldError("group_by", "unknown dimension %q", d)
		}
		for _, m := range ms {
			if !slices.Contains(m.Dimensions, d) {
				return nil, core.FieldError("group_by", "metric %q has no dimension %q", m.ID, d)
			}
		}
	}
	// A filter the metric lacks is named by its own parameter, not group_by.
	f := q.Filter
	for _, c := range []struct {
		dim, field string
		set        bool
	}{{DimRegion, "region_id", f.Region != nil}, {DimSite, "site_id", f.Site != nil}, {DimTechnician, "technician_id", f.Technician != nil},
		{DimProductLine, "product_line", f.ProductLine != ""}, {DimServiceType, "service_type", f.ServiceType != ""},
		{DimChannel, "channel", f.Channel != ""}, {DimModel, "model_id", f.Model != nil}} {
		if !c.set {
			continue
		}
		for _, m := range ms {
			if !slices.Contains(m.Dimensions, c.dim) {
				return nil, core.FieldError(c.field, "metric %q has no dimension %q to filter on", m.ID, c.dim)
			}
		}
	}
	return ms, nil
}

// checkPeriod refuses a period longer than maxDays, naming to and the limit.
func (q *Query) checkPeriod(maxDays int) error {
	if days := q.Days(); days > maxDays {
		return core.FieldError("to", "the period is %d days; the tenant's limit is %d days", days, maxDays)
	}
	return nil
}

// Days is the length of the period in days.
func (q *Query) Days() int { return int(q.To.Sub(q.From).Hours()/24) + 1 }

// Previous is the period q's is compared with: when q's is whole calendar
// months (From the 1st of a month, To the last day of a month, as the
// tenant-local dates they stand for), the same number of calendar months
// right before (March compares with February, Q2 with Q1); otherwise the
// period of the same number of days right before.
func (q *Query) Previous() (from, to time.Time) {
	if months, ok := q.wholeMonths(); ok {
		return q.From.AddDate(0, -months, 0), q.From.AddDate(0, 0, -1)
	}
	n := q.Days()
	return q.From.AddDate(0, 0, -n), q.From.AddDate(0, 0, -1)
}

// wholeMonths reports how many calendar months q's period is, when it is
// whole months.
func (q *Query) wholeMonths() (int, bool) {
	if q.From.Day() != 1 || q.To.AddDate(0, 0, 1).Day() != 1 || q.To.Before(q.From) {
		return 0, false
	}
	return (q.To.Year()-q.From.Year())*12 + int(q.To.Month()-q.From.Month()) + 1, true
}
