package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/pluginhost"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

const allRules = `{"rules":["sunday_open_only","vip_repair_centres_only","prefer_selling_dealer","vip_senior_technicians"]}`

// The real binary, as the platform runs it for one binding: one Decide
// call per decision, speaking protocol v2.
func TestThroughThePluginProtocol(t *testing.T) {
	p := plugintest.Decider(t, plugintest.Build(t, "."), plugintest.Config([]byte(allRules)))
	ctx := context.Background()

	a, err := p.Decide(ctx, dr.Decision{
		Order: dr.Order{ID: "o1", At: sundayInShanghai, TimeZone: "Asia/Shanghai", CustomerVIP: true},
		Sites: all,
		Technicians: map[string][]dr.TechCandidate{
			"centre-sundays": {{TechnicianID: "a"}, {TechnicianID: "b", Tags: []string{"senior"}}},
		},
	})
	require.NoError(t, err)
	require.Equal(t, []dr.Candidate{sundayCentre}, a.Sites, "kept whole, its reasons too")
	require.Equal(t, []dr.Exclusion{
		{ID: "dealer-weekdays", Reason: "closed on Sundays (Sun 22 Nov 2026 in Asia/Shanghai)"},
		{ID: "centre-weekdays", Reason: "closed on Sundays (Sun 22 Nov 2026 in Asia/Shanghai)"},
		{ID: "station-sundays", Reason: "VIP customer: repair centres only (this site is a service station)"},
		{ID: "station-unknown", Reason: "VIP customer: repair centres only (this site is a service station)"},
	}, a.Excluded)
	tech := a.Technicians["centre-sundays"]
	require.Equal(t, "b", tech.Candidates[0].TechnicianID)
	require.Equal(t, []string{"senior technician for a VIP customer"}, tech.Candidates[0].Reasons)

	_, err = p.Decide(ctx, dr.Decision{Order: dr.Order{At: sundayInShanghai, TimeZone: "Nowhere/Land"}, Sites: all})
	require.ErrorIs(t, err, sdk.ErrBadRequest)
}

func TestRefusesBadConfiguration(t *testing.T) {
	p := plugintest.Launch(t, pluginhost.DispatchRules, plugintest.Build(t, ".")).Plugin.(dr.Decider)
	require.ErrorIs(t, p.Configure(context.Background(), []byte(`{"rules":["fastest"]}`)), sdk.ErrBadRequest)
}

// One Decide call through the plugin protocol (mutual TLS over a local
// socket), with a realistic candidate list: the plugin's share of a
// dispatch decision.
func BenchmarkDecideThroughPlugin(b *testing.B) {
	p := plugintest.Decider(b, plugintest.Build(b, "."), plugintest.Config([]byte(allRules)))
	// Ten sites, as many as cover a typical address, all rules on, and the
	// technicians of the first five (the platform sends those of the first
	// few), five each.
	d := dr.Decision{Order: dr.Order{ID: "o1", At: sundayInShanghai, TimeZone: "Asia/Shanghai", SellingDealerSiteID: "station-sundays", CustomerVIP: true},
		Technicians: map[string][]dr.TechCandidate{}}
	for i := range 10 {
		c := all[i%len(all)]
		c.SiteID = fmt.Sprintf("%s-%d", c.SiteID, i)
		d.Sites = append(d.Sites, c)
		if i < 5 {
			for j := range 5 {
				d.Technicians[c.SiteID] = append(d.Technicians[c.SiteID], dr.TechCandidate{TechnicianID: fmt.Sprint(c.SiteID, "-t", j),
					Status: dr.TechAvailable, Tags: []string{"senior"}[:j%2], Skills: []string{"install"}, DistanceKm: 3, Score: 0.5})
			}
		}
	}
	ctx := context.Background()
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := p.Decide(ctx, d); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}
