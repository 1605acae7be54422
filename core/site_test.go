package core_test

import (
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func validSite() *core.Site {
	s := core.NewSiteDefaults(uuid.New())
	n := core.NewSite{Code: "SZ-001", Name: "深圳南山服务站", Kind: core.SiteServiceStation, RegionID: uuid.New(),
		Location: core.GeoPoint{Lat: 22.54, Lon: 113.93}, Area: core.ServiceArea{RadiusKm: 15}}
	n.Apply(s)
	return s
}

func TestSiteValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, validSite().Validate())
	square := []core.GeoPoint{{Lat: 22, Lon: 113}, {Lat: 22, Lon: 114}, {Lat: 23, Lon: 114}, {Lat: 23, Lon: 113}}
	cases := []struct {
		name, field string
		mutate      func(*core.Site)
	}{
		{"code empty", "code", func(s *core.Site) { s.Code = "" }},
		{"code space", "code", func(s *core.Site) { s.Code = "SZ 001" }},
		{"name empty", "name", func(s *core.Site) { s.Name = "" }},
		{"name control", "name", func(s *core.Site) { s.Name = "a\nb" }},
		{"kind", "kind", func(s *core.Site) { s.Kind = "shop" }},
		{"region", "region_id", func(s *core.Site) { s.RegionID = uuid.Nil }},
		{"lat high", "location.lat", func(s *core.Site) { s.Location.Lat = 90.0001 }},
		{"lat NaN", "location.lat", func(s *core.Site) { s.Location.Lat = math.NaN() }},
		{"lon low", "location.lon", func(s *core.Site) { s.Location.Lon = -180.5 }},
		{"lon inf", "location.lon", func(s *core.Site) { s.Location.Lon = math.Inf(1) }},
		{"negative radius", "area.radius_km", func(s *core.Site) { s.Area.RadiusKm = -1 }},
		{"NaN radius", "area.radius_km", func(s *core.Site) { s.Area.RadiusKm = math.NaN() }},
		{"huge radius", "area.radius_km", func(s *core.Site) { s.Area.RadiusKm = 2001 }},
		{"both", "area", func(s *core.Site) { s.Area.Polygon = square }},
		{"two points", "area.polygon", func(s *core.Site) { s.Area = core.ServiceArea{Polygon: square[:2]} }},
		{"closed triangle of two", "area.polygon", func(s *core.Site) {
			s.Area = core.ServiceArea{Polygon: []core.GeoPoint{square[0], square[1], square[0]}}
		}},
		{"collinear", "area.polygon", func(s *core.Site) {
			s.Area = core.ServiceArea{Polygon: []core.GeoPoint{{Lat: 1, Lon: 1}, {Lat: 2, Lon: 2}, {Lat: 3, Lon: 3}, {Lat: 1, Lon: 1}}}
		}},
		{"same point", "area.polygon", func(s *core.Site) {
			s.Area = core.ServiceArea{Polygon: []core.GeoPoint{{Lat: 1, Lon: 1}, {Lat: 1, Lon: 1}, {Lat: 1, Lon: 1}}}
		}},
		{"bad vertex", "area.polygon.lat", func(s *core.Site) {
			s.Area = core.ServiceArea{Polygon: []core.GeoPoint{{Lat: 91, Lon: 1}, {Lat: 2, Lon: 2}, {Lat: 3, Lon: 1}}}
		}},
		{"too wide", "area.polygon", func(s *core.Site) {
			s.Area = core.ServiceArea{Polygon: []core.GeoPoint{{Lat: 0, Lon: -100}, {Lat: 10, Lon: 0}, {Lat: 0, Lon: 100}}}
		}},
		{"phone", "phone", func(s *core.Site) { s.Phone = "call us" }},
		{"product line", "product_lines", func(s *core.Site) { s.ProductLines = []string{"AC", "a c"} }},
		{"duplicate skill", "skills", func(s *core.Site) { s.Skills = []string{"x", "x"} }},
		{"negative capacity", "daily_capacity", func(s *core.Site) { s.DailyCapacity = -1 }},
		{"status", "status", func(s *core.Site) { s.Status = "open" }},
		{"reputation 150", "reputation", func(s *core.Site) { s.Reputation = 150 }},
		{"reputation NaN", "reputation", func(s *core.Site) { s.Reputation = math.NaN() }},
		{"hours day", "working_hours", func(s *core.Site) { s.WorkingHours = core.WorkingHours{"monday": {"08:00-12:00"}} }},
		{"hours format", "working_hours", func(s *core.Site) { s.WorkingHours = core.WorkingHours{"mon": {"8:00-12:00"}} }},
		{"hours reversed", "working_hours", func(s *core.Site) { s.WorkingHours = core.WorkingHours{"mon": {"12:00-08:00"}} }},
		{"hours empty span", "working_hours", func(s *core.Site) { s.WorkingHours = core.WorkingHours{"mon": {"08:00-08:00"}} }},
		{"hours 25", "working_hours", func(s *core.Site) { s.WorkingHours = core.WorkingHours{"mon": {"08:00-25:00"}} }},
		{"hours past 24", "working_hours", func(s *core.Site) { s.WorkingHours = core.WorkingHours{"mon": {"08:00-24:30"}} }},
		{"hours overlap", "working_hours", func(s *core.Site) {
			s.WorkingHours = core.WorkingHours{"tue": {"08:00-12:30", "12:00-18:00"}}
		}},
		{"hours order", "working_hours", func(s *core.Site) {
			s.WorkingHours = core.WorkingHours{"tue": {"13:00-18:00", "08:00-12:00"}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := validSite()
			c.mutate(s)
			err := s.Validate()
			require.Equal(t, core.EINVALID, core.ErrorCode(err), "%+v", s)
			require.Contains(t, err.(*core.Error).Fields, c.field, "%v", err)
		})
	}

	ok := map[string]func(*core.Site){
		"polygon":        func(s *core.Site) { s.Area = core.ServiceArea{Polygon: square} },
		"closed polygon": func(s *core.Site) { s.Area = core.ServiceArea{Polygon: append(square, square[0])} },
		"antimeridian": func(s *core.Site) {
			s.Area = core.ServiceArea{Polygon: []core.GeoPoint{{0, 179}, {1, -179}, {-1, -179}}}
		},
		"repeated start": func(s *core.Site) {
			s.Area = core.ServiceArea{Polygon: []core.GeoPoint{{0, 0}, {0, 0}, {1, 1}, {0, 1}}}
		},
		"edges of range": func(s *core.Site) { s.Location = core.GeoPoint{Lat: -90, Lon: 180} },
		"hours": func(s *core.Site) {
			s.WorkingHours = core.WorkingHours{"mon": {"08:30-12:00", "13:30-18:00"}, "sun": {}}
		},
		"hours touching":   func(s *core.Site) { s.WorkingHours = core.WorkingHours{"sat": {"00:00-12:00", "12:00-24:00"}} },
		"landline":         func(s *core.Site) { s.Phone = "0755-8888 6666" },
		"zero capacity":    func(s *core.Site) { s.DailyCapacity = 0 },
		"reputation edges": func(s *core.Site) { s.Reputation = 100 },
	}
	for name, mutate := range ok {
		t.Run(name, func(t *testing.T) {
			s := validSite()
			mutate(s)
			require.NoError(t, s.Validate())
		})
	}
}

