package dispatch

import (
	"context"
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func id(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }

// peoplesSquare is the test orders' address, in Shanghai.
var peoplesSquare = Point{31.2304, 121.4737}

// site returns an active service station authorised for AC with an empty
// 10-order day, reputation 80 and a 10% late rate, dx/dy km from the square.
func site(name string, dx, dy, radiusKm float64, mods ...func(*Site)) Site {
	s := Site{ID: id(name), Kind: KindServiceStation, Status: SiteActive, Location: offset(peoplesSquare, dx, dy),
		Area: Area{RadiusKm: radiusKm}, AuthorizedLines: []string{"AC"}, DailyCapacity: 10, Reputation: 80,
		LateRate: ptr(0.1), AutoAssign: true}
	for _, m := range mods {
		m(&s)
	}
	return s
}

func order(mods ...func(*Order)) Order {
	o := Order{ID: id("order"), Location: peoplesSquare, ProductLine: "AC", At: t0}
	for _, m := range mods {
		m(&o)
	}
	return o
}

func ids(r []Candidate) []uuid.UUID {
	var out []uuid.UUID
	for _, c := range r {
		out = append(out, c.SiteID)
	}
	return out
}

func TestDecideExplains(t *testing.T) {
	t.Parallel()
	n := mustNetwork(t, []Site{
		site("near", 5, 0, 30, func(s *Site) { s.OpenToday = 3 }),
		site("far", 0, 15, 50, func(s *Site) { s.Reputation = 95; s.LateRate = nil }),
		site("washers", 2, 2, 0, func(s *Site) {
			s.AuthorizedLines = []string{"WM"}
			s.Area = Area{Polygon: []Point{offset(peoplesSquare, -10, -10), offset(peoplesSquare, 10, -10), offset(peoplesSquare, 0, 10)}}
		}),
		site("suspended", 1, 0, 30, func(s *Site) { s.Status = SiteSuspended }),
		site("full", 3, 0, 30, func(s *Site) { s.OpenToday = 10 }),
		site("next-district", -25, 0, 20), // in the address's grid cell, but 25 km away
		site("elsewhere", 200, 0, 20),
	}, nil)
	d, err := Engine{}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Equal(t, id("near"), *d.Chosen)
	require.Equal(t, []uuid.UUID{id("near"), id("far"), id("suspended"), id("washers"), id("full")}, ids(d.Ranking))
	near, far := d.Ranking[0], d.Ranking[1]
	require.Equal(t, []string{
		"covers address (radius 30 km, distance 5.0 km)",
		"authorised for line AC",
		"capacity 3/10 used",
		"reputation 80/100",
		"late-arrival rate 10%",
		"score 0.825 (distance 0.90, load 0.70, reputation 0.80, on-time 0.90)",
	}, near.Reasons)
	require.Equal(t, "late-arrival rate unknown (counted as 50%)", far.Reasons[4])
	require.InDelta(t, 0.70, far.Components.Distance, 0.001) // 15 km of the widest radius, 50 km
	require.Equal(t, []string{"covers address (radius 30 km, distance 1.0 km)", "excluded: site is suspended",
		"authorised for line AC", "capacity 0/10 used"}, d.Ranking[2].Reasons)
	require.Contains(t, d.Ranking[3].Reasons, "excluded: not authorised for AC")
	require.Equal(t, "covers address (polygon area, distance 2.8 km)", d.Ranking[3].Reasons[0])
	require.Contains(t, d.Ranking[4].Reasons, "excluded: at capacity (10/10 used)")
	for _, c := range d.Ranking[2:] {
		require.False(t, c.Eligible)
		require.Zero(t, c.Score)
	}
	require.Equal(t, "6 sites near the address examined, 5 cover it, 2 eligible", d.Summary)
	require.Equal(t, EngineVersion, d.Engine)
	require.Empty(t, d.Fallback)
	require.Empty(t, d.NoCandidateReason)
}

func TestDecideNoCandidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		sites []Site
		order Order
		want  string
	}{
		{"no site at all", nil, order(), "no active site covers the address"},
		{"sites too far", []Site{site("a", 50, 0, 30), site("b", 0, -80, 60)}, order(),
			"no active site covers the address"},
		{"covering sites suspended or closed", []Site{
			site("a", 5, 0, 30, func(s *Site) { s.Status = SiteSuspended }),
			site("b", 5, 0, 30, func(s *Site) { s.Status = SiteClosed }),
		}, order(), "no active site covers the address (2 covering sites are suspended or closed)"},
		{"none authorised", []Site{site("a", 5, 0, 30), site("b", 0, 5, 30)}, order(func(o *Order) { o.ProductLine = "WM" }),
			"sites cover the address but none is authorised for WM"},
		{"all at capacity", []Site{
			site("a", 5, 0, 30, func(s *Site) { s.OpenToday = 10 }),
			site("b", 5, 0, 30, func(s *Site) { s.DailyCapacity, s.OpenToday = 0, 0 }),
			site("c", 5, 0, 30, func(s *Site) { s.AuthorizedLines = nil }),
		}, order(), "all covering sites authorised for AC are at capacity"},
		{"all rejected earlier", []Site{site("a", 5, 0, 30), site("b", 0, 5, 30)},
			order(func(o *Order) { o.ExcludedSiteIDs = []uuid.UUID{id("a"), id("b")} }),
			"every covering site that could take the order has rejected it earlier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Engine{}.Decide(context.Background(), mustNetwork(t, tt.sites, nil), tt.order)
			require.NoError(t, err)
			require.Nil(t, d.Chosen)
			require.Equal(t, tt.want, d.NoCandidateReason)
			require.Empty(t, d.Technician.Ranking)
		})
	}
}

