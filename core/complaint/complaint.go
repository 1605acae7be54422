// Package complaint holds the use cases of complaint cases (投诉): intake
// linked to a customer and what the complaint is about, a deadline in
// working days of the tenant's business calendar per category and
// severity (paused while the customer is waited on), the state machine,
// transfer between responsible units, and the escalation ladder that the
// timers climb once per step however many replicas run.
//
// It decides; the Repository (core/postgres) only reads and writes.
package complaint

import (
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// States of a complaint, in their usual order.
const (
	StateOpen               = "open"
	StateAcknowledged       = "acknowledged"
	StateInvestigating      = "investigating"
	StateResolutionProposed = "resolution_proposed"
	StateConfirmed          = "confirmed" // by the customer
	StateClosed             = "closed"
)

// States lists every state, in order.
var States = []string{StateOpen, StateAcknowledged, StateInvestigating, StateResolutionProposed, StateConfirmed, StateClosed}

// Actions on a complaint (POST /v1/complaints/{id}/{action}).
const (
	ActAcknowledge = "acknowledge"
	ActInvestigate = "investigate"
	ActPropose     = "propose"  // a resolution, with the handling form
	ActConfirm     = "confirm"  // the customer accepts the resolution
	ActReject      = "reject"   // the customer does not: investigate again
	ActClose       = "close"    // after the customer's confirmation
	ActReopen      = "reopen"   // within the tenant's reopen period
	ActWait        = "wait"     // waiting on the customer: the clock pauses
	ActResume      = "resume"   // the customer answered: the clock runs
	ActTransfer    = "transfer" // to another responsible unit, with a reason
)

// transitions maps an action to the states it applies in and the state it
// leads to ("" : the state stays).
var transitions = map[string]struct {
	from []string
	to   string
}{
	ActAcknowledge: {[]string{StateOpen}, StateAcknowledged},
	ActInvestigate: {[]string{StateAcknowledged}, StateInvestigating},
	ActPropose:     {[]string{StateAcknowledged, StateInvestigating}, StateResolutionProposed},
	ActConfirm:     {[]string{StateResolutionProposed}, StateConfirmed},
	ActReject:      {[]string{StateResolutionProposed}, StateInvestigating},
	ActClose:       {[]string{StateConfirmed}, StateClosed},
	ActReopen:      {[]string{StateClosed, StateConfirmed}, StateInvestigating},
	ActWait:        {[]string{StateOpen, StateAcknowledged, StateInvestigating, StateResolutionProposed}, ""},
	ActResume:      {[]string{StateOpen, StateAcknowledged, StateInvestigating, StateResolutionProposed}, ""},
	ActTransfer:    {[]string{StateOpen, StateAcknowledged, StateInvestigating, StateResolutionProposed}, ""},
}

// Active reports whether a complaint in state s is still being handled:
// its clock counts and it escalates.
func Active(s string) bool { return s != StateConfirmed && s != StateClosed }

// Allowed lists the actions possible in state s, waiting or not.
func Allowed(s string, waiting bool) []string {
	var out []string
	for _, a := range []string{ActAcknowledge, ActInvestigate, ActPropose, ActConfirm, ActReject, ActClose, ActReopen, ActWait, ActResume, ActTransfer} {
		if !appliesIn(a, s) || (a == ActWait && waiting) || (a == ActResume && !waiting) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func appliesIn(action, state string) bool {
	t, ok := transitions[action]
	if !ok {
		return false
	}
	for _, f := range t.from {
		if f == state {
			return true
		}
	}
	return false
}

// Owner kinds: who is responsible for a complaint.
const (
	OwnerSite       = "site"
	OwnerRegion     = "region"
	OwnerDepartment = "department" // of the manufacturer: quality, sales…
)

// Owner is the responsible unit: a site, a region, or a department of the
// manufacturer (by name).
type Owner struct {
	Kind       string     `json:"kind" enum:"site,region,department"`
	SiteID     *uuid.UUID `json:"site_id,omitempty" doc:"For kind site."`
	RegionID   *uuid.UUID `json:"region_id,omitempty" doc:"For kind region; for a site, its region (set by the platform)."`
	Department string     `json:"department,omitempty" maxLength:"64" doc:"For kind department."`
}

// Validate checks that the owner names exactly what its kind needs.
func (o Owner) Validate(field string) error {
	switch o.Kind {
	case OwnerSite:
		if o.SiteID == nil {
			return core.FieldError(field+".site_id", "is required for a site")
		}
	case OwnerRegion:
		if o.RegionID == nil {
			return core.FieldError(field+".region_id", "is required for a region")
		}
	case OwnerDepartment:
		if o.Department == "" || len(o.Department) > 64 {
			return core.FieldError(field+".department", "is required for a department (at most 64 characters)")
		}
	default:
		return core.FieldError(field+".kind", "must be site, region or department")
	}
	return nil
}

// Handling is the handling form: what was found and done.
type Handling struct {
	Cause          string `json:"cause,omitempty" maxLength:"2000"`
	Responsibility string `json:"responsibility,omitempty" enum:"site,technician,product,customer,other,"`
	Measures       string `json:"measures" maxLength:"2000"`
	Improvement    string `json:"improvement,omitempty" maxLength:"2000" doc:"Improvement plan."`
	Compensation   string `json:"compensation,omitempty" maxLength:"500"`
}

// Pause is a time the customer was waited on.
type Pause struct {
	From time.Time  `json:"from"`
	To   *time.Time `json:"to" nullable:"true" doc:"Null while still waiting."`
}

// Complaint is one case.
type Complaint struct {
	ID           uuid.UUID  `json:"id"`
	Number       string     `json:"number" example:"TS-2612-000001"`
	CustomerID   uuid.UUID  `json:"customer_id"`
	WorkOrderID  *uuid.UUID `json:"work_order_id" nullable:"true"`
	UnitID       *uuid.UUID `json:"unit_id" nullable:"true"`
	SiteID       *uuid.UUID `json:"site_id" nullable:"true" doc:"The site complained about."`
	TechnicianID *uuid.UUID `json:"technician_id" nullable:"true"`
	Category     string     `json:"category"`
	Severity     string     `json:"severity"`
	Channel      string     `json:"channel" enum:"phone,portal,api,sms,callback" doc:"How the case came: callback when a dissatisfied callback answer opened it."`
	Description  string     `json:"description"`
	State        string     `json:"state" enum:"open,acknowledged,investigating,resolution_proposed,confirmed,closed"`
	Owner        Owner      `json:"owner"`
	// DeadlineDays is the window in working days the case was given.
	DeadlineDays    int        `json:"deadline_days"`
	DueAt           *time.Time `json:"due_at" nullable:"true" doc:"Null while the customer is waited on."`
	WaitingSince    *time.Time `json:"waiting_since" nullable:"true"`
	Pauses          []Pause    `json:"pauses" nullable:"false"`
	EscalationLevel int        `json:"escalation_level" doc:"Steps of the tenant's ladder fired so far."`
	NextEscalation  *time.Time `json:"next_escalation_at" nullable:"true"`
	Handling        *Handling  `json:"handling,omitempty" doc:"The handling form, once a resolution is proposed."`
	ConfirmedVia    string     `json:"confirmed_via,omitempty" doc:"agent or sms."`
	Overdue         bool       `json:"overdue" doc:"Active and past its due time."`
	ClosedAt        *time.Time `json:"closed_at" nullable:"true"`
	CreatedBy       string     `json:"created_by"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// SetOverdue computes Overdue at now.
func (c *Complaint) SetOverdue(now time.Time) {
	c.Overdue = Active(c.State) && c.DueAt != nil && now.After(*c.DueAt)
}

// CaseEvent is one entry of a complaint's timeline.
type CaseEvent struct {
	ComplaintID uuid.UUID      `json:"complaint_id"`
	Seq         int            `json:"seq"`
	Type        string         `json:"type"`
	From        string         `json:"from_state"`
	To          string         `json:"to_state"`
	Actor       string         `json:"actor"`
	At          time.Time      `json:"at"`
	Payload     map[string]any `json:"payload"`
}

// Filter selects complaints for a list, newest first.
type Filter struct {
	State       string
	Category    string   // the category or any below it
	Categories  []string // set by Find: Category and its subtree
	OwnerSite   *uuid.UUID
	OwnerRegion *uuid.UUID
	Department  string
	CustomerID  *uuid.UUID
	Overdue     bool
	After       string
	Limit       int
	Within      Reach
}

// Reach is the set of complaints a viewer may see: those owned by the
// sites of Sites or of Regions' subtrees, or by a region in those
// subtrees; All: every one. The zero Reach holds none.
type Reach = core.SiteReach

// ReachOf is the rule: tenant-wide scope sees every complaint (department
// cases included); any other caller the cases owned within their scope. A
// technician sees none.
func ReachOf(v core.Viewer) Reach {
	switch {
	case v.Technician != nil:
		return Reach{}
	case v.Scope.All:
		return Reach{All: true}
	}
	return Reach{Regions: v.Scope.Regions, Sites: v.Scope.Sites}
}

// Outbox message types of complaints (webhooks may subscribe).
const (
	OutboxOpened    = "complaint.opened"
	OutboxEscalated = "complaint.escalated"
	OutboxClosed    = "complaint.closed"
	// OutboxBreached is the ladder's step at the due time (share 1).
	OutboxBreached = "complaint.breached"
	// OutboxProposed asks the customer by SMS to accept or reject the
	// proposed resolution.
	OutboxProposed = "complaint.resolution_proposed"
)

// TimerActor writes the escalation events.
const TimerActor = core.TimerActor
