package core

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// DispatchDecision is how an order was dispatched, as stored with it: what
// the engine suggested, the ranking behind the suggestion, and the outcome,
// what actually happened. A dispatcher's override or a later assignment
// changes the outcome only; the suggestion and the ranking stay as the
// engine made them. Sites, technicians and people are named as they were
// called at the time.
type DispatchDecision struct {
	_           struct{}           `nullable:"true"`
	Engine      string             `json:"engine" doc:"The ranking used: dispatch-builtin/1, with +rules when the tenant's dispatch rules ranked."`
	Fallback    string             `json:"fallback,omitempty" doc:"Why the tenant's dispatch rules were not used (an error, a timeout, an invalid answer) and the built-in ranking was."`
	DecidedAt   time.Time          `json:"decided_at" doc:"When the engine ranked."`
	Summary     string             `json:"summary" doc:"What the engine examined, e.g. \"48 sites near the address examined, 12 cover it, 7 eligible\"."`
	Suggestion  DispatchSuggestion `json:"suggestion" doc:"What the engine proposed; it stays as proposed when a person decides otherwise."`
	Ranking     []SiteCandidate    `json:"ranking" doc:"The sites considered: the eligible ones best first, then those the tenant's rules excluded, then the covering sites that are not eligible (nearest first)."`
	Technicians TechnicianRanking  `json:"technicians" doc:"The technicians of the suggested site, ranked."`
	Outcome     DispatchOutcome    `json:"outcome" doc:"What happened: the site and technician the order went to, how, by whom, when and why."`
	// LocationApproximate: the address had no coordinate, so the engine
	// measured from its district's representative point.
	LocationApproximate bool   `json:"location_approximate,omitempty" doc:"The address had no coordinate: distances were measured from its district's representative point."`
	DivisionCode        string `json:"division_code,omitempty" doc:"The address's administrative division (GB/T 2260) the engine used."`

	// The coded forms of Summary and Fallback; nil in decisions stored
	// before reasons had codes.
	SummaryDetail  *Reason `json:"summary_detail,omitempty" doc:"summary with its code and values."`
	FallbackDetail *Reason `json:"fallback_detail,omitempty" doc:"fallback with its code and values."`
}

// DispatchSuggestion is the engine's proposal.
type DispatchSuggestion struct {
	SiteID             *uuid.UUID `json:"site_id" nullable:"true" doc:"The first eligible site of the ranking; null when there is none."`
	SiteName           string     `json:"site_name,omitempty"`
	TechnicianID       *uuid.UUID `json:"technician_id" nullable:"true" doc:"The first eligible technician of the suggested site; null when there is none or when the site assigns its own technicians (the technicians' ranking is then advisory)."`
	TechnicianName     string     `json:"technician_name,omitempty"`
	NoSiteReason       string     `json:"no_site_reason,omitempty" doc:"Why no site is suggested."`
	NoTechnicianReason string     `json:"no_technician_reason,omitempty" doc:"Why no technician is suggested."`

	// The coded forms of the reasons above.
	NoSiteReasonDetail       *Reason `json:"no_site_reason_detail,omitempty" doc:"no_site_reason with its code and values."`
	NoTechnicianReasonDetail *Reason `json:"no_technician_reason_detail,omitempty" doc:"no_technician_reason with its code and values."`
}

// SiteCandidate is one site the engine considered.
type SiteCandidate struct {
	SiteID     uuid.UUID  `json:"site_id"`
	SiteName   string     `json:"site_name"`
	Kind       string     `json:"kind" enum:"service_station,repair_center,dealer"`
	Eligible   bool       `json:"eligible" doc:"Active, covers the address, authorised for the product line, has capacity today, not excluded (a site that rejected or lost the order is) and kept by the tenant's rules."`
	DistanceKm float64    `json:"distance_km" doc:"From the site to the address."`
	Score      float64    `json:"score" doc:"The weighted sum of the components, in [0, 1]; 0 for a site that is not eligible."`
	Components SiteScores `json:"components"`
	Reasons    []string   `json:"reasons" doc:"Why the site ranks where it does, or \"excluded: …\"."`

	// ReasonDetails[i] is Reasons[i] with its code and values.
	ReasonDetails []Reason `json:"reason_details,omitempty" doc:"reasons with their codes and values, one for one (reason_details[i] is reasons[i]); a reason the tenant's dispatch rules wrote has the code text. Absent in decisions stored before reasons had codes."`
}

// SiteScores are a site's normalised score components, each in [0, 1],
// higher is better.
type SiteScores struct {
	Distance   float64 `json:"distance" doc:"1 - d/D: d the site's distance to the address, D the largest area radius among the covering sites."`
	Load       float64 `json:"load" doc:"1 - orders taken today / daily capacity."`
	Reputation float64 `json:"reputation" doc:"The site's reputation / 100."`
	SLARisk    float64 `json:"sla_risk" doc:"1 - the site's recent late-arrival rate (0.5 when unknown)."`
}

