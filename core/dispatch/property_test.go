package dispatch

import (
	"bytes"
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// geographies are the random networks' settings: China, the antimeridian
// (Fiji), the high Arctic (caps over the pole), the origin (sign changes).
var geographies = []struct {
	name string
	spec netSpec
}{
	{"china", netSpec{centres: []Point{{31.23, 121.47}, {39.90, 116.41}, {23.13, 113.26}, {30.57, 104.07}}, spreadKm: 40, sites: 600, techs: 2000, polygonShare: 0.3, minR: 10, maxR: 80, districtShare: 0.4}},
	{"antimeridian", netSpec{centres: []Point{{-17.7, 179.9}, {-16.5, -179.8}}, spreadKm: 60, sites: 300, techs: 600, polygonShare: 0.4, minR: 10, maxR: 80}},
	{"arctic", netSpec{centres: []Point{{89.6, 0}, {88.9, 120}, {89.2, -100}}, spreadKm: 40, sites: 200, techs: 400, minR: 10, maxR: 80}},
	{"origin", netSpec{centres: []Point{{0.05, 0.05}, {-0.1, -0.1}}, spreadKm: 30, sites: 300, techs: 600, polygonShare: 0.5, minR: 5, maxR: 40}},
}

func randomWeights(rng *rand.Rand) Weights {
	if rng.IntN(4) == 0 {
		return Weights{}
	}
	return Weights{float64(rng.IntN(4)), float64(rng.IntN(4)), float64(rng.IntN(4)), float64(rng.IntN(4))}
}

// TestChosenSiteIsValid: on random networks of every geography, the chosen
// site covers the address, is active, authorised, has capacity and was not
// rejected; the chosen technician belongs to it, is on duty and has every
// required skill; and there is no choice only when no site qualifies.
func TestChosenSiteIsValid(t *testing.T) {
	t.Parallel()
	rng, _ := seeded(t)
	for _, g := range geographies {
		sites, techs := genNetwork(rng, g.spec)
		n := mustNetwork(t, sites, techs)
		techByID := map[uuid.UUID]Technician{}
		for _, tc := range techs {
			techByID[tc.ID] = tc
		}
		e := Engine{Weights: randomWeights(rng)}
		for range 1500 {
			o := genOrder(rng, n, g.spec)
			d, err := e.Decide(context.Background(), n, o)
			require.NoError(t, err)
			if d.Chosen == nil {
				for i := range n.sites {
					if _, by := n.covers(int32(i), o, false); by != coverNone {
						require.False(t, qualifies(n.sites[i].Site, o), "%s: site %s qualifies but none chosen", g.name, n.sites[i].ID)
					}
				}
				require.NotEmpty(t, d.NoCandidateReason)
				continue
			}
			s, ok := n.Site(*d.Chosen)
			require.True(t, ok)
			require.True(t, coversIndependently(s, o), "%s: chosen %s does not cover %v", g.name, s.ID, o.Location)
			require.True(t, qualifies(s, o), "%s: chosen %s does not qualify", g.name, s.ID)
			require.Equal(t, *d.Chosen, d.Ranking[0].SiteID)
			if tid := d.Technician.Chosen; tid != nil {
				tc := techByID[*tid]
				require.Equal(t, s.ID, tc.SiteID)
				require.NotEqual(t, TechOff, tc.Status)
				require.Empty(t, missing(o.Skills, tc.Skills))
				require.True(t, s.AutoAssign)
			}
		}
	}
}

func qualifies(s Site, o Order) bool {
	return s.Status == SiteActive && slices.Contains(s.AuthorizedLines, o.ProductLine) &&
		s.OpenToday < s.DailyCapacity && !slices.Contains(o.ExcludedSiteIDs, s.ID)
}

// coversIndependently tests coverage from the Site as given, without the
// index's prepared areas (the polygon test itself is shared: its edge cases
// are TestPolygonContains').
func coversIndependently(s Site, o Order) bool {
	if districtCoverage(s, o) != "" {
		return true
	}
	p := o.Location
	if len(s.Area.Polygon) == 0 && s.Area.RadiusKm == 0 {
		return false
	}
	if len(s.Area.Polygon) > 0 {
		poly, _ := newPolygon(s.Area.Polygon)
		return poly.contains(p)
	}
	return DistanceKm(s.Location, p) <= s.Area.RadiusKm
}

// districtCoverage is how s covers o's division from the codes alone:
// "primary", "secondary" or "" (it does not).
func districtCoverage(s Site, o Order) string {
	if o.DistrictCode == "" {
		return ""
	}
	how := ""
	for _, d := range s.Districts {
		if strings.HasPrefix(o.DistrictCode, strings.TrimRight(d.Code, "0")) && strings.TrimRight(d.Code, "0") != "" &&
			(d.Code == o.DistrictCode || strings.HasSuffix(d.Code, "00")) {
			if !d.Secondary {
				return "primary"
			}
			how = "secondary"
		}
	}
	return how
}

// referenceRanking is an independent implementation of the ranking rules of
// the package documentation, from the Site values alone: the eligible sites
// best first, with their scores.
func referenceRanking(sites []Site, o Order, w Weights) ([]uuid.UUID, []float64) {
	if sum := w.Distance + w.Load + w.Reputation + w.SLARisk; sum == 0 {
		w = Weights{0.25, 0.25, 0.25, 0.25}
	} else {
		w = Weights{w.Distance / sum, w.Load / sum, w.Reputation / sum, w.SLARisk / sum}
	}
	type cand struct {
		id    uuid.UUID
		dist  float64
		score float64
		s     Site
		// secondary: covering by a secondary district only, ranked after the others
		secondary bool
	}
	var cands []cand
	widest := 0.0
	for _, s := range sites {
		if !coversIndependently(s, o) {
			continue
		}
		reach := max(s.Area.RadiusKm, DistanceKm(s.Location, o.Location))
		for _, v := range s.Area.Polygon {
			reach = max(reach, DistanceKm(s.Location, v))
		}
		widest = max(widest, reach)
		if qualifies(s, o) {
			secondary := districtCoverage(s, o) == "secondary"
			if secondary && len(s.Area.Polygon)+int(s.Area.RadiusKm) > 0 {
				var area Site = s
				area.Districts = nil
				secondary = !coversIndependently(area, o)
			}
			cands = append(cands, cand{id: s.ID, dist: DistanceKm(s.Location, o.Location), s: s, secondary: secondary})
		}
	}
	for i := range cands {
		c := &cands[i]
		dist, risk := 1.0, 0.5
		if widest > 0 {
			dist = max(0, 1-c.dist/widest)
		}
		if c.s.LateRate != nil {
			risk = 1 - *c.s.LateRate
		}
		load := 1 - float64(c.s.OpenToday)/float64(c.s.DailyCapacity)
		c.score = w.Distance*dist + w.Load*load + w.Reputation*(c.s.Reputation/100) + w.SLARisk*risk
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		pa, pb := o.PreferredSiteID != nil && *o.PreferredSiteID == a.id, o.PreferredSiteID != nil && *o.PreferredSiteID == b.id
		switch {
		case pa != pb:
			return pa
		case a.secondary != b.secondary:
			return b.secondary
		case a.score != b.score:
			return a.score > b.score
		case a.dist != b.dist:
			return a.dist < b.dist
		}
		return bytes.Compare(a.id[:], b.id[:]) < 0
	})
	var ids []uuid.UUID
	var scores []float64
	for _, c := range cands {
		ids, scores = append(ids, c.id), append(scores, c.score)
	}
	return ids, scores
}

