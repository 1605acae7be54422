package report

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Value is a metric's value; nil when it has no denominator.
type Value = *float64

// Row is one group's values.
type Row struct {
	Group    map[string]string `json:"group"`
	Values   map[string]Value  `json:"values"`
	Previous map[string]Value  `json:"previous,omitempty" doc:"The values of the previous period (previous_from … previous_to): the same number of calendar months before when the period is whole months, otherwise the same number of days before."`
}

// Point is one group's values in one period bucket of the series.
type Point struct {
	Start  string            `json:"start" doc:"The first day (YYYY-MM-DD) of the day, week or month."`
	Group  map[string]string `json:"group"`
	Values map[string]Value  `json:"values"`
}

// Result answers a query.
type Result struct {
	From         string  `json:"from"`
	To           string  `json:"to"`
	PreviousFrom string  `json:"previous_from" doc:"The first day of the period compared with: whole calendar months (from the 1st of a month to the last day of a month) compare with as many calendar months right before (2026-03-01…2026-03-31 with 2026-02-01…2026-02-28); any other period with as many days right before."`
	PreviousTo   string  `json:"previous_to" doc:"The last day of the period compared with (the day before from)."`
	Totals       []Row   `json:"totals" nullable:"false"`
	Series       []Point `json:"series" nullable:"false"`
}

// Marker marks days for recomputation (a rebuild).
type Marker interface {
	MarkReportDays(ctx context.Context, u core.UnitOfWork, from, to time.Time) (int, error)
}

// SettingsReader reads the tenant's report settings (the defaults where unset).
type SettingsReader interface {
	FindReportSettings(ctx context.Context, u core.UnitOfWork) (Settings, error)
}

// Service answers report queries.
type Service struct {
	Store  Store
	Marker Marker
	// Settings gives the tenant's period limit; nil: DefaultMaxPeriodDays.
	Settings SettingsReader
}

// MaxPeriodDays is the unit's tenant's longest period of a query, drill-down,
// export or rebuild.
func (s *Service) MaxPeriodDays(ctx context.Context, u core.UnitOfWork) (int, error) {
	if s.Settings == nil {
		return DefaultMaxPeriodDays, nil
	}
	set, err := s.Settings.FindReportSettings(ctx, u)
	if err != nil {
		return 0, err
	}
	return set.WithDefaults().MaxPeriodDays, nil
}

// Validate checks q against the tenant's period limit and returns the
// metrics it names.
func (s *Service) Validate(ctx context.Context, u core.UnitOfWork, q *Query) ([]Metric, error) {
	limit, err := s.MaxPeriodDays(ctx, u)
	if err != nil {
		return nil, err
	}
	return q.Validate(limit)
}

// ValidateDrill checks the metric and period of a drill-down against the
// tenant's period limit.
func (s *Service) ValidateDrill(ctx context.Context, u core.UnitOfWork, metric string, q *Query) (Metric, error) {
	limit, err := s.MaxPeriodDays(ctx, u)
	if err != nil {
		return Metric{}, err
	}
	return ValidateDrill(metric, q, limit)
}

const dateLayout = "2006-01-02"

// Run validates q against the caller's reach and answers it.
func (s *Service) Run(ctx context.Context, u core.UnitOfWork, r Reach, q Query) (*Result, error) {
	ms, err := s.Validate(ctx, u, &q)
	if err != nil {
		return nil, err
	}
	if err := s.CheckScope(ctx, u, r, q.Filter); err != nil {
		return nil, err
	}
	pf, pt := q.Previous()
	res := &Result{From: q.From.Format(dateLayout), To: q.To.Format(dateLayout), PreviousFrom: pf.Format(dateLayout),
		PreviousTo: pt.Format(dateLayout), Totals: []Row{}, Series: []Point{}}
	need := needs{median: slices.ContainsFunc(ms, Metric.NeedsMedian), technicians: slices.ContainsFunc(ms, Metric.NeedsTechnicians)}
	cur, err := s.buckets(ctx, u, r, q.From, q.To, "", q, need)
	if err != nil {
		return nil, err
	}
	prev, err := s.buckets(ctx, u, r, pf, pt, "", q, need)
	if err != nil {
		return nil, err
	}
	prevBy := map[string]Sums{}
	for _, b := range prev {
		prevBy[groupKey(b.Group)] = b.Sums
	}
	seen := map[string]bool{}
	for _, b := range cur {
		k := groupKey(b.Group)
		seen[k] = true
		res.Totals = append(res.Totals, Row{Group: b.Group, Values: values(ms, b.Sums), Previous: values(ms, prevBy[k])})
	}
	for _, b := range prev { // groups only in the previous period
		if k := groupKey(b.Group); !seen[k] {
			res.Totals = append(res.Totals, Row{Group: b.Group, Values: values(ms, Sums{}), Previous: values(ms, b.Sums)})
		}
	}
	sort.Slice(res.Totals, func(i, j int) bool { return groupKey(res.Totals[i].Group) < groupKey(res.Totals[j].Group) })
	if q.Granularity != "" {
		series, err := s.buckets(ctx, u, r, q.From, q.To, q.Granularity, q, need)
		if err != nil {
			return nil, err
		}
		for _, b := range series {
			res.Series = append(res.Series, Point{Start: b.Start.Format(dateLayout), Group: b.Group, Values: values(ms, b.Sums)})
		}
		sort.SliceStable(res.Series, func(i, j int) bool {
			if res.Series[i].Start != res.Series[j].Start {
				return res.Series[i].Start < res.Series[j].Start
			}
			return groupKey(res.Series[i].Group) < groupKey(res.Series[j].Group)
		})
	}
	return res, nil
}

