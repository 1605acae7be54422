package dispatch

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// fakeRules is a tenant plugin made of two functions; nil ones pass the
// candidates through.
type fakeRules struct {
	rerank func(ctx context.Context, cs []Candidate) ([]Candidate, error)
	tech   func(ctx context.Context, cs []TechCandidate) ([]TechCandidate, error)
}

func (f fakeRules) Rerank(ctx context.Context, _ Order, cs []Candidate) ([]Candidate, error) {
	if f.rerank == nil {
		return cs, nil
	}
	return f.rerank(ctx, cs)
}

func (f fakeRules) ChooseTechnician(ctx context.Context, _ Order, _ uuid.UUID, cs []TechCandidate) ([]TechCandidate, error) {
	if f.tech == nil {
		return cs, nil
	}
	return f.tech(ctx, cs)
}

// rulesNetwork has three eligible sites (a, b, c best first), one excluded,
// and three technicians at a.
func rulesNetwork(t *testing.T) *Network {
	return mustNetwork(t, []Site{site("a", 1, 0, 30), site("b", 5, 0, 30), site("c", 9, 0, 30),
		site("closed", 2, 0, 30, func(s *Site) { s.Status = SiteClosed })}, []Technician{
		{ID: id("t1"), SiteID: id("a"), Status: TechAvailable},
		{ID: id("t2"), SiteID: id("a"), Status: TechAvailable, OpenWorkload: 2},
		{ID: id("t3"), SiteID: id("a"), Status: TechBusy},
	})
}

func TestRulesRerankIsObeyed(t *testing.T) {
	t.Parallel()
	n := rulesNetwork(t)
	builtin, err := Engine{}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{id("a"), id("b"), id("c"), id("closed")}, ids(builtin.Ranking))

	reverse := fakeRules{rerank: func(_ context.Context, cs []Candidate) ([]Candidate, error) {
		slices.Reverse(cs)
		for i := range cs {
			cs[i].Reasons = append(cs[i].Reasons, "tenant: prefer the outskirts")
			cs[i].Score = float64(i)
		}
		return cs[:2], nil // keeps c then b, drops a
	}}
	d, err := Engine{Rules: reverse}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Empty(t, d.Fallback)
	require.Equal(t, EngineVersion+"+rules", d.Engine)
	require.Equal(t, id("c"), *d.Chosen)
	require.Equal(t, []uuid.UUID{id("c"), id("b"), id("a"), id("closed")}, ids(d.Ranking))
	require.Equal(t, append(slices.Clone(builtin.Ranking[2].Reasons), "tenant: prefer the outskirts"), d.Ranking[0].Reasons)
	require.Equal(t, 1.0, d.Ranking[1].Score)
	a := d.Ranking[2]
	require.False(t, a.Eligible)
	require.Equal(t, droppedByRules, a.Reasons[len(a.Reasons)-1])
	require.Equal(t, builtin.Ranking[0].DistanceKm, a.DistanceKm, "fields other than Score and Reasons are the engine's")
}

func TestRulesRejectingAllLeavesNoCandidate(t *testing.T) {
	t.Parallel()
	none := fakeRules{rerank: func(context.Context, []Candidate) ([]Candidate, error) { return nil, nil }}
	d, err := Engine{Rules: none}.Decide(context.Background(), rulesNetwork(t), order())
	require.NoError(t, err)
	require.Nil(t, d.Chosen)
	require.Equal(t, "tenant rules rejected every candidate", d.NoCandidateReason)
	require.Len(t, d.Ranking, 4)
}

// TestRulesFallback: a plugin that errs, panics, outlives the deadline or
// answers with sites it was not given leaves the built-in ranking in place,
// with Fallback saying why.
func TestRulesFallback(t *testing.T) {
	t.Parallel()
	n := rulesNetwork(t)
	builtin, err := Engine{}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	stranger := Candidate{SiteID: id("stranger")}
	tests := []struct {
		name         string
		rerank       func(ctx context.Context, cs []Candidate) ([]Candidate, error)
		timeout      time.Duration
		wantFallback string
	}{
		{"error", func(context.Context, []Candidate) ([]Candidate, error) { return nil, errors.New("ERP unreachable") },
			0, "tenant rules failed (ERP unreachable); built-in ranking used"},
		{"panic", func(context.Context, []Candidate) ([]Candidate, error) { panic("index out of range") },
			0, "tenant rules failed (panic: index out of range); built-in ranking used"},
		{"ignores the deadline", func(_ context.Context, cs []Candidate) ([]Candidate, error) {
			time.Sleep(300 * time.Millisecond)
			cs[0].Reasons[0] = "written after the deadline" // on its own copy: no race with the caller
			return cs, nil
		}, 20 * time.Millisecond, "tenant rules did not answer in time (context deadline exceeded); built-in ranking used"},
		{"honours the deadline", func(ctx context.Context, cs []Candidate) ([]Candidate, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}, 20 * time.Millisecond, "context deadline exceeded"},
		{"context already over", func(_ context.Context, cs []Candidate) ([]Candidate, error) {
			time.Sleep(50 * time.Millisecond)
			return cs, nil
		}, -1, "did not answer in time"},
		{"answers with a stranger", func(_ context.Context, cs []Candidate) ([]Candidate, error) {
			return append(cs, stranger), nil
		}, 0, "tenant rules answered with " + id("stranger").String() + ", which was not a candidate; built-in ranking used"},
		{"answers twice with one site", func(_ context.Context, cs []Candidate) ([]Candidate, error) {
			return []Candidate{cs[1], cs[1]}, nil
		}, 0, "tenant rules answered with " + id("b").String() + " twice; built-in ranking used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.timeout != 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, max(tt.timeout, 0))
				defer cancel()
			}
			d, err := Engine{Rules: fakeRules{rerank: tt.rerank}}.Decide(ctx, n, order())
			require.NoError(t, err)
			require.Contains(t, d.Fallback, tt.wantFallback)
			require.Equal(t, EngineVersion, d.Engine)
			// With the context over, the technician rules fall back too.
			d.Fallback, d.Technician.Fallback = "", ""
			require.Equal(t, builtin, d, "the built-in decision, technician included")
		})
	}
}

