package dispatch

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/google/uuid"
)

// callRules runs call in its own goroutine so that a plugin that ignores its
// context cannot hold the decision past the caller's deadline, and a panic
// in it is recovered. It returns the answer, or a non-empty fallback saying
// why there is none. A call still running at the deadline is abandoned: it
// works on copies, so it can finish later without harm. Rules that keep
// their deadline on their own (DeadlineKeeper) are called on the caller's
// goroutine: a goroutine per call, and the growth of its stack to the
// depth of a gRPC call, were a tenth of a plugin call's cost.
func callRules[T any](ctx context.Context, r Rules, call func() ([]T, error)) (out []T, fallback string) {
	type answer struct {
		out []T
		err error
	}
	ch := make(chan answer, 1)
	run := func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- answer{err: fmt.Errorf("panic: %v", r)}
			}
		}()
		out, err := call()
		ch <- answer{out, err}
	}
	var a answer
	if _, ok := r.(DeadlineKeeper); ok {
		run()
		if a = <-ch; a.err != nil && ctx.Err() != nil {
			return nil, late(ctx)
		}
	} else {
		go run()
		select {
		case a = <-ch:
		case <-ctx.Done():
			select {
			case a = <-ch: // answered at the deadline: take it
			default:
				return nil, late(ctx)
			}
		}
	}
	if a.err != nil {
		return nil, "tenant rules failed (" + a.err.Error() + "); built-in ranking used"
	}
	return a.out, ""
}

func late(ctx context.Context) string {
	return "tenant rules did not answer in time (" + context.Cause(ctx).Error() + "); built-in ranking used"
}

// applyAnswer lays the rules' answer over the engine's own candidates: got
// must name each candidate at most once and no other. merge combines the
// engine's copy with the answer's. dropped keeps the engine's order.
func applyAnswer[T any](own, got []T, id func(T) uuid.UUID, merge func(own, got T) T) (kept, dropped []T, problem string) {
	at := make(map[uuid.UUID]int, len(own))
	for i, c := range own {
		at[id(c)] = i
	}
	used := make([]bool, len(own))
	kept = make([]T, 0, min(len(got), len(own)))
	for _, g := range got {
		i, ok := at[id(g)]
		switch {
		case !ok:
			return nil, nil, fmt.Sprintf("tenant rules answered with %s, which was not a candidate; built-in ranking used", id(g))
		case used[i]:
			return nil, nil, fmt.Sprintf("tenant rules answered with %s twice; built-in ranking used", id(g))
		}
		used[i] = true
		kept = append(kept, merge(own[i], g))
	}
	if len(kept) < len(own) {
		dropped = make([]T, 0, len(own)-len(kept))
		for i, c := range own {
			if !used[i] {
				dropped = append(dropped, c)
			}
		}
	}
	return kept, dropped, ""
}

// relay copies a then b to the start of dst and returns their copies: the
// rules' answer written back over the ranking it reordered.
func relay[T any](dst, a, b []T) (ra, rb []T) {
	n := copy(dst, a)
	m := copy(dst[n:], b)
	return dst[:n:n], dst[n : n+m : n+m]
}

// mergeReasons keeps the engine's reasons and adds the rules' own: the
// answer's reasons past the engine's when it kept them as a prefix (the
// contract), all of them otherwise.
func mergeReasons(own, got []string) []string {
	if len(got) >= len(own) && slices.Equal(got[:len(own)], own) {
		got = got[len(own):]
	}
	if len(got) == 0 {
		return own
	}
	return slices.Concat(own, got)
}

func cloneOrder(o Order) Order {
	o.Skills = slices.Clone(o.Skills)
	o.ExcludedSiteIDs = slices.Clone(o.ExcludedSiteIDs)
	if o.PreferredSiteID != nil {
		p := *o.PreferredSiteID
		o.PreferredSiteID = &p
	}
	return o
}

// cloneAll copies in and each element's reasons, the reasons into one
// backing array (capped per element, so appending to one copies it).
func cloneAll[T any](in []T, reasons func(*T) *[]string) []T {
	out := slices.Clone(in)
	n := 0
	for i := range out {
		n += len(*reasons(&out[i]))
	}
	buf := make([]string, 0, n)
	for i := range out {
		r := reasons(&out[i])
		from := len(buf)
		buf = append(buf, *r...)
		*r = buf[from:len(buf):len(buf)]
	}
	return out
}

const droppedByRules = "excluded: by tenant rules"

// rerankSites asks the tenant rules to rerank the eligible candidates.
// On any failure it returns them unchanged with the fallback reason.
func rerankSites(ctx context.Context, r Rules, o Order, eligible []Candidate) (kept, dropped []Candidate, fallback string) {
	in, oc := eligible, o
	if _, ok := r.(DeadlineKeeper); !ok {
		in, oc = cloneAll(eligible, func(c *Candidate) *[]string { return &c.Reasons }), cloneOrder(o)
	}
	got, fallback := callRules(ctx, r, func() ([]Candidate, error) { return r.Rerank(ctx, oc, in) })
	if fallback != "" {
		return eligible, nil, fallback
	}
	kept, dropped, problem := applyAnswer(eligible, got, func(c Candidate) uuid.UUID { return c.SiteID },
		func(own, got Candidate) Candidate {
			if !math.IsNaN(got.Score) && !math.IsInf(got.Score, 0) {
				own.Score = got.Score
			}
			own.Reasons = mergeReasons(own.Reasons, got.Reasons)
			return own
		})
	if problem != "" {
		return eligible, nil, problem
	}
	for i := range dropped {
		dropped[i].Eligible, dropped[i].Score = false, 0
		dropped[i].Reasons = append(dropped[i].Reasons, droppedByRules)
	}
	return kept, dropped, ""
}

// rerankTechnicians is rerankSites for Rules.ChooseTechnician.
func rerankTechnicians(ctx context.Context, r Rules, o Order, siteID uuid.UUID, eligible []TechCandidate) (kept, dropped []TechCandidate, fallback string) {
	in, oc := eligible, o
	if _, ok := r.(DeadlineKeeper); !ok {
		in, oc = cloneAll(eligible, func(c *TechCandidate) *[]string { return &c.Reasons }), cloneOrder(o)
	}
	got, fallback := callRules(ctx, r, func() ([]TechCandidate, error) { return r.ChooseTechnician(ctx, oc, siteID, in) })
	if fallback != "" {
		return eligible, nil, fallback
	}
	kept, dropped, problem := applyAnswer(eligible, got, func(c TechCandidate) uuid.UUID { return c.TechnicianID },
		func(own, got TechCandidate) TechCandidate {
			if !math.IsNaN(got.Score) && !math.IsInf(got.Score, 0) {
				own.Score = got.Score
			}
			own.Reasons = mergeReasons(own.Reasons, got.Reasons)
			return own
		})
	if problem != "" {
		return eligible, nil, problem
	}
	for i := range dropped {
		dropped[i].Eligible, dropped[i].Score = false, 0
		dropped[i].Reasons = append(dropped[i].Reasons, droppedByRules)
	}
	return kept, dropped, ""
}
