package core_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestParseSiteCSVDistricts: a row may give districts instead of an area
// (codes or names separated by ;, ；, | or 、); a row with neither, or a
// districts cell naming nothing, fails naming its column.
func TestParseSiteCSVDistricts(t *testing.T) {
	t.Parallel()
	data := "code,name,kind,region,lat,lon,radius_km,districts\n" +
		"S-1,a,dealer,R,22.5,113.9,,440305; 深圳福田区|450304、南山区\n" +
		"S-2,b,dealer,R,22.5,113.9,,\n" +
		"S-3,c,dealer,R,22.5,113.9,, ; | \n" +
		"S-4,d,dealer,R,22.5,113.9,5,\n"
	rows, rep, err := core.ParseSiteCSV([]byte(data))
	require.NoError(t, err)
	rep.Finish()
	got := map[int]string{}
	for _, e := range rep.Errors {
		got[e.Row] = e.Field
	}
	require.Equal(t, map[int]string{3: "radius_km", 4: "districts"}, got, "%+v", rep.Errors)
	require.Len(t, rows, 2)
	require.Equal(t, []string{"440305", "深圳福田区", "450304", "南山区"}, rows[0].Districts)
	require.True(t, rows[0].Site.Area.Empty())
	require.Empty(t, rows[1].Districts)
	require.Equal(t, 5.0, rows[1].Site.Area.RadiusKm)
}
