package dispatch

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// techDistanceScaleKm is the distance at which a technician's distance
// component halves: 1/(1 + d/10 km).
const techDistanceScaleKm = 10

// ChooseTechnician ranks the technicians of one site for o and chooses the
// best, whether or not the site lets the platform assign (its staff call
// this to get a suggestion, and a reassignment calls it directly). Errors
// wrap ErrInvalid: o's location or time, or a site not in the network.
func (e Engine) ChooseTechnician(ctx context.Context, n *Network, siteID uuid.UUID, o Order) (TechDecision, error) {
	if err := o.validate(); err != nil {
		return TechDecision{}, err
	}
	si, ok := n.byID[siteID]
	if !ok {
		return TechDecision{}, invalid("site_id", "unknown site %s", siteID)
	}
	return e.chooseTechnician(ctx, n, si, o, true, nil), nil
}

// techAssessed is a technician's candidate entry and where its reasons lie
// in the decision's reasonWriter.
type techAssessed struct {
	TechCandidate
	from, to int
}

// techRanking is a site's built-in technician ranking: the eligible
// technicians (not off, with every required skill) first, available before
// busy, then by score, then nearer, less loaded, ID; then the others.
type techRanking struct {
	ranking        []TechCandidate
	eligible       int // the first entries of ranking that are eligible
	off, unskilled int
}

// rankTechnicians ranks site si's technicians for o; with explain, each
// with its reasons.
func rankTechnicians(n *Network, si int32, o Order, explain bool) techRanking {
	s := &n.sites[si]
	eligible, others := make([]techAssessed, 0, len(n.techs[si])), []techAssessed(nil)
	var w reasonWriter
	if explain { // about five reasons a technician, each with a code and an end
		w.ends, w.codes = make([]int, 0, 6*len(n.techs[si])), make([]ReasonCode, 0, 6*len(n.techs[si]))
	}
	var tr techRanking
	fromSite := siteDistance{site: s.Location}
	for _, t := range n.techs[si] {
		a := techAssessed{from: w.mark()}
		var miss []string
		a.TechCandidate, miss = assessTechnician(t, &fromSite, o)
		if explain {
			explainTechnician(&w, t, &a.TechCandidate, miss, o)
		}
		a.to = w.mark()
		switch {
		case a.Eligible:
			eligible = append(eligible, a)
		case t.Status == TechOff:
			tr.off++
			others = append(others, a)
		default:
			tr.unskilled++
			others = append(others, a)
		}
	}
	slices.SortFunc(eligible, func(a, b techAssessed) int {
		if aa, ba := a.Status == TechAvailable, b.Status == TechAvailable; aa != ba {
			return boolFirst(aa)
		}
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.DistanceKm, b.DistanceKm),
			cmp.Compare(b.Components.Workload, a.Components.Workload), compareIDs(a.TechnicianID, b.TechnicianID))
	})
	// others stay in ID order, the order of n.techs.
	var all []string
	var codes []ReasonCode
	if explain {
		all, codes = w.finish()
	}
	tr.ranking = make([]TechCandidate, 0, len(eligible)+len(others))
	for _, a := range slices.Concat(eligible, others) {
		if explain {
			a.Reasons, a.Codes = all[a.from:a.to:a.to], codes[a.from:a.to:a.to]
		}
		tr.ranking = append(tr.ranking, a.TechCandidate)
	}
	tr.eligible = len(eligible)
	return tr
}

// chooseTechnician ranks site si's technicians and, with assign, lets the
// Rules rerank them: with the answer they gave ahead of the site choice
// when there is one, else in a call of their own. assign false (the site assigns its own technicians) leaves
// Chosen nil and the ranking advisory, without Rules.
func (e Engine) chooseTechnician(ctx context.Context, n *Network, si int32, o Order, assign bool, ahead *techsAhead) TechDecision {
	s := &n.sites[si]
	td := TechDecision{SiteID: s.ID}
	tr := rankTechnicians(n, si, o, true)
	answer, answered := ahead.answer(s.ID)
	ranking := tr.ranking
	top, dropped := ranking[:tr.eligible], []TechCandidate(nil)
	if assign && e.Rules != nil && len(top) > 0 {
		if answered {
			top, dropped, td.Fallback = obey(top, answer, TechFields)
		} else {
			top, dropped, td.Fallback = rerankTechnicians(ctx, e.Rules, o, s.ID, top)
		}
		top, dropped = relay(ranking, top, dropped)
	}
	td.Ranking = ranking
	switch {
	case len(n.techs[si]) == 0:
		td.NoTechnicianReason = "the site has no technicians on record"
	case len(top) == 0 && len(dropped) > 0:
		td.NoTechnicianReason = "tenant rules rejected every technician"
	case len(top) == 0:
		skills := "the required skills"
		if len(o.Skills) > 0 {
			skills = strings.Join(o.Skills, ", ")
		}
		td.NoTechnicianReason = fmt.Sprintf("no technician on duty has %s (%d off duty, %d lacking skills)", skills, tr.off, tr.unskilled)
	case !assign:
		td.NoTechnicianReason = "the site assigns its own technicians; the ranking is a suggestion"
	default:
		id := top[0].TechnicianID
		td.Chosen = &id
	}
	return td
}