// TechnicianRanking is the ranking of one site's technicians.
type TechnicianRanking struct {
	SiteID   *uuid.UUID            `json:"site_id" nullable:"true" doc:"The site whose technicians are ranked; null when no site is suggested."`
	SiteName string                `json:"site_name,omitempty"`
	Ranking  []TechnicianCandidate `json:"ranking" doc:"The eligible technicians best first, then the others."`
	Fallback string                `json:"fallback,omitempty" doc:"Why the tenant's rules did not choose the technician."`

	FallbackDetail *Reason `json:"fallback_detail,omitempty" doc:"fallback with its code and values."`
}

// TechnicianCandidate is one technician the engine considered.
type TechnicianCandidate struct {
	TechnicianID   uuid.UUID        `json:"technician_id"`
	TechnicianName string           `json:"technician_name"`
	Eligible       bool             `json:"eligible" doc:"Not off duty, has every required skill and kept by the tenant's rules."`
	Status         string           `json:"status" enum:"available,busy,off"`
	DistanceKm     float64          `json:"distance_km" doc:"To the address, from location_from."`
	LocationFrom   string           `json:"location_from" enum:"last location,site" doc:"The technician's last reported location, or the site's when it is unknown or stale."`
	Score          float64          `json:"score" doc:"The mean of the components; available technicians rank before busy ones whatever the score."`
	Components     TechnicianScores `json:"components"`
	Reasons        []string         `json:"reasons"`

	ReasonDetails []Reason `json:"reason_details,omitempty" doc:"As a site's reason_details."`
}

// TechnicianScores are a technician's normalised score components, each
// in [0, 1], higher is better.
type TechnicianScores struct {
	Skills   float64 `json:"skills" doc:"Required skills / skills held (1 when nothing is required)."`
	Distance float64 `json:"distance" doc:"1/(1 + d/10 km)."`
	Workload float64 `json:"workload" doc:"1/(1 + open orders)."`
}

// Kinds of dispatch outcome: how the order came to its site and
// technician.
const (
	OutcomeEngine   = "engine"   // the engine's suggestion was applied
	OutcomeQueued   = "queued"   // no site: the order waits in the dispatcher queue
	OutcomeOverride = "override" // a dispatcher chose the site
	OutcomeAssign   = "assign"   // a person named the technician where there was none
	OutcomeReassign = "reassign" // a person replaced the technician
	OutcomeDecline  = "decline"  // the technician handed the order back to the site
)

// DispatchOutcome is what happened to a decision: the latest act that
// set the order's site or technician.
type DispatchOutcome struct {
	Kind           string         `json:"kind" enum:"engine,queued,override,assign,reassign,decline" doc:"engine: the suggestion was applied; queued: no site, the order waits in the dispatcher queue; override: a dispatcher chose the site; assign: a person named the technician; reassign: a person replaced the technician; decline: the technician handed the order back to the site."`
	SiteID         *uuid.UUID     `json:"site_id" nullable:"true"`
	SiteName       string         `json:"site_name,omitempty"`
	TechnicianID   *uuid.UUID     `json:"technician_id" nullable:"true"`
	TechnicianName string         `json:"technician_name,omitempty"`
	By             *DecisionActor `json:"by,omitempty" doc:"Who decided; absent when the engine did."`
	At             time.Time      `json:"at"`
	Reason         string         `json:"reason,omitempty" doc:"Why: the dispatcher's reason for an override, the person's for an assignment, the engine's for queueing."`

	ReasonDetail *Reason `json:"reason_detail,omitempty" doc:"The engine's reason with its code and values; absent for a person's, which is in their own words."`
}

// Reason is a reason the platform wrote, in a form a reader can put in
// their own language: the stable code of the template its English text
// was written by, and the values written into it. The spec lists the
// codes with their templates (api documents them from the templates
// themselves).
type Reason struct {
	Code   string         `json:"code" doc:"The template's stable code; text for free text (e.g. written by tenant rules), which has no values. A reader shows the English text for a code it does not know."`
	Values map[string]any `json:"values,omitempty" doc:"The values written into the template, by the names in its {braces}: numbers (as written, e.g. 3.2 km) or strings."`
}

// DecisionActor is a person (or API key) who decided a dispatch outcome.
type DecisionActor struct {
	Actor  string     `json:"actor" doc:"As in the timeline: user:<id> or key:<id>."`
	UserID *uuid.UUID `json:"user_id,omitempty" doc:"The user, when a user decided."`
	Name   string     `json:"name" doc:"The display name (or username, key name) at the time."`
}

// NewDecisionActor names an actor (user:<id>, key:<id>…) for an outcome.
func NewDecisionActor(actor, name string) *DecisionActor {
	a := &DecisionActor{Actor: actor, Name: name}
	if id, ok := strings.CutPrefix(actor, "user:"); ok {
		if u, err := uuid.Parse(id); err == nil {
			a.UserID = &u
		}
	}
	return a
}
