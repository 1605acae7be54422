package host

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
)

var shanghai = dispatch.Point{Lat: 31.2304, Lon: 121.4737}

// smallNetwork is four sites around the order, each with two available
// technicians, all letting the platform assign.
func smallNetwork(t *testing.T) *dispatch.Network {
	t.Helper()
	var sites []dispatch.Site
	var techs []dispatch.Technician
	for k := range 4 {
		s := dispatch.Site{ID: uuid.New(), Kind: dispatch.KindServiceStation, Status: dispatch.SiteActive,
			Location: dispatch.Point{Lat: shanghai.Lat + 0.01*float64(k+1), Lon: shanghai.Lon},
			Area:     dispatch.Area{RadiusKm: 50}, AuthorizedLines: []string{"AC"}, DailyCapacity: 10,
			Reputation: 90 - 10*float64(k), AutoAssign: true}
		sites = append(sites, s)
		for range 2 {
			techs = append(techs, dispatch.Technician{ID: uuid.New(), SiteID: s.ID, Status: dispatch.TechAvailable})
		}
	}
	n, err := dispatch.NewNetwork(sites, techs)
	require.NoError(t, err)
	return n
}

func testOrder() dispatch.Order {
	return dispatch.Order{ID: uuid.New(), Location: shanghai, ProductLine: "AC", ServiceType: "repair",
		At: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
}

// decide runs the engine with the binding's rules, as the store does.
func (tb *testBundle) decide(t *testing.T, n *dispatch.Network, b *binding) dispatch.Decision {
	t.Helper()
	r, err := tb.h.DispatchRules(bg, b.PluginBinding)
	require.NoError(t, err)
	d, err := dispatch.Engine{Rules: r}.Decide(bg, n, testOrder())
	require.NoError(t, err)
	return d
}

func builtinDecision(t *testing.T, n *dispatch.Network) dispatch.Decision {
	t.Helper()
	d, err := dispatch.Engine{}.Decide(bg, n, testOrder())
	require.NoError(t, err)
	return d
}

func siteIDs(cs []dispatch.Candidate) []uuid.UUID {
	var out []uuid.UUID
	for _, c := range cs {
		out = append(out, c.SiteID)
	}
	return out
}

func TestDispatchRulesRerankThroughTheEngine(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	n := smallNetwork(t)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "north", nil)

	d := tb.decide(t, n, b)
	require.Empty(t, d.Fallback)
	require.Equal(t, dispatch.EngineVersion+"+rules", d.Engine)
	want := siteIDs(builtinDecision(t, n).Ranking)
	for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
		want[i], want[j] = want[j], want[i]
	}
	require.Equal(t, want, siteIDs(d.Ranking), "the plugin reverses the ranking")
	require.Equal(t, want[0], *d.Chosen)
	require.Contains(t, d.Ranking[0].Reasons, "rules north")
	require.True(t, strings.HasPrefix(d.Ranking[0].Reasons[len(d.Ranking[0].Reasons)-1], "tenant rules: order "))
	require.Empty(t, d.Technician.Fallback)
	require.NotNil(t, d.Technician.Chosen)
	require.Contains(t, d.Technician.Ranking[0].Reasons, "rules north")

	st := tb.h.Status(bg, b.ID)
	require.Equal(t, core.PluginRunning, st.State)
	require.Equal(t, core.BreakerClosed, st.Breaker)
	require.Equal(t, int64(1), st.Calls, "one Decide call for the sites and the technicians")
	require.Zero(t, st.Errors)
	require.True(t, *st.ChecksumOK)
	require.NotNil(t, st.StartedAt)
}