// TestDecideRejectPassesToNext: excluding the chosen site, as a site's
// rejection does, chooses the previous runner-up, and the rejecting site
// stays in the ranking with the reason.
func TestDecideRejectPassesToNext(t *testing.T) {
	t.Parallel()
	n := mustNetwork(t, []Site{
		site("a", 2, 0, 30), site("b", 6, 0, 30, func(s *Site) { s.Reputation = 90 }),
		site("c", -9, 3, 40), site("d", 0, 20, 30, func(s *Site) { s.OpenToday = 8 }),
	}, nil)
	o := order()
	first, err := Engine{}.Decide(context.Background(), n, o)
	require.NoError(t, err)
	var passed []uuid.UUID
	for d := first; d.Chosen != nil; {
		passed = append(passed, *d.Chosen)
		o.ExcludedSiteIDs = append(o.ExcludedSiteIDs, *d.Chosen)
		d, err = Engine{}.Decide(context.Background(), n, o)
		require.NoError(t, err)
		for _, c := range d.Ranking {
			if c.SiteID == passed[len(passed)-1] {
				require.Contains(t, c.Reasons, "excluded: rejected earlier")
			}
		}
		if d.Chosen == nil {
			require.Equal(t, "every covering site that could take the order has rejected it earlier", d.NoCandidateReason)
		}
	}
	require.Equal(t, ids(first.Ranking), passed, "each rejection passes the order to the next of the first ranking")
}

// TestDecideEqualWeightsNearest is the property: with equal weights,
// no load and equal reputation and SLA risk, the chosen site is the nearest
// covering one, on random networks with radius and polygon areas.
func TestDecideEqualWeightsNearest(t *testing.T) {
	t.Parallel()
	rng, _ := seeded(t)
	for net := range 20 {
		spec := netSpec{centres: []Point{peoplesSquare, {23.13, 113.26}}, spreadKm: 60, sites: 300, polygonShare: 0.3, minR: 10, maxR: 80}
		sites, _ := genNetwork(rng, spec)
		for i := range sites {
			sites[i].Status, sites[i].AuthorizedLines = SiteActive, []string{"AC"}
			sites[i].DailyCapacity, sites[i].OpenToday, sites[i].Reputation, sites[i].LateRate = 10, 0, 70, ptr(0.2)
		}
		n := mustNetwork(t, sites, nil)
		for range 200 {
			o := genOrder(rng, n, spec)
			o.ProductLine, o.ExcludedSiteIDs, o.PreferredSiteID = "AC", nil, nil
			d, err := Engine{}.Decide(context.Background(), n, o)
			require.NoError(t, err)
			nearest, best := uuid.Nil, math.Inf(1)
			for i := range n.sites {
				if dist, by := n.covers(int32(i), o, false); by != coverNone && dist < best {
					nearest, best = n.sites[i].ID, dist
				}
			}
			if nearest == uuid.Nil {
				require.Nil(t, d.Chosen)
				continue
			}
			require.NotNil(t, d.Chosen, "network %d order %+v", net, o)
			require.Equal(t, nearest, *d.Chosen, "network %d order %+v", net, o)
		}
	}
}

func TestDecidePreferredSite(t *testing.T) {
	t.Parallel()
	n := mustNetwork(t, []Site{site("a", 2, 0, 30), site("b", 9, 0, 30), site("remote", 300, 0, 30),
		site("full", 1, 0, 30, func(s *Site) { s.OpenToday = 10 })}, nil)
	tests := []struct {
		name       string
		preferred  uuid.UUID
		wantChosen uuid.UUID
		wantReason string // a reason of the preferred site's candidate
	}{
		{"eligible preferred site ranks first", id("b"), id("b"), "preferred by the order: ranked first"},
		{"preferred site at capacity", id("full"), id("a"), "excluded: at capacity (10/10 used)"},
		{"preferred site does not cover", id("remote"), id("a"), "excluded: preferred by the order but does not cover the address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Engine{}.Decide(context.Background(), n, order(func(o *Order) { o.PreferredSiteID = ptr(tt.preferred) }))
			require.NoError(t, err)
			require.Equal(t, tt.wantChosen, *d.Chosen)
			i := slicesIndex(ids(d.Ranking), tt.preferred)
			require.GreaterOrEqual(t, i, 0)
			require.Contains(t, d.Ranking[i].Reasons, tt.wantReason)
		})
	}
}

func slicesIndex(s []uuid.UUID, v uuid.UUID) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestDecideWeightsSteer(t *testing.T) {
	t.Parallel()
	n := mustNetwork(t, []Site{
		site("near-busy", 1, 0, 30, func(s *Site) { s.OpenToday, s.Reputation, s.LateRate = 9, 50, ptr(0.5) }),
		site("mid-reputed", 10, 0, 30, func(s *Site) { s.OpenToday, s.Reputation, s.LateRate = 5, 100, ptr(0.3) }),
		site("far-idle", 25, 0, 30, func(s *Site) { s.OpenToday, s.Reputation, s.LateRate = 0, 60, ptr(0.4) }),
		site("far-punctual", 0, 28, 30, func(s *Site) { s.OpenToday, s.Reputation, s.LateRate = 5, 60, ptr(0.0) }),
	}, nil)
	tests := []struct {
		name string
		w    Weights
		want string
	}{
		{"distance only", Weights{Distance: 1}, "near-busy"},
		{"load only", Weights{Load: 3}, "far-idle"},
		{"reputation only", Weights{Reputation: 0.5}, "mid-reputed"},
		{"SLA risk only", Weights{SLARisk: 2}, "far-punctual"},
		{"all zero means equal", Weights{}, "mid-reputed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Engine{Weights: tt.w}.Decide(context.Background(), n, order())
			require.NoError(t, err)
			require.Equal(t, id(tt.want), *d.Chosen)
		})
	}
}
