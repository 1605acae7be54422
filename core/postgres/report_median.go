package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/report"
)

// The exact median time to complete by a histogram (migration 00115): the
// rollup that serves the query's sums also counts each bucket's completed
// orders per bin of time to complete. The median is the lower one (as
// percentile_disc(0.5)): the value of rank k = ⌈n/2⌉ of the n completed
// orders in ascending order. The bins' counts locate the bin holding rank
// k and its rank within the bin; only the orders of that bin in the
// bucket's days (and, by site, of the bucket's site) are read, one index
// range each (index-only: work_orders_ttc_bin, work_orders_ttc_bin_site),
// sorted, and the value at that rank taken.

// ttcBinDim groups the orders read by their bin (not a report dimension).
const ttcBinDim = "ttc_bin"

func init() { reportDimSQL[ttcBinDim] = "r.ttc_bin::text" }

// medianStale counts the median queries whose rollup disagreed with the
// orders (read from the raw orders instead).
var medianStale atomic.Int64

// medianBinCols is medianSourceSQL's columns of the order w (model:
// none; a rollup never serves the model), with its bin.
var medianBinCols = `w.tenant_id, (w.created_at AT TIME ZONE $3)::date AS day, ` +
	`coalesce(w.site_id, ` + nilID + `) AS site_id, coalesce(w.technician_id, ` + nilID + `) AS technician_id, ` +
	`coalesce(w.product_line, '') AS product_line, w.service_type, w.channel, ` + nilID + ` AS model_id, ` +
	completeSecondsSQL + ` AS secs, ` + ttcBinSQL + ` AS ttc_bin`

// medianBinSourceSQL is the completed orders of the wanted (bin, days,
// site) ranges $4 … $8 within the period [$1, $2): each range one index range scan, of the bin's
// orders created in its days ($5 … $6, dates in the tenant's zone $3) and,
// by mode $8, of its site $7 ('s', work_orders_ttc_bin_site), of no site
// ('n') or of any site ('a', work_orders_ttc_bin). The ranges are
// distinct and those of one query disjoint (buckets' days partition the
// period; a query's ranges are all by site or all of any site), so no
// order is read twice; buckets' conditions then keep each bucket's own.
var medianBinSourceSQL = func() string {
	cond := `w.ttc_bin = q.bin AND w.created_at >= q.lo AND w.created_at < q.hi AND w.completed_at IS NOT NULL
			AND w.created_at >= $1 AND w.created_at < $2`
	return `(SELECT o.* FROM (SELECT DISTINCT bin, (d0::timestamp AT TIME ZONE $3) AS lo, ((d1 + 1)::timestamp AT TIME ZONE $3) AS hi, site, mode
		FROM unnest($4::int[], $5::date[], $6::date[], $7::uuid[], $8::text[]) AS u(bin, d0, d1, site, mode)) q
	CROSS JOIN LATERAL (
		SELECT ` + medianBinCols + ` FROM work_orders w WHERE q.mode = 's' AND w.site_id = q.site AND ` + cond + `
		UNION ALL SELECT ` + medianBinCols + ` FROM work_orders w WHERE q.mode = 'n' AND w.site_id IS NULL AND ` + cond + `
		UNION ALL SELECT ` + medianBinCols + ` FROM work_orders w WHERE q.mode = 'a' AND ` + cond + `) o) r`
}()

// medianRanges are the wanted ranges of medianBinSourceSQL, as its arrays.
type medianRanges struct {
	bins   []int32
	d0, d1 []string
	sites  []uuid.UUID
	modes  []string
}

// add wants the orders of bin in bucket b's days (within [from, to]) and,
// when the query groups or filters by site, of its site.
func (m *medianRanges) add(b report.Bucket, bin int, from, to time.Time, gran string, groupBy []string, f report.Filter) {
	d0, d1 := from, to
	switch gran {
	case report.Day:
		d0, d1 = b.Start, b.Start
	case report.Week:
		d0, d1 = b.Start, b.Start.AddDate(0, 0, 6)
	case report.Month:
		d0, d1 = b.Start, b.Start.AddDate(0, 1, -1)
	}
	if d0.Before(from) {
		d0 = from
	}
	if d1.After(to) {
		d1 = to
	}
	site, mode := uuid.Nil, "a"
	if slices.Contains(groupBy, report.DimSite) {
		mode = "n"
		if v := b.Group[report.DimSite]; v != "" {
			id, err := uuid.Parse(v)
			if err != nil {
				mode = "a"
			} else {
				site, mode = id, "s"
			}
		}
	} else if f.Site != nil {
		site, mode = *f.Site, "s"
	}
	m.bins = append(m.bins, int32(bin))
	m.d0 = append(m.d0, d0.Format("2006-01-02"))
	m.d1 = append(m.d1, d1.Format("2006-01-02"))
	m.sites = append(m.sites, site)
	m.modes = append(m.modes, mode)
}

// MedianBuckets implements report.Store: by the histogram of the rollup
// that covers the query, or from the raw orders when none does.
func (s *Store) MedianBuckets(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string) ([]report.Bucket, error) {
	return s.medianBuckets(ctx, u, re, from, to, gran, f, groupBy, false)
}

// SumMedianBuckets is SumBuckets with each bucket's median set (as
// report.Service would merge MedianBuckets into them): when the rollup
// holds the bins, its sums and histograms in one read of its rows.
func (s *Store) SumMedianBuckets(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string) ([]report.Bucket, error) {
	return s.medianBuckets(ctx, u, re, from, to, gran, f, groupBy, true)
}