// TestDispatchRulesV1PluginStillServed: a plugin written for protocol v1
// gets Rank, then ChooseTechnician for the chosen site: two calls, whose
// answers and failures the decision takes as from a v2 plugin.
func TestDispatchRulesV1PluginStillServed(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	n := smallNetwork(t)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rulesv1"), "old", nil)

	d := tb.decide(t, n, b)
	require.Empty(t, d.Fallback)
	require.Empty(t, d.Technician.Fallback)
	want := siteIDs(builtinDecision(t, n).Ranking)
	slices.Reverse(want)
	require.Equal(t, want, siteIDs(d.Ranking), "the plugin reverses the ranking")
	require.Contains(t, d.Ranking[0].Reasons, "rules v1 old")
	require.True(t, strings.HasPrefix(d.Ranking[0].Reasons[len(d.Ranking[0].Reasons)-1], "tenant rules: order "))
	require.Contains(t, d.Technician.Ranking[0].Reasons, "rules v1 old")
	require.Equal(t, d.Technician.Ranking[0].TechnicianID, *d.Technician.Chosen)

	labels := []string{b.TenantID.String(), b.ID.String(), b.Plugin.Name}
	require.Equal(t, 1.0, metricValue(t, tb.h.metrics.calls.WithLabelValues(append(labels, "Rank")...)))
	require.Equal(t, 1.0, metricValue(t, tb.h.metrics.calls.WithLabelValues(append(labels, "ChooseTechnician")...)))
	require.Equal(t, int64(2), tb.h.Status(bg, b.ID).Calls, "two calls per decision")

	b.setMode(t, "error")
	d = tb.decide(t, n, b)
	require.Contains(t, d.Fallback, "rules backend down")
	require.Contains(t, d.Technician.Fallback, "rules backend down")
	require.Equal(t, siteIDs(builtinDecision(t, n).Ranking), siteIDs(d.Ranking), "built-in ranking used")
}

func TestDispatchGarbageAnswersFallBack(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	n := smallNetwork(t)
	for _, tc := range []struct{ mode, fallback string }{
		{"unknown", "was not a candidate"},
		{"duplicate", "answered twice"},
		{"error", "rules backend down"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), tc.mode, nil)
			b.setMode(t, tc.mode)
			d := tb.decide(t, n, b)
			require.Contains(t, d.Fallback, tc.fallback)
			require.Equal(t, dispatch.EngineVersion, d.Engine)
			require.Equal(t, siteIDs(builtinDecision(t, n).Ranking), siteIDs(d.Ranking), "built-in ranking used")
			st := tb.h.Status(bg, b.ID)
			require.Contains(t, st.LastError, tc.fallback)
			require.NotNil(t, st.LastErrorAt)
			require.Equal(t, core.PluginRunning, st.State, "a wrong answer does not restart the plugin")
		})
	}
}

func TestDispatchPluginKilledMidCallIsRelaunched(t *testing.T) {
	t.Parallel()
	// A long backoff: the test checks that a decision right after the
	// crash does not wait for a relaunch.
	tb := setup(t, func(o *Options) { o.BackoffMin, o.BackoffMax = 3*time.Second, 3*time.Second })
	n := smallNetwork(t)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "k", nil)
	require.Empty(t, tb.decide(t, n, b).Fallback)
	pid := tb.h.PID(b.ID)

	b.setMode(t, "hang")
	var d dispatch.Decision
	var wg sync.WaitGroup
	wg.Go(func() { d = tb.decide(t, n, b) })
	b.waitEntered(t)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	wg.Wait()
	require.Contains(t, d.Fallback, "built-in ranking used")
	require.Equal(t, siteIDs(builtinDecision(t, n).Ranking), siteIDs(d.Ranking))

	st := tb.h.Status(bg, b.ID)
	require.Equal(t, core.PluginFailed, st.State)
	require.Contains(t, st.LastError, "plugin process")

	// Within the backoff the rules are not tried: the decision falls back
	// at once.
	b.setMode(t, "ok")
	d = tb.decide(t, n, b)
	require.NotEmpty(t, d.Fallback)

	require.Eventually(t, func() bool { return tb.decide(t, n, b).Fallback == "" }, 20*time.Second, 50*time.Millisecond)
	require.NotEqual(t, pid, tb.h.PID(b.ID))
	st = tb.h.Status(bg, b.ID)
	require.Equal(t, core.PluginRunning, st.State)
	require.Equal(t, 1, st.Restarts)
}

