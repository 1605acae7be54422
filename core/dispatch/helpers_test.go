package dispatch

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// t0 is the decision time of every test order.
var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// seeded returns a generator and logs its seed, so a failure can be replayed
// by fixing the seed.
func seeded(t testing.TB) (*rand.Rand, uint64) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed
}

func randID(rng *rand.Rand) uuid.UUID {
	var id uuid.UUID
	for i := range id {
		id[i] = byte(rng.IntN(256))
	}
	return id
}

// offset moves p by dx km east and dy km north on a local flat map, keeping
// the result a valid coordinate (longitude wrapped, latitude clamped).
func offset(p Point, dx, dy float64) Point {
	lat := min(max(p.Lat+dy/111.195, -89.999), 89.999)
	lon := p.Lon + dx/(111.195*math.Cos(lat*rad))
	for lon > 180 {
		lon -= 360
	}
	for lon < -180 {
		lon += 360
	}
	return Point{lat, lon}
}

// netSpec describes a random network: sites jittered around centres.
type netSpec struct {
	centres      []Point
	spreadKm     float64 // sites and orders within ±spreadKm of a centre
	sites, techs int
	polygonShare float64 // share of sites with a polygon area (only away from the poles)
	minR, maxR   float64 // radius (or polygon vertex distance) range, km
	// districtShare is the share of sites that also cover districts (a
	// third of them by district only); orders then carry a district code
	// one time in two. The codes are synthetic, per centre (testDivision).
	districtShare float64
}

// testDivision draws a synthetic division code for centre c: a district
// mostly, sometimes its city's or province's code.
func testDivision(rng *rand.Rand, c int, districtsOnly bool) string {
	p, city, d := 11+c%60, 1+rng.IntN(3), 1+rng.IntN(8)
	switch r := rng.IntN(10); {
	case districtsOnly || r < 8:
		return fmt.Sprintf("%02d%02d%02d", p, city, d)
	case r < 9:
		return fmt.Sprintf("%02d%02d00", p, city)
	}
	return fmt.Sprintf("%02d0000", p)
}

var testLines = []string{"AC", "WM", "REF", "TV"}
var testSkills = []string{"install", "refrigerant", "electrical", "board", "welding"}

func subset(rng *rand.Rand, from []string, p float64) []string {
	var out []string
	for _, s := range from {
		if rng.Float64() < p {
			out = append(out, s)
		}
	}
	return out
}

func genNetwork(rng *rand.Rand, spec netSpec) ([]Site, []Technician) {
	sites := make([]Site, spec.sites)
	kinds := []SiteKind{KindServiceStation, KindRepairCenter, KindDealer}
	for i := range sites {
		ci := rng.IntN(len(spec.centres))
		c := spec.centres[ci]
		loc := offset(c, (rng.Float64()*2-1)*spec.spreadKm, (rng.Float64()*2-1)*spec.spreadKm)
		s := Site{ID: randID(rng), Kind: kinds[rng.IntN(3)], Status: SiteActive, Location: loc,
			AuthorizedLines: subset(rng, testLines, 0.6), Skills: subset(rng, testSkills, 0.7),
			DailyCapacity: rng.IntN(21), Reputation: float64(rng.IntN(101)), AutoAssign: rng.IntN(5) > 0}
		s.OpenToday = rng.IntN(s.DailyCapacity + 1)
		if r := rng.Float64(); r < 0.07 {
			s.Status = SiteSuspended
		} else if r < 0.1 {
			s.Status = SiteClosed
		}
		if rng.IntN(5) > 0 {
			lr := float64(rng.IntN(41)) / 100
			s.LateRate = &lr
		}
		r := spec.minR + rng.Float64()*(spec.maxR-spec.minR)
		if math.Abs(loc.Lat) < 75 && rng.Float64() < spec.polygonShare {
			s.Area.Polygon = starPolygon(rng, loc, spec.minR, spec.maxR)
		} else {
			s.Area.RadiusKm = math.Round(r*10) / 10
		}
		if rng.Float64() < spec.districtShare {
			for range 1 + rng.IntN(4) {
				s.Districts = append(s.Districts, DistrictCoverage{Code: testDivision(rng, ci, false), Secondary: rng.IntN(3) == 0})
			}
			if rng.IntN(3) == 0 {
				s.Area = Area{}
			}
		}
		sites[i] = s
	}
	techs := make([]Technician, spec.techs)
	statuses := []TechStatus{TechAvailable, TechAvailable, TechBusy, TechOff}
	for i := range techs {
		s := sites[rng.IntN(len(sites))]
		t := Technician{ID: randID(rng), SiteID: s.ID, Skills: subset(rng, testSkills, 0.5),
			Status: statuses[rng.IntN(4)], OpenWorkload: rng.IntN(7)}
		switch r := rng.Float64(); {
		case r < 0.1: // never reported
		case r < 0.25:
			t.Location, t.LocationAt = offset(s.Location, rng.NormFloat64()*10, rng.NormFloat64()*10), t0.Add(-13*time.Hour)
		default:
			t.Location, t.LocationAt = offset(s.Location, rng.NormFloat64()*10, rng.NormFloat64()*10), t0.Add(-time.Duration(rng.IntN(600))*time.Minute)
		}
		techs[i] = t
	}
	return sites, techs
}

