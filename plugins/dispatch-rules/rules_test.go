package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
)

// Saturday 17:00 UTC is already Sunday 01:00 in Shanghai; Sunday 20:00 UTC
// is Monday there.
var (
	sundayInShanghai = time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC)
	mondayInShanghai = time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
)

func site(id string, kind dr.SiteKind, days ...time.Weekday) dr.Candidate {
	c := dr.Candidate{SiteID: id, Kind: kind, Reasons: []string{"built-in"}}
	for _, d := range days {
		c.Opening = append(c.Opening, dr.Opening{Day: d, From: "09:00", To: "18:00"})
	}
	return c
}

var (
	weekdayDealer  = site("dealer-weekdays", dr.Dealer, time.Monday, time.Friday)
	sundayStation  = site("station-sundays", dr.ServiceStation, time.Saturday, time.Sunday)
	sundayCentre   = site("centre-sundays", dr.RepairCenter, time.Sunday)
	weekdayCentre  = site("centre-weekdays", dr.RepairCenter, time.Monday)
	unknownStation = site("station-unknown", dr.ServiceStation)
	all            = []dr.Candidate{weekdayDealer, sundayStation, sundayCentre, weekdayCentre, unknownStation}
)

func configured(t *testing.T, cfg string) *plugin {
	p := &plugin{}
	require.NoError(t, p.Configure(context.Background(), json.RawMessage(cfg)))
	return p
}

// rank decides on sites alone, as the platform asks a v2 plugin before
// technicians matter.
func rank(p *plugin, o dr.Order, sites []dr.Candidate) (dr.Answer, error) {
	return p.Decide(context.Background(), dr.Decision{Order: o, Sites: sites})
}

// choose decides on one site's technicians alone.
func choose(p *plugin, o dr.Order, techs []dr.TechCandidate) (dr.TechnicianResponse, bool, error) {
	a, err := p.Decide(context.Background(), dr.Decision{Order: o, Technicians: map[string][]dr.TechCandidate{"s": techs}})
	t, answered := a.Technicians["s"]
	return t, answered, err
}

func ids(cs []dr.Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.SiteID
	}
	return out
}

func excludedIDs(es []dr.Exclusion) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestRank(t *testing.T) {
	order := dr.Order{At: sundayInShanghai, TimeZone: "Asia/Shanghai"}
	vip := order
	vip.CustomerTags = []string{"gold"}
	soldBy := order
	soldBy.SellingDealerSiteID = "station-sundays"

	for _, tc := range []struct {
		name     string
		cfg      string
		order    dr.Order
		kept     []string
		excluded []string
		reasons  []string
	}{
		{"no rules keep the platform's ranking", `{}`, order, ids(all), []string{}, nil},
		{"sunday in the tenant's zone", `{"rules":["sunday_open_only"]}`, order,
			[]string{"station-sundays", "centre-sundays", "station-unknown"}, []string{"dealer-weekdays", "centre-weekdays"},
			[]string{"Sunday (Sun 22 Nov 2026 in Asia/Shanghai): only sites open on Sundays"}},
		{"sunday UTC is monday in the tenant's zone", `{"rules":["sunday_open_only"]}`,
			dr.Order{At: mondayInShanghai, TimeZone: "Asia/Shanghai"}, ids(all), []string{}, nil},
		{"sunday, unknown hours excluded", `{"rules":["sunday_open_only"],"unknown_hours":"exclude"}`, order,
			[]string{"station-sundays", "centre-sundays"}, []string{"dealer-weekdays", "centre-weekdays", "station-unknown"},
			[]string{"Sunday (Sun 22 Nov 2026 in Asia/Shanghai): only sites open on Sundays"}},
		{"vip by tag to repair centres", `{"rules":["vip_repair_centres_only"],"vip_tags":["gold"]}`, vip,
			[]string{"centre-sundays", "centre-weekdays"}, []string{"dealer-weekdays", "station-sundays", "station-unknown"},
			[]string{"VIP customer: repair centres only"}},
		{"tag not configured as vip", `{"rules":["vip_repair_centres_only"]}`, vip, ids(all), []string{}, nil},
		{"selling dealer first", `{"rules":["prefer_selling_dealer"]}`, soldBy,
			[]string{"station-sundays", "dealer-weekdays", "centre-sundays", "centre-weekdays", "station-unknown"}, []string{},
			[]string{"the dealer that sold the unit is preferred"}},
		{"all rules together", `{"rules":["sunday_open_only","vip_repair_centres_only","prefer_selling_dealer"],"vip_tags":["gold"]}`,
			dr.Order{At: sundayInShanghai, TimeZone: "Asia/Shanghai", CustomerVIP: true, SellingDealerSiteID: "dealer-weekdays"},
			[]string{"centre-sundays"}, []string{"dealer-weekdays", "centre-weekdays", "station-sundays", "station-unknown"},
			[]string{"Sunday (Sun 22 Nov 2026 in Asia/Shanghai): only sites open on Sundays", "VIP customer: repair centres only",
				"the dealer that sold the unit is not among the candidates"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := rank(configured(t, tc.cfg), tc.order, all)
			require.NoError(t, err)
			require.Equal(t, tc.kept, ids(res.Sites))
			require.Equal(t, tc.excluded, excludedIDs(res.Excluded))
			require.Equal(t, tc.reasons, res.Reasons)
			for _, e := range res.Excluded {
				require.NotEmpty(t, e.Reason, "every exclusion says why")
			}
		})
	}
}