// SumMedianStore is a Store that sums the buckets with their medians in
// one read (SumBuckets' buckets, each with MedianBuckets' median).
type SumMedianStore interface {
	SumMedianBuckets(ctx context.Context, u core.UnitOfWork, r Reach, from, to time.Time, granularity string, f Filter, groupBy []string) ([]Bucket, error)
}

// needs are the non-additive values a query's metrics need besides the sums.
type needs struct{ median, technicians bool }

// buckets sums the buckets and sets each one's median and active
// technicians when the metrics need them.
func (s *Service) buckets(ctx context.Context, u core.UnitOfWork, r Reach, from, to time.Time, gran string, q Query, need needs) ([]Bucket, error) {
	var bs []Bucket
	var err error
	if sm, ok := s.Store.(SumMedianStore); ok && need.median {
		bs, err = sm.SumMedianBuckets(ctx, u, r, from, to, gran, q.Filter, q.GroupBy)
	} else {
		bs, err = s.Store.SumBuckets(ctx, u, r, from, to, gran, q.Filter, q.GroupBy)
		if err == nil && need.median {
			err = merge(ctx, bs, s.Store.MedianBuckets, u, r, from, to, gran, q, func(dst *Sums, src Sums) {
				dst.MedianCompleteSeconds = src.MedianCompleteSeconds
			})
		}
	}
	if err == nil && need.technicians {
		err = merge(ctx, bs, s.Store.TechnicianBuckets, u, r, from, to, gran, q, func(dst *Sums, src Sums) {
			dst.ActiveTechnicians = src.ActiveTechnicians
		})
	}
	if err != nil {
		return nil, err
	}
	return bs, nil
}

// merge reads the buckets of read and sets, per bucket of bs with the same
// start and group, what set takes from them.
func merge(ctx context.Context, bs []Bucket, read func(context.Context, core.UnitOfWork, Reach, time.Time, time.Time, string, Filter, []string) ([]Bucket, error),
	u core.UnitOfWork, r Reach, from, to time.Time, gran string, q Query, set func(dst *Sums, src Sums)) error {
	more, err := read(ctx, u, r, from, to, gran, q.Filter, q.GroupBy)
	if err != nil {
		return err
	}
	by := make(map[string]Sums, len(more))
	for _, m := range more {
		by[m.Start.Format(dateLayout)+"|"+groupKey(m.Group)] = m.Sums
	}
	for i := range bs {
		set(&bs[i].Sums, by[bs[i].Start.Format(dateLayout)+"|"+groupKey(bs[i].Group)])
	}
	return nil
}

// CheckScope refuses filters on a region, site or technician outside the
// caller's reach: 403 naming the filter's parameter.
func (s *Service) CheckScope(ctx context.Context, u core.UnitOfWork, r Reach, f Filter) error {
	if r.All {
		return nil
	}
	for _, c := range []struct {
		field string
		id    *uuid.UUID
		in    func(context.Context, core.UnitOfWork, Reach, uuid.UUID) (bool, error)
	}{{"region_id", f.Region, s.Store.RegionInReach}, {"site_id", f.Site, s.Store.SiteInReach},
		{"technician_id", f.Technician, s.Store.TechnicianInReach}} {
		if c.id == nil {
			continue
		}
		ok, err := c.in(ctx, u, r, *c.id)
		if err != nil {
			return err
		}
		if !ok {
			return &core.Error{Code: core.EFORBIDDEN, Message: c.field + ": outside your scope",
				Fields: map[string]string{c.field: "outside your scope"}}
		}
	}
	return nil
}

// Rebuild marks the tenant's days [from, to] for recomputation by the report job.
func (s *Service) Rebuild(ctx context.Context, u core.UnitOfWork, from, to time.Time) (int, error) {
	q := Query{From: from, To: to}
	if to.Before(from) {
		return 0, core.FieldError("to", "is before from")
	}
	limit, err := s.MaxPeriodDays(ctx, u)
	if err != nil {
		return 0, err
	}
	if err := q.checkPeriod(limit); err != nil {
		return 0, err
	}
	return s.Marker.MarkReportDays(ctx, u, from, to)
}

func values(ms []Metric, s Sums) map[string]Value {
	out := make(map[string]Value, len(ms))
	for _, m := range ms {
		if v, ok := m.Value(s); ok {
			out[m.ID] = &v
		} else {
			out[m.ID] = nil
		}
	}
	return out
}

func groupKey(g map[string]string) string {
	var b strings.Builder
	for _, d := range AllDimensions {
		if v, ok := g[d]; ok {
			b.WriteString(d + "=" + v + ";")
		}
	}
	return b.String()
}
