package postgres

import (
	"fmt"
	"slices"

	"github.com/aftersales/aftersales/core/report"
)

// The rollups of report_daily (migrations 00109, 00114): report_daily
// summed over fewer key columns, so that the common dimensions read few
// rows where report_daily holds nearly one row per order. All but
// report_daily_by_attr (nearly as many rows as report_daily at 500,000
// orders: 64 more columns would make it larger) also count their completed
// orders per bin of time to complete (00115), the histogram the exact
// median starts from (report_median.go).

// reportSource is a table SumBuckets can sum: its key columns (besides
// tenant_id and day) and whether it holds the bins of time to complete.
type reportSource struct {
	table string
	keys  []string
	bins  bool
}

// reportDaily is the table of every key.
var reportDaily = reportSource{table: "report_daily",
	keys: []string{"site_id", "technician_id", "product_line", "service_type", "channel", "model_id"}}

// reportRollups, the smallest first: a query reads the first that holds
// every column its reach, filter and dimensions need.
var reportRollups = []reportSource{
	{table: "report_daily_by_site", keys: []string{"site_id"}, bins: true},
	{table: "report_daily_by_line", keys: []string{"product_line", "service_type", "channel"}, bins: true},
	{table: "report_daily_by_tech", keys: []string{"site_id", "technician_id"}, bins: true},
	{table: "report_daily_by_attr", keys: []string{"site_id", "product_line", "service_type", "channel"}},
}

// reportDimColumn is the key column each dimension reads (the region: the
// bucket's site's region).
var reportDimColumn = map[string]string{
	report.DimRegion: "site_id", report.DimSite: "site_id", report.DimTechnician: "technician_id",
	report.DimProductLine: "product_line", report.DimServiceType: "service_type", report.DimChannel: "channel",
	report.DimModel: "model_id",
}

// reportSourceFor is the smallest table holding the key columns the
// reach, the filter and the dimensions need.
func reportSourceFor(re report.Reach, f report.Filter, groupBy []string) reportSource {
	var need []string
	if !re.All && len(re.Regions)+len(re.Sites) > 0 {
		need = append(need, "site_id")
	}
	if !re.All && re.Technician != nil {
		need = append(need, "technician_id")
	}
	for _, c := range []struct {
		set bool
		col string
	}{{f.Region != nil, "site_id"}, {f.Site != nil, "site_id"}, {f.Technician != nil, "technician_id"},
		{f.ProductLine != "", "product_line"}, {f.ServiceType != "", "service_type"}, {f.Channel != "", "channel"},
		{f.Model != nil, "model_id"}} {
		if c.set {
			need = append(need, c.col)
		}
	}
	for _, d := range groupBy {
		need = append(need, reportDimColumn[d])
	}
next:
	for _, r := range reportRollups {
		for _, c := range need {
			if !slices.Contains(r.keys, c) {
				continue next
			}
		}
		return r
	}
	return reportDaily
}

// reportSumSource is the table (alias r) SumBuckets sums.
func reportSumSource(re report.Reach, f report.Filter, groupBy []string) string {
	return reportSourceFor(re, f, groupBy).table + " r"
}

// reportTTCBounds are the lower bounds (whole seconds) of the bins of time
// to complete 1 … 63 (bin 0: below 60 s): 60 s growing by a factor 1.2,
// as the literal of migration 00115's column work_orders.ttc_bin.
var reportTTCBounds = []int64{60, 72, 86, 103, 124, 149, 179, 214, 257, 309, 371, 445, 534, 641, 770, 924, 1109,
	1331, 1597, 1916, 2300, 2760, 3312, 3974, 4769, 5723, 6868, 8242, 9890, 11868, 14242, 17091, 20509, 24611, 29533,
	35440, 42528, 51033, 61240, 73488, 88186, 105823, 126988, 152385, 182863, 219435, 263322, 315987, 379184, 455021,
	546026, 655231, 786277, 943533, 1132240, 1358688, 1630425, 1956510, 2347813, 2817375, 3380850, 4057021, 4868425}

// reportTTCBins is how many bins: one more than the bounds.
var reportTTCBins = len(reportTTCBounds) + 1

// ttcBinSQL is the bin of the order w's time to complete: the stored
// column work_orders.ttc_bin (00115), generated from reportTTCBounds.
const ttcBinSQL = "w.ttc_bin"

// ttcCols are the rollups' bin columns, ttc_00 … ttc_63.
var ttcCols = func() []string {
	out := make([]string, reportTTCBins)
	for i := range out {
		out[i] = fmt.Sprintf("ttc_%02d", i)
	}
	return out
}()
