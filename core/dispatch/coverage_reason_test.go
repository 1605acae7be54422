package dispatch

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDistrictReasonNamesTheMatchedCoverage: the reason of a site covering
// the address by district names the code on the site's list that matched
// (the address's district, its city or its province), and a secondary
// coverage ranks after a primary one although it is nearer.
func TestDistrictReasonNamesTheMatchedCoverage(t *testing.T) {
	t.Parallel()
	n := mustNetwork(t, []Site{
		site("city-wide", 400, 0, 0, func(s *Site) {
			s.Area = Area{}
			s.Districts = []DistrictCoverage{{Code: "310000", Secondary: true}, {Code: "310100"}}
		}),
		site("backup", 300, 0, 10, func(s *Site) { s.Districts = []DistrictCoverage{{Code: "310101", Secondary: true}} }),
	}, nil)
	d, err := Engine{}.Decide(context.Background(), n, order(func(o *Order) { o.DistrictCode = "310101" }))
	require.NoError(t, err)
	require.Len(t, d.Ranking, 2)
	require.Equal(t, id("city-wide"), *d.Chosen, "primary coverage ranks before a secondary one")
	require.Equal(t, "covers address (district 310100 上海市, distance 400.0 km)", d.Ranking[0].Reasons[0])
	require.Equal(t, ReasonCoversDistrict, d.Ranking[0].Codes[0])
	require.Equal(t, "covers address (district 310101 上海市黄浦区, secondary, distance 300.0 km)", d.Ranking[1].Reasons[0])
	require.Equal(t, ReasonCoversDistrictSecondary, d.Ranking[1].Codes[0])
}