// sumThenMedian is SumMedianBuckets by SumBuckets and the medians of the
// raw orders.
func (s *Store) sumThenMedian(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string) ([]report.Bucket, error) {
	bs, err := s.SumBuckets(ctx, u, re, from, to, gran, f, groupBy)
	if err != nil {
		return nil, err
	}
	ms, err := s.medianRawBuckets(ctx, u, re, from, to, gran, f, groupBy)
	if err != nil {
		return nil, err
	}
	by := make(map[string]*int64, len(ms))
	for _, m := range ms {
		by[medianKey(m, groupBy, "")] = m.Sums.MedianCompleteSeconds
	}
	for i := range bs {
		bs[i].Sums.MedianCompleteSeconds = by[medianKey(bs[i], groupBy, "")]
	}
	return bs, nil
}

// medianBuckets is MedianBuckets or, withSums, SumMedianBuckets.
func (s *Store) medianBuckets(ctx context.Context, u core.UnitOfWork, re report.Reach, from, to time.Time, gran string,
	f report.Filter, groupBy []string, withSums bool) ([]report.Bucket, error) {
	raw := s.medianRawBuckets
	if withSums {
		raw = s.sumThenMedian
	}
	src := reportSourceFor(re, f, groupBy)
	if !src.bins {
		return raw(ctx, u, re, from, to, gran, f, groupBy)
	}
	aggs := []string{"sum(r.completed)::bigint"} // the bins' total, unless a writer left them behind
	if withSums {
		aggs = aggs[:0]
		for _, c := range reportCols { // with completed
			aggs = append(aggs, "sum(r."+c+")::bigint")
		}
	}
	for _, c := range ttcCols {
		aggs = append(aggs, "sum(r."+c+")::bigint")
	}
	var hists []*[]int64
	bs, err := s.buckets(ctx, u, re, from, to, gran, f, groupBy, src.table+" r", nil, aggs, func(b *report.Bucket) []any {
		h := make([]int64, len(ttcCols))
		hists = append(hists, &h)
		out := []any{&b.Sums.Completed}
		if withSums {
			out = sumsTargets(&b.Sums)
		}
		for i := range h {
			out = append(out, &h[i])
		}
		return out
	})
	if err != nil {
		return nil, err
	}
	// Each bucket's median: the bin holding rank k and the rank within it.
	type want struct {
		bucket int
		rank   int64 // 1-based, within the bin
		count  int64 // the bin's orders
	}
	wants := map[string]want{}
	var ranges medianRanges
	out := bs[:0]
	for i, b := range bs {
		h := *hists[i]
		var n int64
		for _, c := range h {
			n += c
		}
		if n != b.Sums.Completed { // bins not maintained (a writer older than 00115): read the orders
			medianStale.Add(1)
			return raw(ctx, u, re, from, to, gran, f, groupBy)
		}
		if n == 0 {
			if withSums {
				out = append(out, b)
			}
			continue // no completed order: no median (and, but with the sums, no bucket, as the raw path)
		}
		k := (n + 1) / 2
		for bin, c := range h {
			if k <= c {
				wants[medianKey(b, groupBy, strconv.Itoa(bin))] = want{bucket: len(out), rank: k, count: c}
				ranges.add(b, bin, from, to, gran, groupBy, f)
				break
			}
			k -= c
		}
		if !withSums {
			b.Sums = report.Sums{}
		}
		out = append(out, b)
	}
	if len(wants) == 0 {
		return out, nil
	}
	var lo, hi time.Time
	var tz string
	if err := unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(&lo, &hi, &tz) },
		`SELECT ($1::date)::timestamp AT TIME ZONE timezone, ($2::date + 1)::timestamp AT TIME ZONE timezone, timezone
		FROM tenants WHERE id = app_current_tenant()`, from.Format("2006-01-02"), to.Format("2006-01-02")); err != nil {
		return nil, err
	}
	var sorted []*[]int64
	keys := make([]string, 0, len(wants))
	for k := range wants {
		keys = append(keys, k)
	}
	got, err := s.buckets(ctx, u, re, from, to, gran, f, append(groupBy[:len(groupBy):len(groupBy)], ttcBinDim),
		medianBinSourceSQL, []any{lo, hi, tz, ranges.bins, ranges.d0, ranges.d1, ranges.sites, ranges.modes}, []string{"array_agg(r.secs)"}, func(*report.Bucket) []any {
			v := new([]int64)
			sorted = append(sorted, v)
			return []any{v}
		}, func(key string, arg func(any) string) string { // only each bucket's own bin
			return key + " = ANY(" + arg(keys) + "::text[])"
		})
	if err != nil {
		return nil, err
	}
	found := 0
	for i, g := range got {
		w, ok := wants[medianKey(g, groupBy, g.Group[ttcBinDim])]
		if !ok {
			return nil, fmt.Errorf("median: unexpected bucket %q", medianKey(g, groupBy, g.Group[ttcBinDim]))
		}
		v := *sorted[i]
		if int64(len(v)) != w.count { // the rollup lags the orders: read them all
			medianStale.Add(1)
			return raw(ctx, u, re, from, to, gran, f, groupBy)
		}
		slices.Sort(v)
		m := v[w.rank-1]
		out[w.bucket].Sums.MedianCompleteSeconds = &m
		found++
	}
	if found != len(wants) {
		medianStale.Add(1)
		return raw(ctx, u, re, from, to, gran, f, groupBy)
	}
	return out, nil
}

// medianKey is a bucket's start ("" for none), its dimensions' values and
// a bin, as buckets' keep condition writes a row's key.
func medianKey(b report.Bucket, groupBy []string, bin string) string {
	var sb strings.Builder
	if !b.Start.IsZero() {
		sb.WriteString(b.Start.Format("2006-01-02"))
	}
	for _, d := range groupBy {
		sb.WriteString("|" + b.Group[d])
	}
	sb.WriteString("|" + bin)
	return sb.String()
}
