package postgres

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/report"
)

// TestReportSumSource: SumBuckets sums the rollup report_daily_by_site unless
// the reach, the filter or a dimension asks for a technician or a model
// (TestReportsEqualRecomputation in api proves both paths equal the raw
// rows' recomputation: it groups by site, region, channel… and by
// technician and model).
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
			[]string{report.DimRegion, report.DimChannel}, rollup},
		{"filters on site, product line, service type, channel", report.Reach{Sites: []uuid.UUID{id}},
			report.Filter{Site: &id, ProductLine: "ac", ServiceType: "repair", Channel: "phone"},
			[]string{report.DimProductLine, report.DimServiceType}, rollup},
		{"technician reach", report.Reach{Technician: &id}, report.Filter{}, nil, detailed},
		{"technician filter", report.Reach{All: true}, report.Filter{Technician: &id}, nil, detailed},
		{"model filter", report.Reach{All: true}, report.Filter{Model: &id}, nil, detailed},
		{"technician scorecard", report.Reach{All: true}, report.Filter{}, []string{report.DimTechnician}, detailed},
		{"by model", report.Reach{All: true}, report.Filter{}, []string{report.DimProductLine, report.DimModel}, detailed},
	} {
		require.Equal(t, c.want, reportSumSource(c.re, c.f, c.groupBy), c.name)
	}
}
