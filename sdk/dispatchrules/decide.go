package dispatchrules

import "context"

// ProtocolVersion is the newest dispatch-rules protocol version: 2, one
// Decide call per decision. Version 1 is Rank and ChooseTechnician.
const ProtocolVersion = 2

// Decision is one dispatch decision, as Decide receives it.
type Decision struct {
	Order Order
	// Sites are the eligible sites, best first. Empty when the platform
	// only asks for the technicians of a site it chose already (a
	// reassignment, or a site the rules moved first from beyond the first
	// few): Technicians then has that one site.
	Sites []Candidate
	// Technicians are the eligible technicians, best first, of the first
	// few Sites (those at which the platform assigns technicians), by site
	// ID: the site the rules keep first is usually one of them.
	Technicians map[string][]TechCandidate
}

// Answer is the rules' answer to a Decision.
type Answer struct {
	// Sites are the kept sites in the rules' order, as
	// RankResponse.Candidates: each one of the decision's at most once;
	// only SiteID, Score and Reasons travel back. A site neither here nor
	// in Excluded counts as excluded without a reason.
	Sites    []Candidate
	Excluded []Exclusion
	// Reasons are about the decision as a whole.
	Reasons []string
	// Technicians answer Decision.Technicians, by site ID, each as
	// ChooseTechnician answers (its first candidate is assigned). A site
	// left out keeps the platform's order. The platform uses the answer
	// for the site it dispatches to, the first of Sites (or the one site
	// of a decision without Sites), and only that answer travels back.
	// When that site's technicians were not in the decision, the platform
	// asks for them in a decision of their own.
	Technicians map[string]TechnicianResponse
}

// Decider is protocol v2's interface: one call per dispatch decision.
type Decider interface {
	Configurer
	// Decide filters and re-ranks the decision's sites and the
	// technicians of those of its sites that came with them.
	Decide(ctx context.Context, d Decision) (Answer, error)
}

// decidePlugin is a Decider as a Plugin: Rank is a decision without
// technicians, ChooseTechnician one without sites. It serves protocol v1
// for a Decider, and lets a v2 client be called as a Plugin.
type decidePlugin struct{ Decider }

func (d decidePlugin) Rank(ctx context.Context, req RankRequest) (RankResponse, error) {
	a, err := d.Decide(ctx, Decision{Order: req.Order, Sites: req.Candidates})
	if err != nil {
		return RankResponse{}, err
	}
	return RankResponse{Candidates: a.Sites, Excluded: a.Excluded, Reasons: a.Reasons}, nil
}

func (d decidePlugin) ChooseTechnician(ctx context.Context, req TechnicianRequest) (TechnicianResponse, error) {
	a, err := d.Decide(ctx, Decision{Order: req.Order,
		Technicians: map[string][]TechCandidate{req.SiteID: req.Candidates}})
	if err != nil {
		return TechnicianResponse{}, err
	}
	if t, ok := a.Technicians[req.SiteID]; ok {
		return t, nil
	}
	return TechnicianResponse{Candidates: req.Candidates}, nil
}
