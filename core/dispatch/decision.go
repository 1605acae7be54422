package dispatch

import (
	"context"

	"github.com/google/uuid"
)

// EngineVersion names the built-in ranking; it is stored with every decision
// so that a decision can be explained and replayed after the rules change.
const EngineVersion = "dispatch-builtin/1"

// Components are a candidate's normalised score components, each in [0, 1]
// and higher is better.
type Components struct {
	// Distance is 1 - d/D, where d is the site's distance to the address and
	// D the largest area radius among the sites covering the address (for a
	// polygon, its farthest vertex). D depends on the covering sites only, not
	// on which of them are eligible, so excluding a site never reorders the
	// others: "reject and pass to the next candidate" is well defined.
	Distance float64
	// Load is 1 - OpenToday/DailyCapacity.
	Load float64
	// Reputation is Reputation/100.
	Reputation float64
	// SLARisk is 1 - LateRate (0.5 when the rate is unknown).
	SLARisk float64
}

// Candidate is one site the decision considered: a site covering the address
// (or the order's preferred site), eligible or not.
type Candidate struct {
	SiteID     uuid.UUID
	Kind       SiteKind
	Eligible   bool    // active, covers, authorised, has capacity, not excluded (and kept by tenant rules)
	DistanceKm float64 // from the site to the address
	Score      float64 // weighted sum of Components, in [0, 1]; 0 for ineligible sites
	Components Components
	Reasons    []string // why it ranks where it does, or "excluded: …"
	// Codes are the codes of the reasons the engine wrote, in order: the
	// first len(Codes) reasons; those tenant rules added follow them.
	Codes []ReasonCode
}

// Decision is the outcome of Engine.Decide.
type Decision struct {
	// Chosen is the first eligible site of Ranking; nil when there is none.
	Chosen *uuid.UUID
	// Ranking lists the eligible sites best first, then the sites excluded
	// by tenant rules, then the covering sites that are not eligible (nearest
	// first). Sites that do not cover the address are only counted, in
	// Summary.
	Ranking []Candidate
	// NoCandidateReason says why Chosen is nil.
	NoCandidateReason string
	// Summary counts what was examined, e.g. "48 sites near the address
	// examined, 12 cover it, 7 eligible".
	Summary string
	// LocationApproximate says the address had no coordinate of its own:
	// distances were measured from its district's representative point.
	LocationApproximate bool
	// Technician is the technician choice at the chosen site.
	Technician TechDecision
	// Engine is EngineVersion, with "+rules" when tenant Rules ranked.
	Engine string
	// Fallback is set when tenant Rules failed (error, panic, deadline, or an
	// invalid answer) and the built-in ranking was used; it says why.
	Fallback string
}

// TechComponents are a technician's normalised score components, each in
// [0, 1], higher is better.
type TechComponents struct {
	// Skills is how closely the technician's skills fit the order: required
	// skills / skills held (1 when nothing is required), which keeps
	// all-round technicians free for the jobs that need them.
	Skills float64
	// Distance is 1/(1 + d/10 km), d from the technician's last location, or
	// from the site when the location is unknown or stale.
	Distance float64
	// Workload is 1/(1 + open orders).
	Workload float64
}

// TechCandidate is one technician of the chosen site.
type TechCandidate struct {
	TechnicianID uuid.UUID
	Eligible     bool // not off and has every required skill (and kept by tenant rules)
	Status       TechStatus
	DistanceKm   float64 // to the address, from LocationFrom
	LocationFrom string  // "last location" or "site"
	Score        float64 // mean of Components; available technicians rank before busy ones whatever the score
	Components   TechComponents
	Reasons      []string
	Codes        []ReasonCode // as Candidate.Codes
}

// TechDecision is the technician choice at one site.
type TechDecision struct {
	SiteID uuid.UUID
	// Chosen is the first eligible technician; nil when there is none or
	// when the site assigns its own technicians (then Ranking is advisory).
	Chosen *uuid.UUID
	// Ranking lists the eligible technicians best first, then the others.
	Ranking            []TechCandidate
	NoTechnicianReason string
	Fallback           string // as Decision.Fallback, for Rules.ChooseTechnician
}

// Rules is the seam for a tenant's own dispatch rules (a plugin). The engine
// calls it after the built-in ranking, under the caller's context, and falls
// back to the built-in ranking when it errs, panics, outlives the context's
// deadline or answers with an ID it was not given or given twice. It must
// be safe for concurrent use.
type Rules interface {
	// Rerank receives the eligible candidates best first and returns the ones
	// it keeps, in its order; dropped ones are listed as "excluded: by tenant
	// rules". It may set Score and append to Reasons; other fields are
	// restored from the engine's copy. A candidate returned with Eligible
	// false is dropped too, with the reasons it appended after that one
	// ("closed on Sundays").
	Rerank(ctx context.Context, o Order, candidates []Candidate) ([]Candidate, error)
	// ChooseTechnician does the same for the eligible technicians of the
	// chosen site; the first one returned is assigned.
	ChooseTechnician(ctx context.Context, o Order, siteID uuid.UUID, candidates []TechCandidate) ([]TechCandidate, error)
}

// DeadlineKeeper is implemented by Rules that return by their context's
// deadline on their own, as the plugin host's client does (it abandons a
// plugin call that is late), and leave their arguments unchanged. The
// engine calls them on its own goroutine with its own candidates; other
// Rules get a goroutine per call, abandoned at the deadline, and copies.
type DeadlineKeeper interface {
	Rules
	KeepsDeadline()
}

// RulesWithTechnicians is implemented by Rules that take a decision's
// sites and the technicians of its first sites in one call, as a plugin
// speaking dispatch-rules protocol v2 answers both in one round trip. The
// engine then calls RerankWithTechnicians instead of Rerank and, when the
// answer holds the technicians of the site it chooses, takes them instead
// of calling ChooseTechnician. Otherwise (the call failed or its answer
// was invalid, or the rules chose a site whose technicians they were not
// given) it calls ChooseTechnician as for any Rules, so a failure falls
// back as it does with Rules alone.
type RulesWithTechnicians interface {
	Rules
	// RerankWithTechnicians is Rerank, also given technicians: the
	// eligible technicians, best first, of the first RulesTechnicianSites
	// candidates (those of them at which the platform assigns and that
	// have any), by site ID, without their reasons (the engine writes
	// those for the chosen site only). Besides the kept candidates it
	// returns, by site ID, the technicians of any of those sites as
	// ChooseTechnician returns them; the answer for another site is
	// ignored.
	RerankWithTechnicians(ctx context.Context, o Order, candidates []Candidate,
		technicians map[uuid.UUID][]TechCandidate) ([]Candidate, map[uuid.UUID][]TechCandidate, error)
}

// RulesTechnicianSites is how many of the first eligible sites of a
// decision have their technicians sent with the sites to
// RulesWithTechnicians: rules usually keep one of those first, and every
// site sent costs its technicians' ranking and their encoding. Rules that
// choose a site further down cost a ChooseTechnician call.
const RulesTechnicianSites = 5

// Engine is a tenant's dispatch configuration. The zero value is the
// built-in engine with equal weights.
type Engine struct {
	Weights Weights
	Rules   Rules // nil: built-in ranking only
}
