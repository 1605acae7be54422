package dispatch

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestNewNetworkRejectsInvalidInput(t *testing.T) {
	t.Parallel()
	ok := func() Site { return site("a", 2, 0, 30) }
	with := func(m func(*Site)) []Site { s := ok(); m(&s); return []Site{s} }
	tech := func(m func(*Technician)) []Technician {
		tc := Technician{ID: id("t"), SiteID: id("a"), Status: TechAvailable}
		m(&tc)
		return []Technician{tc}
	}
	tests := []struct {
		name      string
		sites     []Site
		techs     []Technician
		wantField string
	}{
		{"site without ID", with(func(s *Site) { s.ID = uuid.Nil }), nil, "sites[0].id"},
		{"duplicate site", []Site{ok(), ok()}, nil, "sites[1].id"},
		{"unknown kind", with(func(s *Site) { s.Kind = "shop" }), nil, "sites[0].kind"},
		{"unknown status", with(func(s *Site) { s.Status = "" }), nil, "sites[0].status"},
		{"latitude out of range", with(func(s *Site) { s.Location.Lat = -90.5 }), nil, "sites[0].location.lat"},
		{"NaN longitude", with(func(s *Site) { s.Location.Lon = math.NaN() }), nil, "sites[0].location.lon"},
		{"no area", with(func(s *Site) { s.Area = Area{} }), nil, "sites[0].area.radius_km"},
		{"negative radius", with(func(s *Site) { s.Area.RadiusKm = -5 }), nil, "sites[0].area.radius_km"},
		{"NaN radius", with(func(s *Site) { s.Area.RadiusKm = math.NaN() }), nil, "sites[0].area.radius_km"},
		{"huge radius", with(func(s *Site) { s.Area.RadiusKm = 5000 }), nil, "sites[0].area.radius_km"},
		{"radius and polygon", with(func(s *Site) { s.Area.Polygon = []Point{{30, 120}, {30, 121}, {31, 121}} }), nil, "sites[0].area"},
		{"polygon vertex out of range", with(func(s *Site) {
			s.Area = Area{Polygon: []Point{{30, 120}, {30, 181}, {31, 121}}}
		}), nil, "sites[0].area.polygon[1].lon"},
		{"polygon of two vertices", with(func(s *Site) { s.Area = Area{Polygon: []Point{{30, 120}, {31, 121}}} }), nil, "sites[0].area.polygon"},
		{"reputation above 100", with(func(s *Site) { s.Reputation = 101 }), nil, "sites[0].reputation"},
		{"NaN reputation", with(func(s *Site) { s.Reputation = math.NaN() }), nil, "sites[0].reputation"},
		{"late rate above 1", with(func(s *Site) { s.LateRate = ptr(1.5) }), nil, "sites[0].late_rate"},
		{"negative capacity", with(func(s *Site) { s.DailyCapacity = -1 }), nil, "sites[0].daily_capacity"},
		{"technician without ID", []Site{ok()}, tech(func(tc *Technician) { tc.ID = uuid.Nil }), "technicians[0].id"},
		{"technician of unknown site", []Site{ok()}, tech(func(tc *Technician) { tc.SiteID = id("b") }), "technicians[0].site_id"},
		{"technician status", []Site{ok()}, tech(func(tc *Technician) { tc.Status = "asleep" }), "technicians[0].status"},
		{"technician location", []Site{ok()}, tech(func(tc *Technician) {
			tc.Location, tc.LocationAt = Point{100, 0}, time.Now()
		}), "technicians[0].location.lat"},
		{"negative workload", []Site{ok()}, tech(func(tc *Technician) { tc.OpenWorkload = -1 }), "technicians[0].open_workload"},
		{"duplicate technician", []Site{ok()}, append(tech(func(*Technician) {}), tech(func(*Technician) {})...), "technicians"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewNetwork(tt.sites, tt.techs)
			require.ErrorIs(t, err, ErrInvalid)
			var ie *InputError
			require.True(t, errors.As(err, &ie))
			require.Equal(t, tt.wantField, ie.Field, err.Error())
		})
	}
}

func TestDecideRejectsInvalidInput(t *testing.T) {
	t.Parallel()
	n := mustNetwork(t, []Site{site("a", 2, 0, 30)}, nil)
	tests := []struct {
		name      string
		w         Weights
		o         Order
		wantField string
	}{
		{"latitude out of range", Weights{}, order(func(o *Order) { o.Location.Lat = 95 }), "location.lat"},
		{"longitude out of range", Weights{}, order(func(o *Order) { o.Location.Lon = -190 }), "location.lon"},
		{"NaN latitude", Weights{}, order(func(o *Order) { o.Location.Lat = math.NaN() }), "location.lat"},
		{"NaN longitude", Weights{}, order(func(o *Order) { o.Location.Lon = math.NaN() }), "location.lon"},
		{"no decision time", Weights{}, order(func(o *Order) { o.At = time.Time{} }), "at"},
		{"negative weight", Weights{Distance: -1}, order(), "weights.distance"},
		{"NaN weight", Weights{Load: math.NaN()}, order(), "weights.load"},
		{"infinite weight", Weights{SLARisk: math.Inf(1)}, order(), "weights.sla_risk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Engine{Weights: tt.w}.Decide(context.Background(), n, tt.o)
			require.ErrorIs(t, err, ErrInvalid)
			var ie *InputError
			require.True(t, errors.As(err, &ie))
			require.Equal(t, tt.wantField, ie.Field)
		})
	}
}
