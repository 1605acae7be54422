package dispatch

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestDistanceKm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		a, b   Point
		wantKm float64
		tolKm  float64
	}{
		{"same point", Point{31.23, 121.47}, Point{31.23, 121.47}, 0, 1e-9},
		{"Beijing to Shanghai", Point{39.9042, 116.4074}, Point{31.2304, 121.4737}, 1067.3, 1},
		{"one degree of equator", Point{0, 10}, Point{0, 11}, 111.195, 0.01},
		{"across the antimeridian", Point{0, 179.5}, Point{0, -179.5}, 111.195, 0.01},
		{"180 and -180 are one meridian", Point{10, 180}, Point{10, -180}, 0, 1e-9},
		{"over the north pole", Point{89.5, 0}, Point{89.5, 180}, 111.195, 0.01},
		{"antipodes", Point{0, 0}, Point{0, 180}, math.Pi * earthRadiusKm, 1e-6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.InDelta(t, tt.wantKm, DistanceKm(tt.a, tt.b), tt.tolKm)
		})
	}
}

func TestPointValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		p         Point
		wantField string // "" = valid
	}{
		{"Shanghai", Point{31.23, 121.47}, ""},
		{"corners are valid", Point{-90, -180}, ""},
		{"other corner", Point{90, 180}, ""},
		{"latitude above 90", Point{90.0001, 0}, "x.lat"},
		{"latitude below -90", Point{-91, 0}, "x.lat"},
		{"longitude above 180", Point{0, 180.5}, "x.lon"},
		{"longitude below -180", Point{0, -181}, "x.lon"},
		{"NaN latitude", Point{math.NaN(), 0}, "x.lat"},
		{"NaN longitude", Point{0, math.NaN()}, "x.lon"},
		{"infinite longitude", Point{0, math.Inf(1)}, "x.lon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate("x")
			if tt.wantField == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalid)
			var ie *InputError
			require.True(t, errors.As(err, &ie))
			require.Equal(t, tt.wantField, ie.Field)
		})
	}
}

func TestPolygonContains(t *testing.T) {
	t.Parallel()
	square := []Point{{30, 120}, {30, 121}, {31, 121}, {31, 120}}
	// A "U": the notch between lon 120.4 and 120.6 above lat 30.5 is outside.
	u := []Point{{30, 120}, {30, 121}, {31, 121}, {31, 120.6}, {30.5, 120.6}, {30.5, 120.4}, {31, 120.4}, {31, 120}}
	// A diamond, whose vertices lie on the test rays.
	diamond := []Point{{30, 120.5}, {30.5, 121}, {31, 120.5}, {30.5, 120}}
	// Across the antimeridian: lon 179 to -179.
	dateline := []Point{{-17, 179}, {-17, -179}, {-16, -179}, {-16, 179}}
	// Ending on the meridian 180, written +180.
	east := []Point{{10, 179}, {10, 180}, {11, 180}, {11, 179}}
	tests := []struct {
		name string
		poly []Point
		q    Point
		want bool
	}{
		{"interior", square, Point{30.5, 120.5}, true},
		{"exterior east", square, Point{30.5, 121.5}, false},
		{"exterior west", square, Point{30.5, 119.5}, false},
		{"exterior north", square, Point{31.5, 120.5}, false},
		{"on the south edge", square, Point{30, 120.5}, true},
		{"on the west edge", square, Point{30.5, 120}, true},
		{"on the east edge", square, Point{30.5, 121}, true},
		{"on a vertex", square, Point{31, 121}, true},
		{"on the first vertex", square, Point{30, 120}, true},
		{"just outside an edge", square, Point{30.5, 121.000001}, false},
		{"ray along the top edge, outside", square, Point{31, 119}, false},
		{"closing vertex repeated", append(square[:4:4], square[0]), Point{30.5, 120.5}, true},
		{"inside the U's arm", u, Point{30.8, 120.2}, true},
		{"in the U's notch", u, Point{30.8, 120.5}, false},
		{"on the notch's floor", u, Point{30.5, 120.5}, true},
		{"ray through the notch's corners", u, Point{30.5, 120.1}, true},
		{"ray along the notch's floor from outside", u, Point{30.5, 119}, false},
		{"diamond centre, ray through a vertex", diamond, Point{30.5, 120.5}, true},
		{"left of the diamond, ray through two vertices", diamond, Point{30.5, 119.9}, false},
		{"right of the diamond, level with a vertex", diamond, Point{30.5, 121.1}, false},
		{"above the diamond's top vertex", diamond, Point{31.1, 120.5}, false},
		{"dateline polygon, east side", dateline, Point{-16.5, 179.5}, true},
		{"dateline polygon, west side", dateline, Point{-16.5, -179.5}, true},
		{"dateline polygon, on the antimeridian", dateline, Point{-16.5, 180}, true},
		{"dateline polygon, outside", dateline, Point{-16.5, 178.5}, false},
		{"dateline polygon, outside west", dateline, Point{-16.5, -178.5}, false},
		{"edge at +180 contains -180", east, Point{10.5, -180}, true},
		{"edge at +180, beyond it", east, Point{10.5, -179.9}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := newPolygon(tt.poly)
			require.True(t, ok)
			require.Equal(t, tt.want, p.contains(tt.q))
		})
	}
}