func TestRankReasonsPerSite(t *testing.T) {
	p := configured(t, `{"rules":["sunday_open_only","vip_repair_centres_only","prefer_selling_dealer"]}`)
	res, err := rank(p, dr.Order{At: sundayInShanghai, TimeZone: "Asia/Shanghai", CustomerVIP: true, SellingDealerSiteID: "centre-sundays"},
		[]dr.Candidate{unknownStation, weekdayDealer, sundayCentre})
	require.NoError(t, err)
	require.Equal(t, []dr.Candidate{{SiteID: "centre-sundays", Kind: dr.RepairCenter, Opening: sundayCentre.Opening,
		Reasons: []string{"built-in", "moved first: the dealer that sold the unit"}}}, res.Sites)
	require.Equal(t, []dr.Exclusion{
		{ID: "dealer-weekdays", Reason: "closed on Sundays (Sun 22 Nov 2026 in Asia/Shanghai)"},
		{ID: "station-unknown", Reason: "VIP customer: repair centres only (this site is a service station)"},
	}, res.Excluded)
	require.Equal(t, []string{"built-in"}, unknownStation.Reasons, "the request's candidates are not written to")
}

func TestVIPFallback(t *testing.T) {
	p := configured(t, `{"rules":["vip_repair_centres_only"],"vip_fallback":true}`)
	res, err := rank(p, dr.Order{CustomerVIP: true}, []dr.Candidate{weekdayDealer, unknownStation})
	require.NoError(t, err)
	require.Equal(t, []string{"dealer-weekdays", "station-unknown"}, ids(res.Sites))
	require.Equal(t, []string{"VIP customer: no repair centre available, other sites kept"}, res.Reasons)
}

func TestChooseTechnician(t *testing.T) {
	junior := dr.TechCandidate{TechnicianID: "t-junior"}
	senior := dr.TechCandidate{TechnicianID: "t-senior", Tags: []string{"senior"}}
	p := configured(t, `{"rules":["vip_senior_technicians"]}`)
	vipOrder := dr.Order{CustomerVIP: true}

	res, _, err := choose(p, vipOrder, []dr.TechCandidate{junior, senior})
	require.NoError(t, err)
	require.Equal(t, "t-senior", res.Candidates[0].TechnicianID)
	require.Equal(t, []string{"senior technician for a VIP customer"}, res.Candidates[0].Reasons)
	require.Equal(t, []string{"VIP customer: senior technicians first"}, res.Reasons)

	// A "senior" skill marks a senior as well as a tag does.
	bySkill := dr.TechCandidate{TechnicianID: "t-skilled", Skills: []string{"install", "senior"}}
	res, _, err = choose(p, vipOrder, []dr.TechCandidate{junior, bySkill})
	require.NoError(t, err)
	require.Equal(t, "t-skilled", res.Candidates[0].TechnicianID)

	_, answered, err := choose(p, dr.Order{}, []dr.TechCandidate{junior, senior})
	require.NoError(t, err)
	require.False(t, answered, "not VIP: no answer, the platform's order")
}

// The technicians of every site that came with the sites are ranked: the
// platform uses those of the site kept first.
func TestDecideRanksSitesAndTechnicians(t *testing.T) {
	p := configured(t, `{"rules":["vip_repair_centres_only","vip_senior_technicians"]}`)
	junior := dr.TechCandidate{TechnicianID: "t-junior"}
	senior := dr.TechCandidate{TechnicianID: "t-senior", Tags: []string{"senior"}}
	a, err := p.Decide(context.Background(), dr.Decision{Order: dr.Order{CustomerVIP: true},
		Sites:       []dr.Candidate{weekdayDealer, weekdayCentre},
		Technicians: map[string][]dr.TechCandidate{"dealer-weekdays": {junior}, "centre-weekdays": {junior, senior}}})
	require.NoError(t, err)
	require.Equal(t, []string{"centre-weekdays"}, ids(a.Sites))
	require.Equal(t, "t-senior", a.Technicians["centre-weekdays"].Candidates[0].TechnicianID)
	require.Equal(t, []string{"VIP customer: no senior technician at this site"}, a.Technicians["dealer-weekdays"].Reasons)
}

func TestBadInput(t *testing.T) {
	for _, cfg := range []string{`{"rules":["sundays"]}`, `{"unknown_hours":"maybe"}`, `{"rule":[]}`, `[]`} {
		require.ErrorIs(t, (&plugin{}).Configure(context.Background(), json.RawMessage(cfg)), sdk.ErrBadRequest, cfg)
	}
	p := configured(t, `{"rules":["sunday_open_only"]}`)
	for _, o := range []dr.Order{{TimeZone: "Asia/Shanghai"}, {At: sundayInShanghai, TimeZone: "Mars/Olympus"}, {At: sundayInShanghai}} {
		_, err := rank(p, o, all)
		require.ErrorIs(t, err, sdk.ErrBadRequest)
	}
	_, err := (&plugin{}).Decide(context.Background(), dr.Decision{})
	require.ErrorIs(t, err, sdk.ErrBadRequest, "not configured")
}
