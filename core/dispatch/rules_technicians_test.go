package dispatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// jointRules are fakeRules that also take the sites and technicians in one
// call; they count the calls of each method.
type jointRules struct {
	fakeRules
	joint                 func(cs []Candidate, techs map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error)
	joints, reranks, tech *atomic.Int32
}

func newJointRules(joint func([]Candidate, map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error)) jointRules {
	j := jointRules{joint: joint, joints: new(atomic.Int32), reranks: new(atomic.Int32), tech: new(atomic.Int32)}
	j.fakeRules = fakeRules{
		rerank: func(_ context.Context, cs []Candidate) ([]Candidate, error) { j.reranks.Add(1); return cs, nil },
		tech:   func(_ context.Context, cs []TechCandidate) ([]TechCandidate, error) { j.tech.Add(1); return cs, nil },
	}
	return j
}

func (j jointRules) RerankWithTechnicians(_ context.Context, _ Order, cs []Candidate, techs map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
	j.joints.Add(1)
	return j.joint(cs, techs)
}

type keeperJointRules struct{ jointRules }

func (keeperJointRules) KeepsDeadline() {}

// jointNetwork has seven eligible sites s0…s6, best first, each with two
// available technicians; s1 assigns its own.
func jointNetwork(t *testing.T) *Network {
	var sites []Site
	var techs []Technician
	for k := range 7 {
		name := fmt.Sprint("s", k)
		sites = append(sites, site(name, float64(1+k), 0, 30, func(s *Site) { s.AutoAssign = k != 1 }))
		for j := range 2 {
			techs = append(techs, Technician{ID: id(fmt.Sprint(name, "-t", j)), SiteID: id(name), Status: TechAvailable, OpenWorkload: j})
		}
	}
	return mustNetwork(t, sites, techs)
}

// moveFirst answers with site first, the others after it in the engine's
// order, and for each site given technicians their reverse order, the
// first with a reason.
func moveFirst(site string) func([]Candidate, map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
	return func(cs []Candidate, techs map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
		i := slices.IndexFunc(cs, func(c Candidate) bool { return c.SiteID == id(site) })
		out := append([]Candidate{cs[i]}, slices.Delete(slices.Clone(cs), i, i+1)...)
		answers := map[uuid.UUID][]TechCandidate{}
		for sid, ts := range techs {
			ts = slices.Clone(ts)
			slices.Reverse(ts)
			ts[0].Reasons = append(ts[0].Reasons, "tenant: the rules' pick")
			answers[sid] = ts
		}
		return out, answers, nil
	}
}

// TestRulesWithTechniciansDecideInOneCall: rules that take the technicians
// with the sites get those of the first sites that assign, and the engine
// takes their technician answer for the site chosen: one call.
func TestRulesWithTechniciansDecideInOneCall(t *testing.T) {
	t.Parallel()
	n := jointNetwork(t)
	for name, wrap := range map[string]func(jointRules) Rules{
		"goroutine":       func(j jointRules) Rules { return j },
		"deadline keeper": func(j jointRules) Rules { return keeperJointRules{j} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var sent map[uuid.UUID][]TechCandidate
			j := newJointRules(func(cs []Candidate, techs map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
				sent = map[uuid.UUID][]TechCandidate{} // a copy: the engine writes its answer over its own
				for sid, ts := range techs {
					sent[sid] = slices.Clone(ts)
					for i := range ts {
						if len(ts[i].Reasons) > 0 { // not require: this may run on the rules' goroutine
							t.Errorf("technician sent with reasons %v", ts[i].Reasons)
						}
						sent[sid][i].Reasons = nil
					}
				}
				return moveFirst("s3")(cs, techs)
			})
			d, err := Engine{Rules: wrap(j)}.Decide(context.Background(), n, order())
			require.NoError(t, err)
			require.Empty(t, d.Fallback)
			require.Empty(t, d.Technician.Fallback)
			require.Equal(t, id("s3"), *d.Chosen)
			require.Equal(t, id("s3-t1"), *d.Technician.Chosen, "the rules' technician order")
			require.Equal(t, "tenant: the rules' pick", d.Technician.Ranking[0].Reasons[len(d.Technician.Ranking[0].Reasons)-1])
			require.EqualValues(t, 1, j.joints.Load())
			require.Zero(t, j.reranks.Load())
			require.Zero(t, j.tech.Load(), "no call of its own for the technicians")

			require.Len(t, sent, RulesTechnicianSites-1, "the first sites' technicians, but s1's, which assigns its own")
			require.NotContains(t, sent, id("s1"))
			require.Contains(t, sent, id("s4"))
			require.NotContains(t, sent, id("s5"))
			builtin, err := Engine{}.ChooseTechnician(context.Background(), n, id("s3"), order())
			require.NoError(t, err)
			for i := range builtin.Ranking {
				builtin.Ranking[i].Reasons, builtin.Ranking[i].Codes = nil, nil
			}
			require.Equal(t, builtin.Ranking, sent[id("s3")], "the built-in ranking's eligible technicians, without reasons")
		})
	}
}

// TestRulesWithTechniciansFallBackToChooseTechnician: without a valid
// answer for the chosen site's technicians, the engine asks
// ChooseTechnician as it does any Rules; a failed call falls back as
// Rerank's does.
func TestRulesWithTechniciansFallBackToChooseTechnician(t *testing.T) {
	t.Parallel()
	n := jointNetwork(t)
	builtin, err := Engine{}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	for _, tc := range []struct {
		name                   string
		joint                  func([]Candidate, map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error)
		chosen                 string
		fallback, techFallback string
		techCalls              int32
	}{
		{"a site beyond the first ones", moveFirst("s6"), "s6", "", "", 1},
		{"no technician answer", func(cs []Candidate, _ map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
			return cs, nil, nil
		}, "s0", "", "", 1},
		{"the call fails", func([]Candidate, map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
			return nil, nil, errors.New("ERP unreachable")
		}, "s0", "tenant rules failed (ERP unreachable); built-in ranking used", "", 1},
		{"an invalid site answer", func(cs []Candidate, techs map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
			return append(cs, cs[0]), techs, nil
		}, "s0", "tenant rules answered with " + id("s0").String() + " twice; built-in ranking used", "", 1},
		{"an invalid technician answer", func(cs []Candidate, techs map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error) {
			return cs, map[uuid.UUID][]TechCandidate{id("s0"): {{TechnicianID: id("stranger")}}}, nil
		}, "s0", "", "tenant rules answered with " + id("stranger").String() + ", which was not a candidate; built-in ranking used", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := newJointRules(tc.joint)
			d, err := Engine{Rules: j}.Decide(context.Background(), n, order())
			require.NoError(t, err)
			require.Equal(t, tc.fallback, d.Fallback)
			require.Equal(t, tc.techFallback, d.Technician.Fallback)
			require.Equal(t, id(tc.chosen), *d.Chosen)
			require.EqualValues(t, 1, j.joints.Load())
			require.Zero(t, j.reranks.Load())
			require.Equal(t, tc.techCalls, j.tech.Load())
			if tc.chosen == "s0" {
				require.Equal(t, builtin.Technician.Ranking, d.Technician.Ranking, "the built-in technician ranking")
			}
		})
	}
}
