package postgres

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/report"
)

// TestReportSumSource: SumBuckets sums the smallest table that holds what
// the reach, the filter and the dimensions need: report_daily_by_site
// (regions and sites), report_daily_by_line (product line, service type,
// channel, tenant-wide), report_daily_by_tech (site, technician),
// report_daily_by_attr (site, product line, service type, channel);
// otherwise (the model, or a technician with a product line…)
// report_daily. TestReportsEqualRecomputation in api and
// TestReportRollupsEqualRecomputation prove every path equal to the raw
// rows' recomputation.
func TestReportSumSource(t *testing.T) {
	id := uuid.New()
	bySite, byLine, byTech, byAttr, detailed := "report_daily_by_site r", "report_daily_by_line r", "report_daily_by_tech r",
		"report_daily_by_attr r", "report_daily r"
	for _, c := range []struct {
		name    string
		re      report.Reach
		f       report.Filter
		groupBy []string
		want    string
	}{
		{"overview", report.Reach{All: true}, report.Filter{}, nil, bySite},
		{"site ranking", report.Reach{All: true}, report.Filter{}, []string{report.DimSite}, bySite},
		{"region view of a manager", report.Reach{Regions: []uuid.UUID{id}}, report.Filter{Region: &id},
			[]string{report.DimRegion, report.DimSite}, bySite},
		{"sites reach, site filter, by site", report.Reach{Sites: []uuid.UUID{id}}, report.Filter{Site: &id},
			[]string{report.DimSite}, bySite},
		{"product line filter", report.Reach{All: true}, report.Filter{ProductLine: "ac"}, nil, byLine},
		{"service type filter", report.Reach{All: true}, report.Filter{ServiceType: "repair"}, nil, byLine},
		{"channel filter", report.Reach{All: true}, report.Filter{Channel: "phone"}, nil, byLine},
		{"by service type and channel", report.Reach{All: true}, report.Filter{}, []string{report.DimServiceType, report.DimChannel}, byLine},
		{"a manager's channel filter", report.Reach{Regions: []uuid.UUID{id}}, report.Filter{Channel: "phone"}, nil, byAttr},
		{"by region and channel", report.Reach{All: true}, report.Filter{}, []string{report.DimRegion, report.DimChannel}, byAttr},
		{"site filter by product line", report.Reach{All: true}, report.Filter{Site: &id}, []string{report.DimProductLine}, byAttr},
		{"technician reach", report.Reach{Technician: &id}, report.Filter{}, nil, byTech},
		{"technician filter", report.Reach{All: true}, report.Filter{Technician: &id}, nil, byTech},
		{"technician scorecard", report.Reach{All: true}, report.Filter{Site: &id}, []string{report.DimTechnician}, byTech},
		{"a manager's technicians", report.Reach{Regions: []uuid.UUID{id}}, report.Filter{}, []string{report.DimTechnician}, byTech},
		{"technician by channel", report.Reach{Technician: &id}, report.Filter{}, []string{report.DimChannel}, detailed},
		{"model filter", report.Reach{All: true}, report.Filter{Model: &id}, nil, detailed},
		{"by model", report.Reach{All: true}, report.Filter{}, []string{report.DimProductLine, report.DimModel}, detailed},
	} {
		require.Equal(t, c.want, reportSumSource(c.re, c.f, c.groupBy), c.name)
	}
}
