package core_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

const siteHeader = "code,name,kind,region,lat,lon,radius_km,polygon,product_lines,skills,daily_capacity,working_hours,status,reputation,auto_assign,address,phone\n"

func TestParseSiteCSV(t *testing.T) {
	t.Parallel()
	data := "\xef\xbb\xbf" + siteHeader +
		"SZ-001,深圳南山服务站,service_station,GD-SZ,22.54,113.93,15,,AC|FRIDGE, install | repair ,30,mon-fri=08:30-12:00;13:30-18:00|sun=,active,90,no,\"南山区, 科技园\",0755-8888 6666\n" +
		"\n" + // a blank line is skipped
		",,,,,,,,,,,,,,,,\n" + // so is a spreadsheet's empty row
		"SZ-002,Poly,dealer,GD-SZ,22.5,113.9,,22 113|22 114|23,114,,,,,,,,,\n" + // an unquoted comma: too many columns
		"SZ-003,Poly,dealer,GD-SZ,22.5,113.9,,\"22 113|22,114|23 114\",,,,,,,,,\n" +
		"SZ-004,\"two\nlines\",dealer,GD-SZ,NaN,113.9,5,,,,,,,,,,\n" +
		"SZ-005,x,dealer,,1,1,5,,,,,,,,,,\n" +
		"SZ-006,x,dealer,R,1,0x1p-2,5,,,,,,,,,,\n" +
		"SZ-007,x,dealer,R,1,1,,,,,,,,,,,\n" +
		"SZ-008,x,dealer,R,1,1,5,,,,many,,,,,,\n" +
		"SZ-009,x,dealer,R,1,1,5,,,,,tuesday=08:00-09:00,,,,,\n" +
		"SZ-010,x,dealer,R,1,1,5,,,,,,,,maybe,,\n" +
		"SZ-011,\xff\xfe,dealer,R,1,1,5,,,,,,,,,,\n" +
		"SZ-012,x,dealer,R,1,1,5,,,,,,,,,,\n"
	rows, rep, err := core.ParseSiteCSV([]byte(data))
	require.NoError(t, err)
	require.Equal(t, 12, rep.Total)
	rep.Finish()
	got := map[int]string{}
	for _, e := range rep.Errors {
		got[e.Row] = e.Field
	}
	require.Equal(t, map[int]string{5: "", 7: "lat", 9: "region", 10: "lon", 11: "radius_km", 12: "daily_capacity",
		13: "working_hours", 14: "auto_assign", 15: "name"}, got, "%+v", rep.Errors)
	require.Len(t, rows, 3)
	require.Equal(t, 16, rows[2].Row)

	first := rows[0]
	require.Equal(t, 2, first.Row)
	require.Equal(t, "GD-SZ", first.RegionCode)
	s := first.Site
	require.Equal(t, "SZ-001", s.Code)
	require.Equal(t, 15.0, s.Area.RadiusKm)
	require.Equal(t, []string{"AC", "FRIDGE"}, s.ProductLines)
	require.Equal(t, []string{"install", "repair"}, s.Skills)
	require.Equal(t, 30, *s.DailyCapacity)
	require.Equal(t, 90.0, *s.Reputation)
	require.False(t, *s.AutoAssign)
	require.Equal(t, "南山区, 科技园", *s.Address)
	require.Equal(t, core.WorkingHours{"mon": {"08:30-12:00", "13:30-18:00"}, "tue": {"08:30-12:00", "13:30-18:00"},
		"wed": {"08:30-12:00", "13:30-18:00"}, "thu": {"08:30-12:00", "13:30-18:00"}, "fri": {"08:30-12:00", "13:30-18:00"},
		"sun": {}}, s.WorkingHours)

	poly := rows[1]
	require.Equal(t, 6, poly.Row)
	require.Equal(t, []core.GeoPoint{{Lat: 22, Lon: 113}, {Lat: 22, Lon: 114}, {Lat: 23, Lon: 114}}, poly.Site.Area.Polygon)
	require.Nil(t, poly.Site.Status, "an empty cell is not given")
	require.Nil(t, poly.Site.Skills)
}

func TestParseSiteCSVFileErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"empty":          "",
		"only BOM":       "\xef\xbb\xbf",
		"unknown column": "code,name,kind,region,lat,lon,radius_km,colour\n",
		"missing column": "code,name,kind,lat,lon,radius_km\n",
		"twice":          "code,name,kind,region,lat,lon,radius_km,Code\n",
		"bad header":     "code,\"name\n",
		"bad utf8":       "code,name,kind,region,lat,lon,radius_km,\xff\n",
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			rows, rep, err := core.ParseSiteCSV([]byte(data))
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			require.True(t, utf8.ValidString(core.ErrorMessage(err)), core.ErrorMessage(err))
			require.Nil(t, rows)
			require.Nil(t, rep)
		})
	}
	var b strings.Builder
	b.WriteString("code,name,kind,region,lat,lon,radius_km\n")
	for i := 0; i <= core.MaxImportRows; i++ {
		fmt.Fprintf(&b, "S%d,n,dealer,R,1,1,5\n", i)
	}
	_, _, err := core.ParseSiteCSV([]byte(b.String()))
	require.ErrorContains(t, err, "more than")
}

func TestParseSiteCSVRecoversAfterABrokenQuote(t *testing.T) {
	t.Parallel()
	data := "code,name,kind,region,lat,lon,radius_km\n" +
		"A,x\"y,dealer,R,1,1,5\n" + // a bare quote
		"B,ok,dealer,R,1,1,5\n"
	rows, rep, err := core.ParseSiteCSV([]byte(data))
	require.NoError(t, err)
	require.Equal(t, 2, rep.Total)
	require.Len(t, rep.Errors, 1)
	require.Equal(t, 2, rep.Errors[0].Row)
	require.Len(t, rows, 1)
	require.Equal(t, "B", rows[0].Site.Code)
	require.Equal(t, 3, rows[0].Row)
}

func TestParseTechnicianCSV(t *testing.T) {
	t.Parallel()
	data := "Code, Name ,phone,site,user,skills,status\n" +
		"T-1,王师傅,+8613800138000,SZ-001,wang,AC|install,busy\n" +
		"T-2,李师傅,13900139000,,,,\n" +
		"T-3,张师傅,13900139001,SZ-002,,,\n"
	rows, rep, err := core.ParseTechnicianCSV([]byte(data))
	require.NoError(t, err)
	require.Equal(t, 3, rep.Total)
	require.Equal(t, []core.ImportError{{Row: 3, Field: "site", Message: "is required (a site code)"}}, rep.Errors)
	require.Len(t, rows, 2)
	require.Equal(t, "wang", rows[0].Username)
	require.Equal(t, "SZ-001", rows[0].SiteCode)
	require.Equal(t, []string{"AC", "install"}, rows[0].Technician.Skills)
	require.Equal(t, "busy", *rows[0].Technician.Status)
	require.Nil(t, rows[1].Technician.Status)
}

func TestDedupeRows(t *testing.T) {
	t.Parallel()
	rep := &core.ImportReport{}
	rows := []core.SiteImportRow{{Row: 2, Site: core.NewSite{Code: "A"}}, {Row: 3, Site: core.NewSite{Code: "B"}},
		{Row: 4, Site: core.NewSite{Code: "A"}}, {Row: 5}, {Row: 6}}
	kept := core.DedupeRows(rows, func(r core.SiteImportRow) string { return r.Site.Code },
		func(r core.SiteImportRow) int { return r.Row }, "code", rep)
	require.Len(t, kept, 4, "rows without a code are left to validation")
	require.Equal(t, []core.ImportError{{Row: 4, Field: "code", Message: `"A" appears again (first at row 2); each row must have its own code`}}, rep.Errors)
	rep.Finish()
	require.Equal(t, 1, rep.Failed)
}

