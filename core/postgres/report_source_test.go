package postgres

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/report"
)

// TestReportSumSource: SumBuckets sums the rollup report_daily_by_site when
// the reach, the filter and the dimensions ask for nothing but regions and
// sites; otherwise report_daily (TestReportsEqualRecomputation in api
// proves both paths equal the raw rows' recomputation: it asks for no
// dimension, the region and the site, by the admin, a region manager and a
// region filter, and for the others).
func TestReportSumSource(t *testing.T) {
	id := uuid.New()
	rollup, detailed := "report_daily_by_site r", "report_daily r"
	for _, c := range []struct {
		name    string
		re      report.Reach
		f       report.Filter
		groupBy []string
		want    string
	}{
		{"overview", report.Reach{All: true}, report.Filter{}, nil, rollup},
		{"site ranking", report.Reach{All: true}, report.Filter{}, []string{report.DimSite}, rollup},
		{"region view of a manager", report.Reach{Regions: []uuid.UUID{id}}, report.Filter{Region: &id},
			[]string{report.DimRegion, report.DimSite}, rollup},
		{"sites reach, site filter, by site", report.Reach{Sites: []uuid.UUID{id}}, report.Filter{Site: &id},
			[]string{report.DimSite}, rollup},
		{"product line filter", report.Reach{All: true}, report.Filter{ProductLine: "ac"}, nil, detailed},
		{"service type filter", report.Reach{All: true}, report.Filter{ServiceType: "repair"}, nil, detailed},
		{"channel filter", report.Reach{All: true}, report.Filter{Channel: "phone"}, nil, detailed},
		{"by region and channel", report.Reach{All: true}, report.Filter{}, []string{report.DimRegion, report.DimChannel}, detailed},
		{"technician reach", report.Reach{Technician: &id}, report.Filter{}, nil, detailed},
		{"technician filter", report.Reach{All: true}, report.Filter{Technician: &id}, nil, detailed},
		{"model filter", report.Reach{All: true}, report.Filter{Model: &id}, nil, detailed},
		{"technician scorecard", report.Reach{All: true}, report.Filter{}, []string{report.DimTechnician}, detailed},
		{"by model", report.Reach{All: true}, report.Filter{}, []string{report.DimProductLine, report.DimModel}, detailed},
	} {
		require.Equal(t, c.want, reportSumSource(c.re, c.f, c.groupBy), c.name)
	}
}
