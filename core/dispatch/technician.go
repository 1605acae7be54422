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
	return e.chooseTechnician(ctx, n, si, o, true), nil
}

// chooseTechnician ranks site si's technicians: eligible ones (not off, with
// every required skill) first, available before busy, then by score, then
// nearer, less loaded, ID. assign false (the site assigns its own
// technicians) leaves Chosen nil and the ranking advisory, without Rules.
func (e Engine) chooseTechnician(ctx context.Context, n *Network, si int32, o Order, assign bool) TechDecision {
	s := &n.sites[si]
	td := TechDecision{SiteID: s.ID}
	var eligible, others []TechCandidate
	off, unskilled := 0, 0
	for _, t := range n.techs[si] {
		c := assessTechnician(t, s.Location, o)
		switch {
		case c.Eligible:
			eligible = append(eligible, c)
		case t.Status == TechOff:
			off++
			others = append(others, c)
		default:
			unskilled++
			others = append(others, c)
		}
	}
	slices.SortFunc(eligible, func(a, b TechCandidate) int {
		if aa, ba := a.Status == TechAvailable, b.Status == TechAvailable; aa != ba {
			return boolFirst(aa)
		}
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.DistanceKm, b.DistanceKm),
			cmp.Compare(b.Components.Workload, a.Components.Workload), compareIDs(a.TechnicianID, b.TechnicianID))
	})
	// others stay in ID order, the order of n.techs.
	var dropped []TechCandidate
	if assign && e.Rules != nil && len(eligible) > 0 {
		eligible, dropped, td.Fallback = rerankTechnicians(ctx, e.Rules, o, s.ID, eligible)
	}
	td.Ranking = slices.Concat(eligible, dropped, others)
	switch {
	case len(n.techs[si]) == 0:
		td.NoTechnicianReason = "the site has no technicians on record"
	case len(eligible) == 0 && len(dropped) > 0:
		td.NoTechnicianReason = "tenant rules rejected every technician"
	case len(eligible) == 0:
		skills := "the required skills"
		if len(o.Skills) > 0 {
			skills = strings.Join(o.Skills, ", ")
		}
		td.NoTechnicianReason = fmt.Sprintf("no technician on duty has %s (%d off duty, %d lacking skills)", skills, off, unskilled)
	case !assign:
		td.NoTechnicianReason = "the site assigns its own technicians; the ranking is a suggestion"
	default:
		id := eligible[0].TechnicianID
		td.Chosen = &id
	}
	return td
}

func assessTechnician(t Technician, site Point, o Order) TechCandidate {
	c := TechCandidate{TechnicianID: t.ID, Status: t.Status, LocationFrom: "last location", Reasons: make([]string, 0, 6)}
	age := o.At.Sub(t.LocationAt)
	switch {
	case t.LocationAt.IsZero():
		c.LocationFrom, c.DistanceKm = "site", DistanceKm(site, o.Location)
		c.Reasons = append(c.Reasons, fmt.Sprintf("location unknown: %.1f km from the site", c.DistanceKm))
	case age > StaleAfter:
		c.LocationFrom, c.DistanceKm = "site", DistanceKm(site, o.Location)
		c.Reasons = append(c.Reasons, fmt.Sprintf("last location %s old, stale: %.1f km from the site", humanAge(age), c.DistanceKm))
	default:
		c.DistanceKm = DistanceKm(t.Location, o.Location)
		c.Reasons = append(c.Reasons, fmt.Sprintf("%.1f km from last location (%s ago)", c.DistanceKm, humanAge(max(age, 0))))
	}
	switch t.Status {
	case TechOff:
		c.Reasons = append(c.Reasons, "excluded: off duty")
	case TechBusy:
		c.Reasons = append(c.Reasons, "busy: ranked after available technicians")
	default:
		c.Reasons = append(c.Reasons, "available")
	}
	miss := missing(o.Skills, t.Skills)
	switch {
	case len(miss) > 0:
		c.Reasons = append(c.Reasons, "excluded: lacks skills "+strings.Join(miss, ", "))
	case len(o.Skills) == 0:
		c.Reasons = append(c.Reasons, "no skills required")
	default:
		c.Reasons = append(c.Reasons, fmt.Sprintf("has required skills %s (the order uses %d of its %d skills)",
			strings.Join(o.Skills, ", "), len(o.Skills), len(t.Skills)))
	}
	c.Reasons = append(c.Reasons, fmt.Sprintf("%d open orders", t.OpenWorkload))
	c.Eligible = t.Status != TechOff && len(miss) == 0
	if !c.Eligible {
		return c
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
	c.Reasons = append(c.Reasons, fmt.Sprintf("score %.3f (skills %.2f, distance %.2f, workload %.2f)", c.Score, k.Skills, k.Distance, k.Workload))
	return c
}

func humanAge(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}