// TestAgreesWithBruteForce: on random networks of every geography, the
// indexed decision equals the brute-force one (every site, no bounding
// boxes) in everything (chosen site, full ranking with scores and reasons,
// no-candidate reason, technician) and its eligible ranking equals the
// independent reference's, in order and score.
func TestAgreesWithBruteForce(t *testing.T) {
	t.Parallel()
	rng, _ := seeded(t)
	for _, g := range geographies {
		sites, techs := genNetwork(rng, g.spec)
		n := mustNetwork(t, sites, techs)
		e := Engine{Weights: randomWeights(rng)}
		for k := range 1500 {
			o := genOrder(rng, n, g.spec)
			d, err := e.Decide(context.Background(), n, o)
			require.NoError(t, err)
			requireSameDecision(t, bruteForce(e, n, o), d, "%s: order %d at %v", g.name, k, o.Location)
			wantIDs, wantScores := referenceRanking(sites, o, e.Weights)
			var gotIDs []uuid.UUID
			var gotScores []float64
			for _, c := range d.Ranking {
				if c.Eligible {
					gotIDs, gotScores = append(gotIDs, c.SiteID), append(gotScores, c.Score)
				}
			}
			require.Equal(t, wantIDs, gotIDs, "%s: order %d at %v", g.name, k, o.Location)
			require.Equal(t, wantScores, gotScores, "%s: order %d at %v", g.name, k, o.Location)
		}
	}
}

// TestDecideConcurrent: one Network serves many goroutines (run with -race)
// with the same answers as one at a time.
func TestDecideConcurrent(t *testing.T) {
	t.Parallel()
	rng, _ := seeded(t)
	spec := geographies[0].spec
	sites, techs := genNetwork(rng, spec)
	n := mustNetwork(t, sites, techs)
	orders := make([]Order, 200)
	want := make([]Decision, len(orders))
	for i := range orders {
		orders[i] = genOrder(rng, n, spec)
		want[i], _ = Engine{}.Decide(context.Background(), n, orders[i])
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i, o := range orders {
				if d, err := (Engine{}).Decide(context.Background(), n, o); err != nil || !reflect.DeepEqual(want[i], d) {
					t.Errorf("order %d: concurrent decision differs (err %v)", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestNewNetworkCopiesInput: changing the caller's slices after NewNetwork
// does not change the network.
func TestNewNetworkCopiesInput(t *testing.T) {
	t.Parallel()
	sites := []Site{site("a", 2, 0, 30)}
	techs := []Technician{{ID: id("t"), SiteID: id("a"), Status: TechAvailable, Skills: []string{"install"}}}
	n := mustNetwork(t, sites, techs)
	sites[0].AuthorizedLines[0], sites[0].Status, techs[0].Skills[0] = "WM", SiteClosed, "welding"
	d, err := Engine{}.Decide(context.Background(), n, order(func(o *Order) { o.Skills = []string{"install"} }))
	require.NoError(t, err)
	require.Equal(t, id("a"), *d.Chosen)
	require.Equal(t, id("t"), *d.Technician.Chosen)
}
