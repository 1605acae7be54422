package dispatchrules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Every field survives the trip through protocol v1, both ways; a field
// added to a struct but not to the conversion fails here.
func TestConversionsRoundTrip(t *testing.T) {
	o := Order{
		ID: "o", ProductLine: "pl", ProductModel: "pm", UnitSerial: "sn", ServiceType: "st", Skills: []string{"s"},
		SellingDealerSiteID: "d", PreferredSiteID: "p", CustomerVIP: true, CustomerTags: []string{"t"},
		Location: Point{Lat: 1.5, Lon: -2.5}, CreatedAt: time.Unix(1, 2).UTC(), At: time.Unix(3, 4).UTC(), TimeZone: "Asia/Shanghai",
	}
	require.Equal(t, o, orderFrom(orderTo(o)))
	require.Equal(t, Order{}, orderFrom(nil))

	c := Candidate{SiteID: "s", Name: "n", Kind: Dealer, DistanceKm: 1, Score: 2,
		Components: Components{Distance: 3, Load: 4, Reputation: 5, SLARisk: 6},
		Opening:    []Opening{{Day: time.Saturday, From: "08:00", To: "17:00"}}, Tags: []string{"x"}, Reasons: []string{"r"}}
	require.Equal(t, []Candidate{c, {SiteID: "2"}}, mapSlice(candidatesTo([]Candidate{c, {SiteID: "2"}}), candidateFrom))
	require.Nil(t, candidatesTo(nil))

	tc := TechCandidate{TechnicianID: "t", Name: "n", Status: TechBusy, Skills: []string{"s"}, Tags: []string{"g"},
		DistanceKm: 1, LocationFrom: "site", Score: 2, Components: TechComponents{Skills: 3, Distance: 4, Workload: 5}, Reasons: []string{"r"}}
	require.Equal(t, tc, techFrom(techTo(tc)))

	e := Exclusion{ID: "i", Reason: "r"}
	require.Equal(t, e, exclusionFrom(exclusionTo(e)))
}

func TestOpenOn(t *testing.T) {
	c := Candidate{Opening: []Opening{{Day: time.Sunday, From: "09:00", To: "12:00"}}}
	require.True(t, c.OpenOn(time.Sunday))
	require.False(t, c.OpenOn(time.Monday))
	require.False(t, Candidate{}.OpenOn(time.Sunday))
}

// An answer carries ID, score and reasons; the rest is the request's, and
// an ID the request did not have comes back bare for the platform to
// reject. Reasons kept as a prefix travel back as the appended ones only.
func TestRankedRoundTrip(t *testing.T) {
	sent := []Candidate{{SiteID: "a", Name: "A", Kind: Dealer, Score: 0.5, Reasons: []string{"near", "light load"}}, {SiteID: "b", Name: "B", Reasons: []string{"far"}}}
	byID := sentReasons(sent, siteID, candidateReasons)

	answer := rankedAll([]Candidate{
		{SiteID: "b", Score: 0.9, Reasons: []string{"rule says so"}},
		{SiteID: "x", Score: 1},
		{SiteID: "a", Score: 0.5, Reasons: []string{"near", "light load", "kept"}},
	}, rankedSite, byID)
	replaced, kept := answer[0], answer[2]
	require.True(t, kept.Appended)
	require.Equal(t, []string{"kept"}, kept.Reasons, "only the appended reason travels")
	require.False(t, replaced.Appended)
	require.Equal(t, "x", answer[1].Id)

	got := rankedFrom(answer, sent, siteID,
		func(c Candidate) []string { return c.Reasons },
		func(id string, score float64, reasons []string, c Candidate) Candidate {
			c.SiteID, c.Score, c.Reasons = id, score, reasons
			return c
		})
	require.Equal(t, []Candidate{
		{SiteID: "b", Name: "B", Score: 0.9, Reasons: []string{"rule says so"}},
		{SiteID: "x", Score: 1},
		{SiteID: "a", Name: "A", Kind: Dealer, Score: 0.5, Reasons: []string{"near", "light load", "kept"}},
	}, got)
	require.Equal(t, []string{"near", "light load"}, sent[0].Reasons, "the request is not written to")
	require.Nil(t, rankedFrom(nil, sent, siteID, nil, nil))
}

// A rule that rewrote a request's reason in place did not keep it: the
// answer carries its reasons whole.
func TestRewrittenReasonTravelsWhole(t *testing.T) {
	c := Candidate{SiteID: "a", Reasons: []string{"near"}}
	byID := sentReasons([]Candidate{c}, siteID, func(c Candidate) []string { return c.Reasons })
	c.Reasons[0] = "rewritten"
	r := rankedAll([]Candidate{c}, rankedSite, byID)[0]
	require.False(t, r.Appended)
	require.Equal(t, []string{"rewritten"}, r.Reasons)
}