func TestNewPolygonRejectsDegenerate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pts  []Point
	}{
		{"two vertices", []Point{{30, 120}, {31, 121}}},
		{"triangle closed back to a segment", []Point{{30, 120}, {31, 121}, {30, 120}}},
		{"collinear on a meridian", []Point{{30, 120}, {31, 120}, {32, 120}}},
		{"collinear on a parallel", []Point{{30, 120}, {30, 121}, {30, 122}}},
		{"wider than 180 degrees even unwrapped", []Point{{0, -170}, {0, -10}, {10, 100}, {10, 170}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := newPolygon(tt.pts)
			require.False(t, ok)
		})
	}
}

// TestCapBBoxBoundsCap: every point of a radius area, including its
// boundary, lies in the bounding box and in one of the grid cells the box
// touches, at random places including the poles and the antimeridian.
func TestCapBBoxBoundsCap(t *testing.T) {
	t.Parallel()
	rng, _ := seeded(t)
	centres := []Point{{31.2, 121.5}, {0, 179.9}, {-45, -179.95}, {89.7, 30}, {-89.9, -100}, {60, 180}, {53.5, 123.5}}
	for range 2000 {
		c := centres[rng.IntN(len(centres))]
		c = Point{Lat: min(max(c.Lat+rng.NormFloat64()*0.2, -90), 90), Lon: c.Lon}
		r := 5 + rng.Float64()*300
		b := capBBox(c, r)
		cells := map[uint32]bool{}
		b.eachCell(func(k uint32) { cells[k] = true })
		for range 50 {
			// A point at distance r (the boundary) or less, in a random direction.
			θ, δ := rng.Float64()*2*math.Pi, r/earthRadiusKm*math.Sqrt(rng.Float64())
			if rng.IntN(3) == 0 {
				δ = r / earthRadiusKm * (1 - 1e-12)
			}
			p := destination(c, θ, δ)
			require.LessOrEqual(t, DistanceKm(c, p), r*(1+1e-9))
			require.True(t, b.contains(p), "centre %v r %v point %v box %+v", c, r, p, b)
			require.True(t, cells[pointCell(p)], "centre %v r %v point %v not in an indexed cell", c, r, p)
		}
	}
}

// destination is the point at angular distance δ from c on bearing θ.
func destination(c Point, θ, δ float64) Point {
	φ1, λ1 := c.Lat*rad, c.Lon*rad
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	lon := math.Mod(λ2/rad+540, 360) - 180
	return Point{Lat: min(max(φ2/rad, -90), 90), Lon: lon}
}

// TestDecideAntimeridianAndPole: areas that cross the antimeridian or cover
// a pole are found from either side.
func TestDecideAntimeridianAndPole(t *testing.T) {
	t.Parallel()
	at := func(name string, p Point, a Area) Site {
		s := site(name, 0, 0, 1)
		s.Location, s.Area = p, a
		return s
	}
	n := mustNetwork(t, []Site{
		at("fiji", Point{-17.2, 179.9}, Area{RadiusKm: 60}),
		at("dateline-poly", Point{-16.5, 180}, Area{Polygon: []Point{{-17, 179}, {-17, -179}, {-16, -179}, {-16, 179}}}),
		at("north-pole", Point{89.8, 45}, Area{RadiusKm: 50}),
	}, nil)
	tests := []struct {
		name string
		p    Point
		want []uuid.UUID
	}{
		{"west of the antimeridian", Point{-17.2, 179.7}, []uuid.UUID{id("fiji")}},
		{"east of the antimeridian", Point{-17.2, -179.8}, []uuid.UUID{id("fiji")}},
		{"at lon -180", Point{-17.5, -180}, []uuid.UUID{id("fiji")}},
		{"in the polygon, west side", Point{-16.5, -179.5}, []uuid.UUID{id("dateline-poly")}},
		{"both", Point{-16.95, 179.95}, []uuid.UUID{id("fiji"), id("dateline-poly")}},
		{"the pole itself", Point{90, 0}, []uuid.UUID{id("north-pole")}},
		{"over the pole", Point{89.9, -135}, []uuid.UUID{id("north-pole")}},
		{"beyond the cap", Point{89.2, -135}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Engine{}.Decide(context.Background(), n, order(func(o *Order) { o.Location = tt.p }))
			require.NoError(t, err)
			require.ElementsMatch(t, tt.want, ids(d.Ranking))
			requireSameDecision(t, bruteForce(Engine{}, n, order(func(o *Order) { o.Location = tt.p })), d)
		})
	}
}
