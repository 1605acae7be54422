package dispatch

import (
	"context"
	"fmt"
	"maps"
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
func callRules[R any](ctx context.Context, r Rules, call func() (R, error)) (out R, fallback string) {
	type answer struct {
		out R
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
	var zero R
	if _, ok := r.(DeadlineKeeper); ok {
		run()
		if a = <-ch; a.err != nil && ctx.Err() != nil {
			return zero, late(ctx)
		}
	} else {
		go run()
		select {
		case a = <-ch:
		case <-ctx.Done():
			select {
			case a = <-ch: // answered at the deadline: take it
			default:
				return zero, late(ctx)
			}
		}
	}
	if a.err != nil {
		return zero, "tenant rules failed (" + a.err.Error() + "); built-in ranking used"
	}
	return a.out, ""
}

func late(ctx context.Context) string {
	return "tenant rules did not answer in time (" + context.Cause(ctx).Error() + "); built-in ranking used"
}

// Ranked are the fields of a candidate (site or technician) that a rules'
// answer touches, for code that handles both kinds alike.
type Ranked struct {
	ID       uuid.UUID
	Eligible *bool
	Score    *float64
	Reasons  *[]string
	Codes    *[]ReasonCode
}

// applyAnswer lays the rules' answer over the engine's own candidates: got
// must name each candidate at most once and no other. A candidate kept
// takes the answer's score (unless not a number) and reasons after the
// engine's; one the answer names as not eligible, or leaves out, is
// dropped, "excluded: by tenant rules" followed by the reasons the answer
// gave. kept follows the answer, dropped the engine's order.
func applyAnswer[T any](own, got []T, fields func(*T) Ranked) (kept, dropped []T, problem string) {
	// Answers mostly keep the engine's order: a candidate is looked for at
	// its own position first, through a map only when it is not there.
	var at map[uuid.UUID]int
	find := func(k int, id uuid.UUID) (int, bool) {
		for _, i := range [...]int{k, k - 1, k + 1} { // kept in place, or one dropped or moved up before it
			if i >= 0 && i < len(own) && fields(&own[i]).ID == id {
				return i, true
			}
		}
		if at == nil {
			at = make(map[uuid.UUID]int, len(own))
			for i := range own {
				at[fields(&own[i]).ID] = i
			}
		}
		i, ok := at[id]
		return i, ok
	}
	const unused, excluded, used = 0, 1, 2
	state := make([]uint8, len(own))
	var merged map[int][]string // the reasons of the candidates excluded by name
	kept = make([]T, 0, min(len(got), len(own)))
	for k := range got {
		g := fields(&got[k])
		i, ok := find(k, g.ID)
		switch {
		case !ok:
			return nil, nil, fmt.Sprintf("tenant rules answered with %s, which was not a candidate; built-in ranking used", g.ID)
		case state[i] != unused:
			return nil, nil, fmt.Sprintf("tenant rules answered with %s twice; built-in ranking used", g.ID)
		}
		c := own[i]
		f := fields(&c)
		if !*g.Eligible {
			if merged == nil {
				merged = map[int][]string{}
			}
			state[i], merged[i] = excluded, addedReasons(*f.Reasons, *g.Reasons)
			continue
		}
		state[i] = used
		if !math.IsNaN(*g.Score) && !math.IsInf(*g.Score, 0) {
			*f.Score = *g.Score
		}
		if add := addedReasons(*f.Reasons, *g.Reasons); len(add) > 0 {
			*f.Reasons = slices.Concat(*f.Reasons, add)
		}
		kept = append(kept, c)
	}
	if len(kept) < len(own) {
		dropped = make([]T, 0, len(own)-len(kept))
		for i := range own {
			if state[i] == used {
				continue
			}
			c := own[i]
			f := fields(&c)
			*f.Eligible, *f.Score = false, 0
			if len(*f.Codes) == len(*f.Reasons) { // the engine's reasons only: the next one is the engine's too
				*f.Codes = append(slices.Clip(*f.Codes), ReasonExcludedByRules)
			}
			*f.Reasons = slices.Concat(*f.Reasons, []string{droppedByRules}, merged[i])
			dropped = append(dropped, c)
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

// addedReasons are the answer's reasons past the engine's when it kept
// them as a prefix (the contract), all of them otherwise.
func addedReasons(own, got []string) []string {
	if len(got) >= len(own) && slices.Equal(got[:len(own)], own) {
		return got[len(own):]
	}
	return got
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

// SiteFields are c's Ranked fields.
func SiteFields(c *Candidate) Ranked {
	return Ranked{c.SiteID, &c.Eligible, &c.Score, &c.Reasons, &c.Codes}
}

// TechFields are c's Ranked fields.
func TechFields(c *TechCandidate) Ranked {
	return Ranked{c.TechnicianID, &c.Eligible, &c.Score, &c.Reasons, &c.Codes}
}

// rerankSites asks the tenant rules to rerank the eligible candidates.
// On any failure it returns them unchanged with the fallback reason.
func rerankSites(ctx context.Context, r Rules, o Order, eligible []Candidate) (kept, dropped []Candidate, fallback string) {
	return rerank(ctx, r, o, eligible, SiteFields, func(o Order, in []Candidate) ([]Candidate, error) { return r.Rerank(ctx, o, in) })
}

// rerankTechnicians is rerankSites for Rules.ChooseTechnician.
func rerankTechnicians(ctx context.Context, r Rules, o Order, siteID uuid.UUID, eligible []TechCandidate) (kept, dropped []TechCandidate, fallback string) {
	return rerank(ctx, r, o, eligible, TechFields, func(o Order, in []TechCandidate) ([]TechCandidate, error) {
		return r.ChooseTechnician(ctx, o, siteID, in)
	})
}

func rerank[T any](ctx context.Context, r Rules, o Order, eligible []T, fields func(*T) Ranked, call func(Order, []T) ([]T, error)) (kept, dropped []T, fallback string) {
	in := eligible
	if _, ok := r.(DeadlineKeeper); !ok {
		in, o = cloneAll(eligible, func(c *T) *[]string { return fields(c).Reasons }), cloneOrder(o)
	}
	got, fallback := callRules(ctx, r, func() ([]T, error) { return call(o, in) })
	if fallback != "" {
		return eligible, nil, fallback
	}
	return obey(eligible, got, fields)
}

// obey lays the rules' answer got over eligible (applyAnswer), or returns
// eligible unchanged with the fallback when the answer is invalid.
func obey[T any](eligible, got []T, fields func(*T) Ranked) (kept, dropped []T, fallback string) {
	if kept, dropped, fallback = applyAnswer(eligible, got, fields); fallback != "" {
		return eligible, nil, fallback
	}
	return kept, dropped, ""
}

// techsAhead are the eligible technicians of a decision's first sites,
// ranked before the site choice for RulesWithTechnicians (without their
// reasons, which only the chosen site's need), and the rules' answers.
type techsAhead struct {
	eligible map[uuid.UUID][]TechCandidate
	answers  map[uuid.UUID][]TechCandidate
}

// rankTechniciansAhead ranks the technicians of the first
// RulesTechnicianSites of eligible that let the platform assign and have
// eligible technicians.
func rankTechniciansAhead(n *Network, o Order, eligible []Candidate) *techsAhead {
	a := &techsAhead{eligible: make(map[uuid.UUID][]TechCandidate, min(len(eligible), RulesTechnicianSites))}
	for _, c := range eligible[:min(len(eligible), RulesTechnicianSites)] {
		if si := n.byID[c.SiteID]; n.sites[si].AutoAssign {
			if tr := rankTechnicians(n, si, o, false); tr.eligible > 0 {
				a.eligible[c.SiteID] = tr.ranking[:tr.eligible:tr.eligible]
			}
		}
	}
	return a
}

// answer returns the rules' answer for siteID's technicians, when they
// were sent ahead and answered. The chosen site's technicians are ranked
// again, with their reasons, in the same order.
func (a *techsAhead) answer(siteID uuid.UUID) ([]TechCandidate, bool) {
	if a == nil {
		return nil, false
	}
	if _, sent := a.eligible[siteID]; !sent {
		return nil, false
	}
	got, ok := a.answers[siteID]
	return got, ok
}

// rerankSitesWithTechnicians is rerankSites for RulesWithTechnicians: the
// technicians ranked ahead go with the sites, and their answers are kept
// in ahead for the technician choice. An invalid site answer discards
// them too: the technician choice then asks the rules again.
func rerankSitesWithTechnicians(ctx context.Context, r RulesWithTechnicians, o Order, eligible []Candidate, ahead *techsAhead) (kept, dropped []Candidate, fallback string) {
	in, techs := eligible, ahead.eligible
	if _, ok := r.(DeadlineKeeper); !ok {
		techs = maps.Clone(techs)
		in, o = cloneAll(eligible, func(c *Candidate) *[]string { return &c.Reasons }), cloneOrder(o)
		for id, ts := range techs {
			techs[id] = cloneAll(ts, func(c *TechCandidate) *[]string { return &c.Reasons })
		}
	}
	type answer struct {
		sites []Candidate
		techs map[uuid.UUID][]TechCandidate
	}
	got, fallback := callRules(ctx, r, func() (answer, error) {
		sites, techs, err := r.RerankWithTechnicians(ctx, o, in, techs)
		return answer{sites, techs}, err
	})
	if fallback != "" {
		return eligible, nil, fallback
	}
	if kept, dropped, fallback = obey(eligible, got.sites, SiteFields); fallback == "" {
		ahead.answers = got.techs
	}
	return kept, dropped, fallback
}
