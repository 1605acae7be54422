package host

import (
	"context"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
)

// DispatchFactsFunc looks the facts up for a decision, in the caller's
// context (the tenant transaction): those of the order, of the sites (the
// candidates' IDs) and of the technicians at those sites, in one go, so
// that a decision's Rank and ChooseTechnician need one lookup. An error
// fails the rules call, so the built-in ranking is used. The facts are
// the store's own, read as they are (no copy to drop a field from).
type DispatchFactsFunc func(ctx context.Context, o dispatch.Order, sites []uuid.UUID) (*core.DispatchFacts, error)

// DispatchRules returns the binding's rules as the dispatch engine's seam.
// Each call runs under DispatchTimeout (or the caller's earlier deadline);
// an error, a timeout, an open breaker or an invalid answer makes the
// engine use its built-in ranking and record why. Unlike CTI and Parts it
// returns the rules even while the breaker is open or the plugin backs off
// after a crash: their calls then fail at once, so that every decision
// records that it fell back and why. It errs only for a binding of
// another kind.
func (h *Host) DispatchRules(_ context.Context, b *core.PluginBinding) (dispatch.Rules, error) {
	i, err := h.instanceFor(b, core.PluginDispatchRules, true)
	if err != nil {
		return nil, err
	}
	return &rulesClient{i: i, facts: h.opts.DispatchFacts}, nil
}

// WithFacts returns the rules with their facts looked up by f instead of
// Options.DispatchFacts: the dispatching use case's own unit of work,
// where the order may not be committed yet.
func (r *rulesClient) WithFacts(f DispatchFactsFunc) dispatch.Rules {
	return &rulesClient{i: r.i, facts: f}
}

type rulesClient struct {
	i     *instance
	facts DispatchFactsFunc
	last  atomic.Pointer[lookedUp] // the last decision's facts
}

// lookedUp are the facts looked up for an order's candidate sites.
type lookedUp struct {
	order uuid.UUID
	facts *core.DispatchFacts
}

// lookFacts returns the facts of o and sites. With reuse (ChooseTechnician,
// after a decision's Rank) it returns those the last lookup found for the
// same order when they cover the sites (the chosen site is one of Rank's
// candidates, and its technicians came with it); a decision's Rank always
// looks them up afresh.
func (r *rulesClient) lookFacts(ctx context.Context, o dispatch.Order, sites []uuid.UUID, reuse bool) (*core.DispatchFacts, error) {
	if r.facts == nil {
		return &core.DispatchFacts{}, nil
	}
	if l := r.last.Load(); reuse && l != nil && l.order == o.ID && covers(l.facts, sites) {
		return l.facts, nil
	}
	f, err := r.facts(ctx, o, sites)
	if err != nil {
		return nil, err
	}
	if f == nil {
		f = &core.DispatchFacts{}
	}
	r.last.Store(&lookedUp{order: o.ID, facts: f})
	return f, nil
}

func covers(f *core.DispatchFacts, sites []uuid.UUID) bool {
	for _, id := range sites {
		if _, ok := f.Sites[id]; !ok {
			return false
		}
	}
	return true
}

// KeepsDeadline implements dispatch.DeadlineKeeper: every step of a call
// (the launch, the facts, the plugin call) ends with its context.
func (r *rulesClient) KeepsDeadline() {}

// Rerank implements dispatch.Rules.
func (r *rulesClient) Rerank(ctx context.Context, o dispatch.Order, cs []dispatch.Candidate) ([]dispatch.Candidate, error) {
	var out []dispatch.Candidate
	err := r.i.call(ctx, "Rank", r.i.h.opts.DispatchTimeout, func(ctx context.Context, raw any) error {
		ids := make([]uuid.UUID, len(cs))
		for k, c := range cs {
			ids[k] = c.SiteID
		}
		f, err := r.lookFacts(ctx, o, ids, false)
		if err != nil {
			return err
		}
		req := dispatchrules.RankRequest{Order: rulesOrder(o, f), Candidates: make([]dispatchrules.Candidate, len(cs))}
		for k, c := range cs {
			req.Candidates[k] = rulesCandidate(c, f.Sites[c.SiteID])
		}
		resp, err := raw.(dispatchrules.Plugin).Rank(ctx, req)
		if err != nil {
			return err
		}
		out, err = keptSites(cs, resp)
		return err
	})
	return out, err
}

// ChooseTechnician implements dispatch.Rules.
func (r *rulesClient) ChooseTechnician(ctx context.Context, o dispatch.Order, siteID uuid.UUID, cs []dispatch.TechCandidate) ([]dispatch.TechCandidate, error) {
	var out []dispatch.TechCandidate
	err := r.i.call(ctx, "ChooseTechnician", r.i.h.opts.DispatchTimeout, func(ctx context.Context, raw any) error {
		f, err := r.lookFacts(ctx, o, []uuid.UUID{siteID}, true)
		if err != nil {
			return err
		}
		req := dispatchrules.TechnicianRequest{Order: rulesOrder(o, f), SiteID: siteID.String(),
			Candidates: make([]dispatchrules.TechCandidate, len(cs))}
		for k, c := range cs {
			req.Candidates[k] = rulesTechnician(c, f.Technicians[c.TechnicianID])
		}
		resp, err := raw.(dispatchrules.Plugin).ChooseTechnician(ctx, req)
		if err != nil {
			return err
		}
		out, err = keptTechnicians(cs, resp)
		return err
	})
	return out, err
}
