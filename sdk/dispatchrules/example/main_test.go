package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/pluginhost"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

var order = dr.Order{
	ID: "o1", ProductLine: "WM", ProductModel: "WM-7", UnitSerial: "SN1", ServiceType: "installation",
	Skills: []string{"electric"}, SellingDealerSiteID: "d1", PreferredSiteID: "s2", CustomerVIP: true,
	CustomerTags: []string{"vip"}, Location: dr.Point{Lat: 31.2, Lon: 121.5},
	CreatedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
	TimeZone: "Asia/Shanghai",
}

// The example plugin, built and run the way the platform runs it: one
// Decide call per decision; every field crosses the wire.
func TestExamplePlugin(t *testing.T) {
	p := plugintest.Decider(t, plugintest.Build(t, "."),
		plugintest.Config(config{MaxKm: 50, SeniorFor: []string{"installation"}}))

	near := dr.Candidate{SiteID: "s1", Name: "Near", Kind: dr.RepairCenter, DistanceKm: 3, Score: 0.8,
		Components: dr.Components{Distance: 0.9, Load: 0.5, Reputation: 0.7, SLARisk: 0.6},
		Opening:    []dr.Opening{{Day: time.Sunday, From: "09:00", To: "12:00"}},
		Tags:       []string{"a"}, Reasons: []string{"nearest"}}
	far := dr.Candidate{SiteID: "s2", Kind: dr.Dealer, DistanceKm: 80}
	junior := dr.TechCandidate{TechnicianID: "t1", Name: "Li", Status: dr.TechAvailable, Skills: []string{"electric"},
		DistanceKm: 2, LocationFrom: "site", Score: 0.9, Components: dr.TechComponents{Skills: 1, Distance: 0.8, Workload: 0.5}}
	senior := dr.TechCandidate{TechnicianID: "t2", Status: dr.TechBusy, Tags: []string{"senior"}}

	a, err := p.Decide(context.Background(), dr.Decision{Order: order, Sites: []dr.Candidate{near, far},
		Technicians: map[string][]dr.TechCandidate{"s1": {junior, senior}}})
	require.NoError(t, err)
	senior.Reasons = []string{"senior technician for installation"}
	require.Equal(t, dr.Answer{
		Sites:       []dr.Candidate{near},
		Excluded:    []dr.Exclusion{{ID: "s2", Reason: "80.0 km away, farther than the 50 km limit"}},
		Technicians: map[string]dr.TechnicianResponse{"s1": {Candidates: []dr.TechCandidate{senior, junior}}},
	}, a)
}

func TestExampleRejectsBadConfiguration(t *testing.T) {
	p := plugintest.Launch(t, pluginhost.DispatchRules, plugintest.Build(t, ".")).Plugin.(dr.Decider)
	require.ErrorIs(t, p.Configure(context.Background(), []byte(`{"max_km": 0}`)), sdk.ErrBadRequest)
}
