package dispatchrules

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// decider answers with what it was given, and records the decision.
type decider struct {
	got    Decision
	answer func(Decision) Answer
}

func (*decider) Configure(context.Context, json.RawMessage) error { return nil }
func (d *decider) Decide(_ context.Context, dec Decision) (Answer, error) {
	d.got = dec
	return d.answer(dec), nil
}

// A Decider serves protocol v1: Rank is a decision without technicians,
// ChooseTechnician one without sites, whose technicians keep their order
// when the answer leaves the site out.
func TestDecidePluginServesV1(t *testing.T) {
	sites := []Candidate{{SiteID: "a"}, {SiteID: "b"}}
	techs := []TechCandidate{{TechnicianID: "t1"}, {TechnicianID: "t2"}}
	d := &decider{answer: func(dec Decision) Answer {
		if len(dec.Sites) == 0 {
			return Answer{}
		}
		return Answer{Sites: dec.Sites[1:], Excluded: []Exclusion{{ID: "a", Reason: "closed"}}, Reasons: []string{"r"}}
	}}
	p := decidePlugin{d}
	res, err := p.Rank(context.Background(), RankRequest{Order: Order{ID: "o"}, Candidates: sites})
	require.NoError(t, err)
	require.Equal(t, RankResponse{Candidates: sites[1:], Excluded: []Exclusion{{ID: "a", Reason: "closed"}}, Reasons: []string{"r"}}, res)
	require.Equal(t, Decision{Order: Order{ID: "o"}, Sites: sites}, d.got)

	tres, err := p.ChooseTechnician(context.Background(), TechnicianRequest{Order: Order{ID: "o"}, SiteID: "b", Candidates: techs})
	require.NoError(t, err)
	require.Equal(t, TechnicianResponse{Candidates: techs}, tres, "no answer for the site: the platform's order")
	require.Equal(t, Decision{Order: Order{ID: "o"}, Technicians: map[string][]TechCandidate{"b": techs}}, d.got)

	d.answer = func(dec Decision) Answer {
		return Answer{Technicians: map[string]TechnicianResponse{"b": {Candidates: techs[1:], Reasons: []string{"t2 only"}}}}
	}
	tres, err = p.ChooseTechnician(context.Background(), TechnicianRequest{SiteID: "b", Candidates: techs})
	require.NoError(t, err)
	require.Equal(t, TechnicianResponse{Candidates: techs[1:], Reasons: []string{"t2 only"}}, tres)
}