// starPolygon draws a simple (star-shaped) polygon around c, concave when a
// vertex falls close in, with the first vertex repeated at the end one time
// in two.
func starPolygon(rng *rand.Rand, c Point, minR, maxR float64) []Point {
	n := 3 + rng.IntN(8)
	var pts []Point
	for k := range n {
		a := 2 * math.Pi * (float64(k) + rng.Float64()*0.8) / float64(n)
		r := minR + rng.Float64()*(maxR-minR)
		pts = append(pts, offset(c, r*math.Cos(a), r*math.Sin(a)))
	}
	if rng.IntN(2) == 0 {
		pts = append(pts, pts[0])
	}
	return pts
}

// genOrder draws an order near a centre; some exclude or prefer a nearby
// site, a few prefer a site anywhere.
func genOrder(rng *rand.Rand, n *Network, spec netSpec) Order {
	ci := rng.IntN(len(spec.centres))
	c := spec.centres[ci]
	o := Order{ID: randID(rng), At: t0, ProductLine: testLines[rng.IntN(len(testLines))],
		Location: offset(c, (rng.Float64()*2-1)*(spec.spreadKm+spec.maxR), (rng.Float64()*2-1)*(spec.spreadKm+spec.maxR)),
		Skills:   subset(rng, testSkills, 0.2)}
	if spec.districtShare > 0 && rng.IntN(2) == 0 {
		o.DistrictCode, o.LocationApproximate = testDivision(rng, ci, true), rng.IntN(2) == 0
	}
	near := n.near(o)
	if len(near) > 0 && rng.IntN(10) == 0 {
		for range 1 + rng.IntN(3) {
			o.ExcludedSiteIDs = append(o.ExcludedSiteIDs, n.sites[near[rng.IntN(len(near))]].ID)
		}
	}
	switch r := rng.IntN(50); {
	case r < 3 && len(near) > 0:
		id := n.sites[near[rng.IntN(len(near))]].ID
		o.PreferredSiteID = &id
	case r == 3:
		id := n.sites[rng.IntN(len(n.sites))].ID
		o.PreferredSiteID = &id
	}
	return o
}

func mustNetwork(t testing.TB, sites []Site, techs []Technician) *Network {
	t.Helper()
	n, err := NewNetwork(sites, techs)
	require.NoError(t, err)
	return n
}

// bruteForce decides o by examining every site of n without the bounding
// boxes: the reference the index must agree with.
func bruteForce(e Engine, n *Network, o Order) Decision {
	w, err := e.Weights.normalised()
	if err != nil {
		panic(err)
	}
	all := make([]int32, len(n.sites))
	for i := range all {
		all[i] = int32(i)
	}
	return e.decide(context.Background(), n, o, w, all, false)
}

// requireSameDecision compares everything but Summary, which counts the
// sites examined and so differs between the index and the brute force.
func requireSameDecision(t testing.TB, want, got Decision, msgAndArgs ...any) {
	t.Helper()
	want.Summary, got.Summary = "", ""
	require.Equal(t, want, got, msgAndArgs...)
}

func ptr[T any](v T) *T { return &v }