// FuzzParseSiteCSV: the parser never panics; it either refuses the file
// (EINVALID, nothing else) or accounts for every data row exactly once,
// as a parsed row or as a row error, with row numbers past the header.
func FuzzParseSiteCSV(f *testing.F) {
	f.Add([]byte(siteHeader + "SZ-001,深圳,service_station,GD,22.5,113.9,15,,AC|FRIDGE,,10,mon=08:00-12:00,active,80,true,addr,0755-1\n"))
	f.Add([]byte("code,name,kind,region,lat,lon,polygon\nA,b,dealer,R,1,1,\"1 1|2,2|3 1\"\n,,,\n\"x\n"))
	f.Add([]byte("code,name,kind,region,lat,lon,radius_km\nA,\xff,dealer,R,NaN,Inf,-0\nB,b,c\n"))
	f.Add([]byte("\xef\xbb\xbfcode,name,kind,region,lat,lon,radius_km,working_hours\nA,b,c,d,1e5,1,1,mon-sun=00:00-24:00|x\n"))
	f.Add([]byte("code"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, rep, err := core.ParseSiteCSV(data)
		if err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			require.Nil(t, rows)
			require.Nil(t, rep)
			return
		}
		requireEveryRowOnce(t, rep, rows, func(r core.SiteImportRow) int { return r.Row })
		for _, r := range rows {
			require.True(t, utf8.ValidString(r.Site.Code+r.Site.Name+r.Site.Kind+r.RegionCode))
			require.NotEmpty(t, r.RegionCode)
			site := core.NewSiteDefaults([16]byte{1})
			r.Site.Apply(site)
			site.RegionID = [16]byte{2}
			if err := site.Validate(); err != nil {
				require.Equal(t, core.EINVALID, core.ErrorCode(err))
			}
		}
	})
}

// requireEveryRowOnce checks a parser's accounting: every data row of the
// file is parsed or failed, never both, with row numbers past the header.
func requireEveryRowOnce[R any](t *testing.T, rep *core.ImportReport, rows []R, row func(R) int) {
	t.Helper()
	require.NotNil(t, rep)
	rep.Finish()
	require.Equal(t, rep.Total, len(rows)+rep.Failed, "every row is parsed or failed: %+v", rep.Errors)
	seen := map[int]bool{}
	for _, e := range rep.Errors {
		require.GreaterOrEqual(t, e.Row, 2)
		require.NotEmpty(t, e.Message)
		seen[e.Row] = true
	}
	for _, r := range rows {
		require.GreaterOrEqual(t, row(r), 2)
		require.False(t, seen[row(r)], "row %d both parsed and failed", row(r))
		seen[row(r)] = true
	}
}

// TestParseCSVTags: sites and technicians take an optional tags column,
// a list like skills; an empty cell is not given (an update keeps the
// tags), and errors on one tag are reported against the column.
func TestParseCSVTags(t *testing.T) {
	t.Parallel()
	sites, rep, err := core.ParseSiteCSV([]byte("code,name,kind,region,lat,lon,radius_km,tags\n" +
		"S-1,x,dealer,R,1,1,5, 24h | flagship |24h\n" +
		"S-2,x,dealer,R,1,1,5,\n"))
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	require.Equal(t, []string{"24h", "flagship", "24h"}, sites[0].Site.Tags, "parsed as written; validation normalises")
	require.Nil(t, sites[1].Site.Tags)

	techs, rep, err := core.ParseTechnicianCSV([]byte("code,name,phone,site,tags\n" +
		"T-1,x,13900139000,S-1,senior|gas-certified\n" +
		"T-2,x,13900139001,S-1,\n"))
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	require.Equal(t, []string{"senior", "gas-certified"}, techs[0].Technician.Tags)
	require.Nil(t, techs[1].Technician.Tags)

	require.Equal(t, "tags", core.SiteCSVColumn("tags[3]"))
	require.Equal(t, "tags", core.SiteCSVColumn("tags"))
	require.Equal(t, "tags", core.TechnicianCSVColumn("tags[0]"))
	require.Equal(t, "skills", core.TechnicianCSVColumn("skills"))
}