func TestNewSiteApplyKeepsWhatIsNotGiven(t *testing.T) {
	t.Parallel()
	cur := validSite()
	cur.Reputation, cur.Status, cur.Skills = 55, core.SiteSuspended, []string{"install"}
	cap := 3
	n := core.NewSite{Code: cur.Code, Name: "renamed", Kind: cur.Kind, RegionID: cur.RegionID, Location: cur.Location,
		Area: cur.Area, DailyCapacity: &cap}
	n.Apply(cur)
	require.Equal(t, "renamed", cur.Name)
	require.Equal(t, 3, cur.DailyCapacity)
	require.Equal(t, 55.0, cur.Reputation)
	require.Equal(t, core.SiteSuspended, cur.Status)
	require.Equal(t, []string{"install"}, cur.Skills)

	fresh := core.NewSiteDefaults(uuid.New())
	n.Apply(fresh)
	require.Equal(t, core.DefaultSiteReputation, fresh.Reputation)
	require.Equal(t, core.SiteActive, fresh.Status)
	require.True(t, fresh.AutoAssign)
	require.Equal(t, []string{}, fresh.Skills)
}

func TestTechnicianValidate(t *testing.T) {
	t.Parallel()
	valid := func() *core.Technician {
		tech := core.NewTechnicianDefaults(uuid.New())
		n := core.NewTechnician{Code: "T-1", Name: "王师傅", Phone: "+8613800138000", SiteID: uuid.New()}
		n.Apply(tech)
		return tech
	}
	require.NoError(t, valid().Validate())
	nilUser := uuid.Nil
	cases := map[string]func(*core.Technician){
		"code":   func(x *core.Technician) { x.Code = "" },
		"name":   func(x *core.Technician) { x.Name = "\x00" },
		"phone":  func(x *core.Technician) { x.Phone = "138-0013" },
		"phone2": func(x *core.Technician) { x.Phone = "" },
		"site":   func(x *core.Technician) { x.SiteID = uuid.Nil },
		"user":   func(x *core.Technician) { x.UserID = &nilUser },
		"skills": func(x *core.Technician) { x.Skills = []string{""} },
		"status": func(x *core.Technician) { x.Status = "sleeping" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			x := valid()
			mutate(x)
			require.Equal(t, core.EINVALID, core.ErrorCode(x.Validate()))
		})
	}
	u := core.TechnicianUpdate{UnlinkUser: true, UserID: &nilUser}
	require.Equal(t, core.EINVALID, core.ErrorCode(u.Apply(valid())))
}

func FuzzWorkingHoursValidate(f *testing.F) {
	f.Add("mon", "08:30-12:00", "13:30-18:00")
	f.Add("sun", "00:00-24:00", "")
	f.Add("tue", "23:59-24:00", "9:00-10:00")
	f.Fuzz(func(t *testing.T, day, a, b string) {
		w := core.WorkingHours{day: {a, b}}
		if err := w.Validate(); err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			return
		}
		fa, ta, ok1 := core.ParseInterval(a)
		fb, _, ok2 := core.ParseInterval(b)
		require.True(t, ok1 && ok2)
		require.Less(t, fa, ta)
		require.LessOrEqual(t, ta, fb)
	})
}

// TestRequireCoverage: an empty area is a districts-only site, valid as a
// site, but a site with neither an area nor districts covers nowhere and is
// refused naming the field.
func TestRequireCoverage(t *testing.T) {
	require.NoError(t, core.ServiceArea{}.Validate())
	require.True(t, core.ServiceArea{}.Empty())
	require.False(t, core.ServiceArea{RadiusKm: 5}.Empty())
	err := core.RequireCoverage(core.ServiceArea{}, 0, "area.radius_km")
	var e *core.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, core.EINVALID, e.Code)
	require.Contains(t, e.Fields, "area.radius_km")
	require.NoError(t, core.RequireCoverage(core.ServiceArea{}, 1, "area.radius_km"))
	require.NoError(t, core.RequireCoverage(core.ServiceArea{RadiusKm: 5}, 0, "area.radius_km"))
}
