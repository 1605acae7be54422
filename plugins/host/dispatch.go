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
// that a decision needs one lookup (a v1 plugin's ChooseTechnician, or a
// technicians' call after a v2 Decide, reuses it). An error
// fails the rules call, so the built-in ranking is used. The facts are
// the store's own, read as they are (no copy to drop a field from).
type DispatchFactsFunc func(ctx context.Context, o dispatch.Order, sites []uuid.UUID) (*core.DispatchFacts, error)

// DispatchRules returns the binding's rules as the dispatch engine's seam
// (a dispatch.RulesWithTechnicians). A plugin speaking protocol v2 gets one
// Decide call per decision, with the sites and the technicians of the
// first ones; a v1 plugin gets Rank, then ChooseTechnician for the chosen
// site. Each call runs under DispatchTimeout (or the caller's earlier
// deadline); an error, a timeout, an open breaker or an invalid answer
// makes the engine use its built-in ranking and record why. Unlike CTI and
// Parts it returns the rules even while the breaker is open or the plugin
// backs off after a crash: their calls then fail at once, so that every
// decision records that it fell back and why. It errs only for a binding
// of another kind.
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
// after a decision's first call) it returns those the last lookup found
// for the same order when they cover the sites (the chosen site is one of
// the first call's candidates, and its technicians came with it); a
// decision's first call always looks them up afresh.
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

// Rerank implements dispatch.Rules: a Rank call (a Decide call without
// technicians for a plugin speaking protocol v2).
func (r *rulesClient) Rerank(ctx context.Context, o dispatch.Order, cs []dispatch.Candidate) ([]dispatch.Candidate, error) {
	var out []dispatch.Candidate
	err := r.i.call(ctx, "Rank", r.i.h.opts.DispatchTimeout, func(ctx context.Context, raw any) error {
		order, sites, _, err := r.sites(ctx, o, cs)
		if err != nil {
			return err
		}
		resp, err := raw.(dispatchrules.Plugin).Rank(ctx, dispatchrules.RankRequest{Order: order, Candidates: sites})
		if err != nil {
			return err
		}
		out, err = keptSites(cs, resp)
		return err
	})
	return out, err
}

// RerankWithTechnicians implements dispatch.RulesWithTechnicians. A plugin
// speaking protocol v2 gets the sites and the technicians in one Decide
// call: the engine's decision costs one round trip. A v1 plugin gets a
// Rank call, and the engine asks ChooseTechnician after it. The call is
// named after what it is ("Decide" or "Rank") in metrics and the status.
func (r *rulesClient) RerankWithTechnicians(ctx context.Context, o dispatch.Order, cs []dispatch.Candidate,
	techs map[uuid.UUID][]dispatch.TechCandidate) ([]dispatch.Candidate, map[uuid.UUID][]dispatch.TechCandidate, error) {
	var out []dispatch.Candidate
	var chosen map[uuid.UUID][]dispatch.TechCandidate
	name := func(raw any) string {
		if _, v2 := raw.(dispatchrules.Decider); v2 || raw == nil {
			return "Decide"
		}
		return "Rank"
	}
	err := r.i.callNamed(ctx, name, r.i.h.opts.DispatchTimeout, func(ctx context.Context, raw any) error {
		order, sites, f, err := r.sites(ctx, o, cs)
		if err != nil {
			return err
		}
		d, v2 := raw.(dispatchrules.Decider)
		if !v2 {
			resp, err := raw.(dispatchrules.Plugin).Rank(ctx, dispatchrules.RankRequest{Order: order, Candidates: sites})
			if err != nil {
				return err
			}
			out, err = keptSites(cs, resp)
			return err
		}
		dec := dispatchrules.Decision{Order: order, Sites: sites,
			Technicians: make(map[string][]dispatchrules.TechCandidate, len(techs))}
		for site, ts := range techs {
			dec.Technicians[site.String()] = rulesTechnicians(ts, f)
		}
		a, err := d.Decide(ctx, dec)
		if err != nil {
			return err
		}
		if out, err = keptSites(cs, dispatchrules.RankResponse{Candidates: a.Sites, Excluded: a.Excluded, Reasons: a.Reasons}); err != nil {
			return err
		}
		chosen = chosenTechnicians(out, techs, a.Technicians)
		return nil
	})
	return out, chosen, err
}

// sites looks the facts up for a decision's candidates and turns them into
// the plugin's order and sites.
func (r *rulesClient) sites(ctx context.Context, o dispatch.Order, cs []dispatch.Candidate) (dispatchrules.Order, []dispatchrules.Candidate, *core.DispatchFacts, error) {
	ids := make([]uuid.UUID, len(cs))
	for k, c := range cs {
		ids[k] = c.SiteID
	}
	f, err := r.lookFacts(ctx, o, ids, false)
	if err != nil {
		return dispatchrules.Order{}, nil, nil, err
	}
	sites := make([]dispatchrules.Candidate, len(cs))
	for k, c := range cs {
		sites[k] = rulesCandidate(c, f.Sites[c.SiteID])
	}
	return rulesOrder(o, f), sites, f, nil
}

// ChooseTechnician implements dispatch.Rules: a ChooseTechnician call (a
// Decide call with that site's technicians alone for a plugin speaking
// protocol v2).
func (r *rulesClient) ChooseTechnician(ctx context.Context, o dispatch.Order, siteID uuid.UUID, cs []dispatch.TechCandidate) ([]dispatch.TechCandidate, error) {
	var out []dispatch.TechCandidate
	err := r.i.call(ctx, "ChooseTechnician", r.i.h.opts.DispatchTimeout, func(ctx context.Context, raw any) error {
		f, err := r.lookFacts(ctx, o, []uuid.UUID{siteID}, true)
		if err != nil {
			return err
		}
		req := dispatchrules.TechnicianRequest{Order: rulesOrder(o, f), SiteID: siteID.String(), Candidates: rulesTechnicians(cs, f)}
		resp, err := raw.(dispatchrules.Plugin).ChooseTechnician(ctx, req)
		if err != nil {
			return err
		}
		out, err = keptTechnicians(cs, resp)
		return err
	})
	return out, err
}