// assessTechnician scores t; miss are the required skills it lacks.
func assessTechnician(t Technician, site *siteDistance, o Order) (c TechCandidate, miss []string) {
	c = TechCandidate{TechnicianID: t.ID, Status: t.Status, LocationFrom: "last location"}
	if t.LocationAt.IsZero() || o.At.Sub(t.LocationAt) > StaleAfter {
		c.LocationFrom, c.DistanceKm = "site", site.to(o.Location)
	} else {
		c.DistanceKm = DistanceKm(t.Location, o.Location)
	}
	miss = missing(o.Skills, t.Skills)
	c.Eligible = t.Status != TechOff && len(miss) == 0
	if !c.Eligible {
		return c, miss
	}
	c.Components = TechComponents{
		Skills:   1,
		Distance: 1 / (1 + c.DistanceKm/techDistanceScaleKm),
		Workload: 1 / (1 + float64(t.OpenWorkload)),
	}
	if len(o.Skills) > 0 {
		c.Components.Skills = min(1, float64(len(o.Skills))/float64(len(t.Skills)))
	}
	k := c.Components
	c.Score = (k.Skills + k.Distance + k.Workload) / 3
	return c, miss
}

// explainTechnician writes the reasons of t, assessed as c, to w.
func explainTechnician(w *reasonWriter, t Technician, c *TechCandidate, miss []string, o Order) {
	age := o.At.Sub(t.LocationAt)
	switch {
	case t.LocationAt.IsZero():
		w.s("location unknown: ").f(c.DistanceKm, 1).s(" km from the site").end(ReasonLocationUnknown)
	case age > StaleAfter:
		w.s("last location ").f(age.Hours(), 1).s(" h old, stale: ").f(c.DistanceKm, 1).s(" km from the site").end(ReasonLocationStale)
	default:
		w.f(c.DistanceKm, 1).s(" km from last location (")
		if age = max(age, 0); age < time.Hour {
			w.i(int(age.Minutes())).s(" min ago)").end(ReasonLocationMinutes)
		} else {
			w.f(age.Hours(), 1).s(" h ago)").end(ReasonLocationHours)
		}
	}
	switch t.Status {
	case TechOff:
		w.s("excluded: off duty").end(ReasonOffDuty)
	case TechBusy:
		w.s("busy: ranked after available technicians").end(ReasonBusy)
	default:
		w.s("available").end(ReasonAvailable)
	}
	switch {
	case len(miss) > 0:
		w.s("excluded: lacks skills ").s(strings.Join(miss, ", ")).end(ReasonLacksSkills)
	case len(o.Skills) == 0:
		w.s("no skills required").end(ReasonNoSkillsRequired)
	default:
		w.s("has required skills ").s(strings.Join(o.Skills, ", ")).s(" (the order uses ").i(len(o.Skills)).
			s(" of its ").i(len(t.Skills)).s(" skills)").end(ReasonHasSkills)
	}
	w.i(t.OpenWorkload).s(" open orders").end(ReasonOpenOrders)
	if c.Eligible {
		k := c.Components
		w.s("score ").f(c.Score, 3).s(" (skills ").f(k.Skills, 2).s(", distance ").f(k.Distance, 2).
			s(", workload ").f(k.Workload, 2).s(")").end(ReasonTechnicianScore)
	}
}

// siteDistance is a site's distance to the order's address, worked out
// once for all its technicians without a fresh location.
type siteDistance struct {
	site  Point
	km    float64
	known bool
}

func (d *siteDistance) to(p Point) float64 {
	if !d.known {
		d.km, d.known = DistanceKm(d.site, p), true
	}
	return d.km
}