func TestDispatchHangingPluginOpensBreakerThenRecovers(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(o *Options) {
		o.DispatchTimeout = 150 * time.Millisecond
		o.BreakerFailures = 2
		o.BreakerCooldown = time.Second
	})
	n := smallNetwork(t)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "h", nil)
	pid := tb.waitRunning(t, b)
	// Warm up; a loaded machine may miss the short deadline now and then.
	require.Eventually(t, func() bool { return tb.decide(t, n, b).Fallback == "" }, 20*time.Second, 50*time.Millisecond)

	b.setMode(t, "hang")
	d := tb.decide(t, n, b) // Rank and ChooseTechnician time out: two failures
	require.Contains(t, d.Fallback, "in time")
	require.Contains(t, d.Technician.Fallback, "in time")
	require.Equal(t, siteIDs(builtinDecision(t, n).Ranking), siteIDs(d.Ranking))
	require.Equal(t, core.BreakerOpen, tb.h.Status(bg, b.ID).Breaker)
	require.Contains(t, tb.decide(t, n, b).Fallback, "circuit breaker open")
	// The stuck process is replaced: the probe after the cool-down gets a
	// fresh one.
	require.Eventually(t, func() bool { return tb.h.PID(b.ID) != pid }, 10*time.Second, 10*time.Millisecond)

	b.setMode(t, "ok")
	require.Eventually(t, func() bool { return tb.decide(t, n, b).Fallback == "" }, 20*time.Second, 50*time.Millisecond)
	require.Equal(t, core.BreakerClosed, tb.h.Status(bg, b.ID).Breaker)
	require.Equal(t, core.PluginRunning, tb.h.Status(bg, b.ID).State, "a hang is not a crash")
}

func TestDispatchCallerDeadlineWins(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil) // DispatchTimeout 10 s
	n := smallNetwork(t)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "d", nil)
	tb.waitRunning(t, b)
	b.setMode(t, "hang")
	r, err := tb.h.DispatchRules(bg, b.PluginBinding)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	d, err := dispatch.Engine{Rules: r}.Decide(ctx, n, testOrder())
	require.NoError(t, err)
	require.Contains(t, d.Fallback, "in time")
	require.NotNil(t, d.Chosen, "the built-in choice stands")
}

func ExampleHost_DispatchRules() {
	h := New(Options{})
	defer h.Close()
	b := &core.PluginBinding{ID: uuid.New(), Kind: core.PluginDispatchRules,
		Plugin: &core.Plugin{Name: "x", Kind: core.PluginCTI}}
	_, err := h.DispatchRules(context.Background(), b)
	fmt.Println(err)
	// Output: unprocessable: binding has kind dispatch_rules but its plugin x is a cti plugin
}

func TestDispatchFactsReachTheRules(t *testing.T) {
	t.Parallel()
	n := smallNetwork(t)
	var dealer uuid.UUID
	var lookups atomic.Int32
	tb := setup(t, func(o *Options) {
		o.DispatchFacts = func(ctx context.Context, ord dispatch.Order, sites []uuid.UUID) (*core.DispatchFacts, error) {
			lookups.Add(1)
			f := &core.DispatchFacts{CustomerVIP: true, ProductModel: "KFR-35", TimeZone: "Asia/Shanghai", Sites: map[uuid.UUID]core.DispatchSiteFacts{},
				Technicians: map[uuid.UUID]core.DispatchTechnicianFacts{}}
			for _, id := range sites { // the technicians of the sites come along
				td, err := dispatch.Engine{}.ChooseTechnician(ctx, n, id, ord)
				if err != nil {
					return nil, err
				}
				for _, c := range td.Ranking {
					f.Technicians[c.TechnicianID] = core.DispatchTechnicianFacts{Name: "Tech " + c.TechnicianID.String()[:4]}
				}
			}
			for k, id := range sites {
				f.Sites[id] = core.DispatchSiteFacts{Name: fmt.Sprint("S", k), WorkingHours: core.WorkingHours{"sun": {"09:00-12:00"}}}
				if k > 0 {
					f.Sites[id] = core.DispatchSiteFacts{Name: fmt.Sprint("S", k), WorkingHours: core.WorkingHours{"mon": {"08:00-18:00"}}}
				}
				dealer = id
			}
			f.SellingDealerSiteID = &dealer
			return f, nil
		}
	})
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "f", nil)
	d := tb.decide(t, n, b)
	require.Empty(t, d.Fallback)
	var all []string
	for _, c := range d.Ranking {
		all = append(all, c.Reasons...)
	}
	require.Contains(t, all, "site S0 open Sunday true")
	require.Contains(t, all, "site S1 open Sunday false")
	require.Contains(t, all, "tenant rules: VIP true, dealer "+dealer.String()+", model KFR-35, zone Asia/Shanghai")
	chosen := d.Technician.Ranking[0]
	require.Contains(t, chosen.Reasons, "technician Tech "+chosen.TechnicianID.String()[:4], "technician facts reach ChooseTechnician")
	require.EqualValues(t, 1, lookups.Load(), "one lookup per decision: Rank's serves ChooseTechnician")
	tb.decide(t, n, b)
	require.EqualValues(t, 2, lookups.Load(), "a new decision looks them up again")
}

