package workorder

import (
	"cmp"
	"context"
	"github.com/aftersales/aftersales/core/district"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

// candidateRadiusKm bounds the sites loaded for a decision: a site whose
// location is farther than this from the address is not considered (no
// service area is that large in practice).
const candidateRadiusKm = 300

// noGeoPoint is the queue reason of a field order without coordinates.
const noGeoPoint = "the address has no geo point; dispatch by hand"

// noDivision is the queue reason of a field order without coordinates whose
// address names no district, city or province the platform knows.
const noDivision = "the address has no geo point and names no district; dispatch by hand"

// locate is where the engine measures from: the order's own coordinate, or
// else the representative point of the district its address names
// (approximate). division is the address's division code ("" when the
// address names none, or names one ambiguously). An order taken from a
// customer address that was parsed when stored (core/customer) keeps that
// address's division and point, approximate or not: they are used as they
// are, without parsing the text again.
func locate(w *core.WorkOrder) (lat, lon *float64, division string, approximate bool) {
	if w.DivisionCode != "" || w.LocationApproximate {
		if w.LocationApproximate && w.Lat == nil {
			return nil, nil, w.DivisionCode, false
		}
		return w.Lat, w.Lon, w.DivisionCode, w.LocationApproximate
	}
	lat, lon = w.Lat, w.Lon
	t := district.Default()
	if p := t.Parse(w.Address); !p.Ambiguous() {
		division = p.Code()
	}
	if lat != nil || division == "" {
		return lat, lon, division, false
	}
	d, ok := t.Lookup(division)
	if !ok || !d.HasPoint {
		return nil, nil, division, false
	}
	return &d.Lat, &d.Lon, division, true
}

// dispatch runs the engine for w and applies its decision: dispatched to
// the chosen site (and assigned to a technician when the site lets the
// platform assign), or queued with the reason. in.SiteID forces a site (a
// dispatcher's override, with in.Reason); the decision then keeps the
// engine's suggestion and records the override as its outcome. weights
// are the tenant's dispatch weights when the caller has them (nil: read
// them); prior is the technician a reassignment took the order from.
func (s *Service) dispatch(ctx context.Context, u core.UnitOfWork, repo Repository, w *core.WorkOrder, in core.ActionInput,
	actor string, weights *dispatch.Weights, prior *uuid.UUID) error {
	overrideSite := in.SiteID
	excluded := w.ExcludedAtIntake
	if w.Version > 1 { // a new order has excluded no site yet but those its intake names
		var err error
		if excluded, err = repo.ExcludedSites(ctx, w.ID); err != nil {
			return err
		}
	}
	lat, lon, division, approximate := locate(w)
	if lat == nil && overrideSite == nil {
		reason := noGeoPoint
		if strings.TrimSpace(w.Address) != "" {
			reason = noDivision
		}
		s.queue(u, repo, w, reason, actor)
		return nil
	}
	now := s.now()
	var order dispatch.Order
	var net *dispatch.Network
	if lat != nil {
		order = dispatch.Order{ID: w.ID, Location: dispatch.Point{Lat: *lat, Lon: *lon}, ProductLine: w.ProductLine,
			Skills: w.Skills, ServiceType: w.ServiceType, At: now, ExcludedSiteIDs: excluded,
			DistrictCode: division, LocationApproximate: approximate}
		var err error
		if net, err = repo.Network(ctx, *lat, *lon, candidateRadiusKm, division, now); err != nil {
			return err
		}
	}
	if weights == nil {
		wt, err := repo.DispatchWeights(ctx)
		if err != nil {
			return err
		}
		weights = &wt
	}
	engine := dispatch.Engine{Weights: *weights}
	if s.rules != nil {
		engine.Rules = s.rules(u)
	}
	var dec dispatch.Decision
	if net != nil {
		var err error
		if dec, err = engine.Decide(ctx, net, order); err != nil {
			return core.Errorf(core.EINVALID, "cannot dispatch: %v", err)
		}
	}
	kept := newDecision(dec, net, now)
	kept.LocationApproximate, kept.DivisionCode = approximate, division
	chosen := dec.Chosen
	kept.Outcome = core.DispatchOutcome{Kind: core.OutcomeEngine, At: now}
	if overrideSite != nil {
		post, err := checkOverrideSite(ctx, repo, *overrideSite)
		if err != nil {
			return err
		}
		chosen = overrideSite
		kept.Outcome = core.DispatchOutcome{Kind: core.OutcomeOverride, SiteName: post.Name,
			By: core.NewDecisionActor(actor, in.ActorName), At: now, Reason: in.Reason}
	}
	if chosen == nil {
		reason := cmp.Or(dec.NoCandidateReason, noSuitableSite)
		kept.Outcome = core.DispatchOutcome{Kind: core.OutcomeQueued, At: now, Reason: reason, ReasonDetail: ExplainNote(reason)}
		repo.UpdateWorkOrder(w.ID, Change{At: now, Decision: kept})
		w.Decision = kept
		s.queue(u, repo, w, reason, actor)
		return nil
	}
	kept.Outcome.SiteID = chosen
	if overrideSite == nil {
		kept.Outcome.SiteName = kept.Suggestion.SiteName
	}
	tech := autoAssigned(ctx, engine, net, dec, *chosen, order)
	if tech != nil {
		kept.Outcome.TechnicianID, kept.Outcome.TechnicianName = tech, net.TechnicianName(*chosen, *tech)
	}
	empty := ""
	repo.UpdateWorkOrder(w.ID, Change{At: now, Bump: true, State: core.StateDispatched, SiteID: chosen, ClearTech: true,
		Decision: kept, QueueReason: &empty})
	payload := map[string]any{"site_id": chosen, "summary": dec.Summary, "engine": dec.Engine, "fallback": dec.Fallback}
	if approximate {
		payload["location_approximate"], payload["division_code"] = true, division
	}
	if overrideSite != nil {
		payload["override_reason"] = in.Reason
	}
	s.record(u, repo, Event{WorkOrderID: w.ID, Type: "dispatched", From: core.StateCreated, To: core.StateDispatched,
		Actor: actor, At: now, Payload: payload})
	w.State, w.SiteID, w.TechnicianID, w.Version, w.Decision = core.StateDispatched, chosen, nil, w.Version+1, kept
	repo.CountTaken(*chosen, now, 1)
	if tech != nil {
		s.assignKnown(u, repo, w, *tech, "auto-assigned by the platform", actor, nil, prior)
	}
	return nil
}

// Queue reasons: when the engine gave none; purchase leads that wait for
// a person to route them.
const (
	noSuitableSite = "no suitable site"
	leadNoGeoPoint = "a purchase lead without a geo point; route it by hand"
	leadNoDealer   = "no dealer near the address; route the lead by hand"
)

// autoAssigned is the technician the platform assigns at the chosen site:
// none when the site assigns its own; the decision's when the site is the
// engine's choice (the tenant rules were asked then), chosen now for a
// dispatcher's. A failure to choose leaves the site to assign, as when no
// technician is eligible.
func autoAssigned(ctx context.Context, engine dispatch.Engine, net *dispatch.Network, dec dispatch.Decision, chosen uuid.UUID,
	order dispatch.Order) *uuid.UUID {
	if net == nil {
		return nil
	}
	if site, ok := net.Site(chosen); !ok || !site.AutoAssign {
		return nil
	}
	td, err := dec.Technician, error(nil)
	if dec.Chosen == nil || *dec.Chosen != chosen {
		td, err = engine.ChooseTechnician(ctx, net, chosen, order)
	}
	if err != nil {
		return nil
	}
	return td.Chosen
}

func checkOverrideSite(ctx context.Context, repo Repository, id uuid.UUID) (SitePost, error) {
	post, err := repo.Site(ctx, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return post, core.FieldError("site_id", "no such site")
	} else if err != nil {
		return post, err
	}
	if post.Status != "active" {
		return post, core.FieldError("site_id", "site is %s", post.Status)
	}
	return post, nil
}

// queue leaves w in the dispatcher queue with the reason.
func (s *Service) queue(u core.UnitOfWork, repo Repository, w *core.WorkOrder, reason, actor string) {
	if reason == "" {
		reason = noSuitableSite
	}
	now := s.now()
	repo.UpdateWorkOrder(w.ID, Change{At: now, Touch: true, QueueReason: &reason})
	s.record(u, repo, Event{WorkOrderID: w.ID, Type: "queued", Actor: actor, At: now, Payload: map[string]any{"reason": reason}})
	w.QueueReason = reason
}

// routeToDealer hands a purchase lead to the nearest active dealer that
// sells the product line (DESIGN §1: leads go to the regional dealer). The
// order stays in state created, without dispatch; the dealer's staff see
// it in their lists and close it. With no dealer near, it waits in the
// queue with the reason.
func (s *Service) routeToDealer(ctx context.Context, u core.UnitOfWork, repo Repository, w *core.WorkOrder, actor string) error {
	if w.Lat == nil {
		s.queue(u, repo, w, leadNoGeoPoint, actor)
		return nil
	}
	site, err := repo.NearestDealer(ctx, *w.Lat, *w.Lon, candidateRadiusKm, w.ProductLine)
	if core.ErrorCode(err) == core.ENOTFOUND {
		s.queue(u, repo, w, leadNoDealer, actor)
		return nil
	} else if err != nil {
		return err
	}
	now := s.now()
	empty := ""
	repo.UpdateWorkOrder(w.ID, Change{At: now, Bump: true, SiteID: &site, QueueReason: &empty})
	w.SiteID = &site
	s.record(u, repo, Event{WorkOrderID: w.ID, Type: "routed", Actor: actor, At: now,
		Payload: map[string]any{"site_id": site, "reason": "nearest dealer for the product line"}})
	return nil
}