func TestRulesChooseTechnician(t *testing.T) {
	t.Parallel()
	n := rulesNetwork(t)
	builtin, err := Engine{}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Equal(t, id("t1"), *builtin.Technician.Chosen)

	last := fakeRules{tech: func(_ context.Context, cs []TechCandidate) ([]TechCandidate, error) {
		return []TechCandidate{cs[len(cs)-1]}, nil
	}}
	d, err := Engine{Rules: last}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Equal(t, id("t3"), *d.Technician.Chosen)
	require.Empty(t, d.Technician.Fallback)
	require.Contains(t, d.Technician.Ranking[1].Reasons, droppedByRules)

	broken := fakeRules{tech: func(context.Context, []TechCandidate) ([]TechCandidate, error) { panic("nil map") }}
	d, err = Engine{Rules: broken}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Equal(t, "tenant rules failed (panic: nil map); built-in ranking used", d.Technician.Fallback)
	d.Technician.Fallback = ""
	require.Equal(t, builtin.Technician, d.Technician)
}

// keeperRules are fakeRules that claim to keep their deadline.
type keeperRules struct{ fakeRules }

func (keeperRules) KeepsDeadline() {}

// TestDeadlineKeeperIsCalledDirectly: the engine waits for rules that keep
// their deadline themselves (an answer a little late is still taken), and
// still turns their errors, panics and deadline into fallbacks.
func TestDeadlineKeeperIsCalledDirectly(t *testing.T) {
	t.Parallel()
	n := rulesNetwork(t)
	for _, tt := range []struct {
		name         string
		rerank       func(ctx context.Context, cs []Candidate) ([]Candidate, error)
		wantFallback string
	}{
		{"answers just after the deadline", func(ctx context.Context, cs []Candidate) ([]Candidate, error) {
			<-ctx.Done()
			time.Sleep(20 * time.Millisecond)
			return cs[1:], nil
		}, ""},
		{"honours the deadline", func(ctx context.Context, _ []Candidate) ([]Candidate, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}, "tenant rules did not answer in time (context deadline exceeded); built-in ranking used"},
		{"panic", func(context.Context, []Candidate) ([]Candidate, error) { panic("nil map") },
			"tenant rules failed (panic: nil map); built-in ranking used"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			d, err := Engine{Rules: keeperRules{fakeRules{rerank: tt.rerank}}}.Decide(ctx, n, order())
			require.NoError(t, err)
			require.Equal(t, tt.wantFallback, d.Fallback)
			if tt.wantFallback == "" {
				require.Equal(t, id("b"), *d.Chosen, "the late answer was taken")
			}
		})
	}
}

// TestRulesExcludeWithReasons: a candidate the rules return as not
// eligible is dropped with their reasons, one they leave out with the
// generic one; both in the engine's order after the kept ones.
func TestRulesExcludeWithReasons(t *testing.T) {
	t.Parallel()
	n := rulesNetwork(t)
	builtin, err := Engine{}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	rules := fakeRules{rerank: func(_ context.Context, cs []Candidate) ([]Candidate, error) {
		closed := cs[2] // c
		closed.Eligible = false
		closed.Reasons = append(closed.Reasons, "closed on Sundays")
		return []Candidate{closed, cs[1]}, nil // keeps b, excludes c by name, leaves a out
	}}
	d, err := Engine{Rules: rules}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Empty(t, d.Fallback)
	require.Equal(t, []uuid.UUID{id("b"), id("a"), id("c"), id("closed")}, ids(d.Ranking))
	require.Equal(t, id("b"), *d.Chosen)
	a, c := d.Ranking[1], d.Ranking[2]
	require.False(t, a.Eligible)
	require.False(t, c.Eligible)
	require.Zero(t, c.Score)
	require.Equal(t, append(slices.Clone(builtin.Ranking[0].Reasons), droppedByRules), a.Reasons)
	require.Equal(t, append(slices.Clone(builtin.Ranking[2].Reasons), droppedByRules, "closed on Sundays"), c.Reasons)

	// Excluding one twice is an invalid answer.
	twice := fakeRules{rerank: func(_ context.Context, cs []Candidate) ([]Candidate, error) {
		x := cs[0]
		x.Eligible = false
		return []Candidate{cs[0], x}, nil
	}}
	d, err = Engine{Rules: twice}.Decide(context.Background(), n, order())
	require.NoError(t, err)
	require.Contains(t, d.Fallback, "twice")
}