func TestOpeningsFollowWeekdays(t *testing.T) {
	t.Parallel()
	got := openings(core.WorkingHours{"sun": {"09:00-12:00"}, "mon": {"08:30-12:00", "13:30-18:00"}, "sat": {"bad"}})
	require.Equal(t, []dispatchrules.Opening{
		{Day: time.Monday, From: "08:30", To: "12:00"}, {Day: time.Monday, From: "13:30", To: "18:00"},
		{Day: time.Sunday, From: "09:00", To: "12:00"},
	}, got)
}

// TestDispatchExclusionReasonsReachTheDecision: a site the plugin excludes
// with a reason is shown to the dispatcher with that reason.
func TestDispatchExclusionReasonsReachTheDecision(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	n := smallNetwork(t)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "x", nil)
	b.setMode(t, "exclude-first")
	builtin := builtinDecision(t, n)
	d := tb.decide(t, n, b)
	require.Empty(t, d.Fallback)
	first := builtin.Ranking[0].SiteID
	require.NotEqual(t, first, *d.Chosen)
	for _, c := range d.Ranking {
		if c.SiteID == first {
			require.False(t, c.Eligible)
			require.Equal(t, []string{"excluded: by tenant rules", "closed for stocktaking"}, c.Reasons[len(c.Reasons)-2:])
			return
		}
	}
	t.Fatal("the excluded site is missing from the ranking")
}

// A Decide answer's technicians for the site chosen (the first kept) are
// taken when valid; left out, the site keeps the engine's order; invalid,
// the site is left out (the engine then asks ChooseTechnician, which
// records the failure). No other site's are looked at.
func TestChosenTechnicians(t *testing.T) {
	t.Parallel()
	techs := func(n int) []dispatch.TechCandidate {
		var ts []dispatch.TechCandidate
		for range n {
			ts = append(ts, dispatch.TechCandidate{TechnicianID: uuid.New(), Eligible: true, Reasons: []string{"built-in"}})
		}
		return ts
	}
	first, second, unsent := uuid.New(), uuid.New(), uuid.New()
	own := map[uuid.UUID][]dispatch.TechCandidate{first: techs(2), second: techs(1)}
	kept := func(ids ...uuid.UUID) []dispatch.Candidate {
		var cs []dispatch.Candidate
		for _, id := range ids {
			cs = append(cs, dispatch.Candidate{SiteID: id, Eligible: true})
		}
		return cs
	}
	valid := map[string]dispatchrules.TechnicianResponse{
		first.String(): {Candidates: []dispatchrules.TechCandidate{{TechnicianID: own[first][1].TechnicianID.String(), Reasons: []string{"senior"}}},
			Reasons: []string{"VIP"}},
		second.String(): {Candidates: []dispatchrules.TechCandidate{{TechnicianID: uuid.NewString()}}}, // invalid, but not looked at
	}
	got := chosenTechnicians(kept(first, second), own, valid)
	require.Len(t, got, 1)
	require.Len(t, got[first], 1, "the other is left out: the engine excludes it")
	require.Equal(t, own[first][1].TechnicianID, got[first][0].TechnicianID)
	require.Equal(t, []string{"senior", "tenant rules: VIP"}, got[first][0].Reasons)

	require.Nil(t, chosenTechnicians(kept(second, first), own, valid), "invalid")
	require.Equal(t, map[uuid.UUID][]dispatch.TechCandidate{second: own[second]}, chosenTechnicians(kept(second), own, nil), "left out")
	require.Nil(t, chosenTechnicians(kept(unsent, first), own, valid), "not sent")
	require.Nil(t, chosenTechnicians(nil, own, valid), "no site kept")
}
