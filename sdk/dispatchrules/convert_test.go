package dispatchrules

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Every field survives the trip through the protocol, both ways. The
// structs are filled by reflection, so a field added to one but not to
// its .proto message and both conversions fails here.
func TestConversionsRoundTrip(t *testing.T) {
	var o Order
	fill(t, &o)
	require.Equal(t, o, orderFrom(orderTo(o)))
	require.Equal(t, Order{}, orderFrom(nil))

	var c Candidate
	fill(t, &c)
	require.Equal(t, []Candidate{c, {SiteID: "2"}}, mapSlice(candidatesTo([]Candidate{c, {SiteID: "2"}}), candidateFrom))
	require.Nil(t, candidatesTo(nil))

	var tc TechCandidate
	fill(t, &tc)
	require.Equal(t, []TechCandidate{tc, {TechnicianID: "2"}}, mapSlice(techniciansTo([]TechCandidate{tc, {TechnicianID: "2"}}), techFrom))
	require.Nil(t, techniciansTo(nil))

	var e Exclusion
	fill(t, &e)
	require.Equal(t, e, exclusionFrom(exclusionTo(e)))
}

// fill sets every field of *p, recursively, to a value that is not its
// zero value and that the protocol carries (a time in UTC, a weekday).
func fill(t *testing.T, p any) {
	n := 0
	var set func(v reflect.Value)
	set = func(v reflect.Value) {
		n++
		switch {
		case v.Type() == reflect.TypeFor[time.Time]():
			v.Set(reflect.ValueOf(time.Unix(int64(n), int64(n)).UTC()))
			return
		case v.Type() == reflect.TypeFor[time.Weekday]():
			v.SetInt(int64(time.Saturday))
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(fmt.Sprint(v.Type().Name(), n))
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Float64:
			v.SetFloat(float64(n) + 0.5)
		case reflect.Int, reflect.Int32, reflect.Int64:
			v.SetInt(int64(n))
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			set(v.Index(0))
		case reflect.Struct:
			for i := range v.NumField() {
				set(v.Field(i))
			}
		default:
			t.Fatalf("fill: a %s field: teach fill (and the protocol) its kind", v.Type())
		}
	}
	set(reflect.ValueOf(p).Elem())
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
