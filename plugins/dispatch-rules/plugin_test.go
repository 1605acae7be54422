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

// The real binary, as the platform runs it for one binding.
func TestThroughThePluginProtocol(t *testing.T) {
	p := plugintest.DispatchRules(t, plugintest.Build(t, "."), plugintest.Config([]byte(allRules)))
	ctx := context.Background()

	res, err := p.Rank(ctx, dr.RankRequest{
		Order:      dr.Order{ID: "o1", At: sundayInShanghai, TimeZone: "Asia/Shanghai", CustomerVIP: true},
		Candidates: all,
	})
	require.NoError(t, err)
	require.Equal(t, []dr.Candidate{sundayCentre}, res.Candidates, "kept whole, its reasons too")
	require.Equal(t, []dr.Exclusion{
		{ID: "dealer-weekdays", Reason: "closed on Sundays (Sun 22 Nov 2026 in Asia/Shanghai)"},
		{ID: "centre-weekdays", Reason: "closed on Sundays (Sun 22 Nov 2026 in Asia/Shanghai)"},
		{ID: "station-sundays", Reason: "VIP customer: repair centres only (this site is a service station)"},
		{ID: "station-unknown", Reason: "VIP customer: repair centres only (this site is a service station)"},
	}, res.Excluded)

	tech, err := p.ChooseTechnician(ctx, dr.TechnicianRequest{Order: dr.Order{CustomerVIP: true}, SiteID: "centre-sundays",
		Candidates: []dr.TechCandidate{{TechnicianID: "a"}, {TechnicianID: "b", Tags: []string{"senior"}}}})
	require.NoError(t, err)
	require.Equal(t, "b", tech.Candidates[0].TechnicianID)
	require.Equal(t, []string{"senior technician for a VIP customer"}, tech.Candidates[0].Reasons)

	_, err = p.Rank(ctx, dr.RankRequest{Order: dr.Order{At: sundayInShanghai, TimeZone: "Nowhere/Land"}, Candidates: all})
	require.ErrorIs(t, err, sdk.ErrBadRequest)
}

func TestRefusesBadConfiguration(t *testing.T) {
	p := plugintest.Launch(t, pluginhost.DispatchRules, plugintest.Build(t, ".")).Plugin.(dr.Plugin)
	require.ErrorIs(t, p.Configure(context.Background(), []byte(`{"rules":["fastest"]}`)), sdk.ErrBadRequest)
}

// One Rank call through the plugin protocol (mutual TLS over a local
// socket), with a realistic candidate list: the plugin's share of a
// dispatch decision.
func BenchmarkRankThroughPlugin(b *testing.B) {
	p := plugintest.DispatchRules(b, plugintest.Build(b, "."), plugintest.Config([]byte(allRules)))
	// Ten sites, as many as cover a typical address, all rules on.
	req := dr.RankRequest{Order: dr.Order{ID: "o1", At: sundayInShanghai, TimeZone: "Asia/Shanghai", SellingDealerSiteID: "station-sundays"}}
	for i := range 10 {
		c := all[i%len(all)]
		c.SiteID = fmt.Sprintf("%s-%d", c.SiteID, i)
		req.Candidates = append(req.Candidates, c)
	}
	ctx := context.Background()
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := p.Rank(ctx, req); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}
