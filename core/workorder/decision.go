package workorder

import (
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
)

// newDecision is the engine's decision as the order keeps it: the
// suggestion and the rankings, each site and technician named from net
// (nil when the engine did not rank: the order has no geo point). The
// caller sets the outcome.
func newDecision(d dispatch.Decision, net *dispatch.Network, at time.Time) *core.DispatchDecision {
	siteName := func(id uuid.UUID) string { return "" }
	techName := func(site, id uuid.UUID) string { return "" }
	if net != nil {
		siteName, techName = net.SiteName, net.TechnicianName
	}
	out := &core.DispatchDecision{Engine: d.Engine, Fallback: d.Fallback, DecidedAt: at, Summary: d.Summary,
		Suggestion: core.DispatchSuggestion{NoSiteReason: d.NoCandidateReason, NoTechnicianReason: d.Technician.NoTechnicianReason},
		Ranking:    make([]core.SiteCandidate, len(d.Ranking)),
		Technicians: core.TechnicianRanking{Ranking: make([]core.TechnicianCandidate, len(d.Technician.Ranking)),
			Fallback: d.Technician.Fallback}}
	if net == nil {
		out.Suggestion.NoSiteReason = noGeoPoint
	}
	out.SummaryDetail, out.FallbackDetail = ExplainNote(out.Summary), ExplainNote(out.Fallback)
	out.Suggestion.NoSiteReasonDetail = ExplainNote(out.Suggestion.NoSiteReason)
	out.Suggestion.NoTechnicianReasonDetail = ExplainNote(out.Suggestion.NoTechnicianReason)
	out.Technicians.FallbackDetail = ExplainNote(out.Technicians.Fallback)
	for i, c := range d.Ranking {
		out.Ranking[i] = core.SiteCandidate{SiteID: c.SiteID, SiteName: siteName(c.SiteID), Kind: string(c.Kind),
			Eligible: c.Eligible, DistanceKm: c.DistanceKm, Score: c.Score, Reasons: nonNil(c.Reasons),
			ReasonDetails: reasonDetails(c.Reasons, c.Codes),
			Components: core.SiteScores{Distance: c.Components.Distance, Load: c.Components.Load,
				Reputation: c.Components.Reputation, SLARisk: c.Components.SLARisk}}
	}
	if d.Chosen != nil {
		site := *d.Chosen
		out.Suggestion.SiteID, out.Suggestion.SiteName = &site, siteName(site)
		out.Technicians.SiteID, out.Technicians.SiteName = &site, siteName(site)
		if t := d.Technician.Chosen; t != nil {
			tech := *t
			out.Suggestion.TechnicianID, out.Suggestion.TechnicianName = &tech, techName(site, tech)
		}
	}
	for i, c := range d.Technician.Ranking {
		out.Technicians.Ranking[i] = core.TechnicianCandidate{TechnicianID: c.TechnicianID,
			TechnicianName: techName(d.Technician.SiteID, c.TechnicianID), Eligible: c.Eligible, Status: string(c.Status),
			DistanceKm: c.DistanceKm, LocationFrom: c.LocationFrom, Score: c.Score, Reasons: nonNil(c.Reasons),
			ReasonDetails: reasonDetails(c.Reasons, c.Codes),
			Components: core.TechnicianScores{Skills: c.Components.Skills, Distance: c.Components.Distance,
				Workload: c.Components.Workload}}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// withOutcome returns w's decision with its outcome changed by set, and
// keeps it on w; nil when w has no decision (nothing dispatched it).
func withOutcome(w *core.WorkOrder, set func(o *core.DispatchOutcome)) *core.DispatchDecision {
	if w.Decision == nil {
		return nil
	}
	d := *w.Decision
	set(&d.Outcome)
	w.Decision = &d
	return &d
}

// technicianOutcome is the outcome of a person's setting the order's
// technician (nil: taking it away).
func technicianOutcome(w *core.WorkOrder, tech *uuid.UUID, techName string, in core.ActionInput, actor string,
	at time.Time) *core.DispatchDecision {
	return withOutcome(w, func(o *core.DispatchOutcome) {
		switch {
		case tech == nil:
			o.Kind = core.OutcomeDecline
		case w.TechnicianID != nil && *w.TechnicianID != *tech:
			o.Kind = core.OutcomeReassign
		default:
			o.Kind = core.OutcomeAssign
		}
		o.TechnicianID, o.TechnicianName = tech, techName
		o.By, o.At, o.Reason = core.NewDecisionActor(actor, in.ActorName), at, in.Reason
	})
}
