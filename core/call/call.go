// Package call holds the call log (通话记录): every call the tenant's CTI
// plugin reports, built from its events whatever their order, linked to
// the customer found and to what was created during the call (work
// orders, complaints, callbacks). It decides; the Repository of its Store
// (the PostgreSQL adapter, or the in-memory fake of core/coretest) only
// reads and writes.
package call

import (
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Directions of a call.
const (
	Inbound     = "inbound"
	Outbound    = "outbound"
	ClickToDial = "click_to_dial"
)

// Outcomes of a call. A call not ended is ringing (offered, not answered)
// or in progress; an ended one was answered, missed (offered to an agent
// who did not answer) or abandoned (the caller hung up before any agent
// was offered the call, e.g. waiting in a queue).
const (
	OutcomeRinging    = "ringing"
	OutcomeInProgress = "in_progress"
	OutcomeAnswered   = "answered"
	OutcomeMissed     = "missed"
	OutcomeAbandoned  = "abandoned"
)

// Kinds of what a call links to.
const (
	LinkWorkOrder = "work_order"
	LinkComplaint = "complaint"
	LinkCallback  = "callback"
)

// ValidLinkKind reports whether kind is one of the link kinds.
func ValidLinkKind(kind string) bool {
	return kind == LinkWorkOrder || kind == LinkComplaint || kind == LinkCallback
}

// Call is one call of the log.
type Call struct {
	ID             uuid.UUID  `json:"id"`
	PBXCallID      string     `json:"pbx_call_id" doc:"The phone system's call ID; events of one call share it."`
	Direction      string     `json:"direction" enum:"inbound,outbound,click_to_dial"`
	Caller         string     `json:"caller"`
	Called         string     `json:"called"`
	AgentExtension string     `json:"agent_extension,omitempty" doc:"The extension that answered, or else the first one the call rang at."`
	AgentUserID    *uuid.UUID `json:"agent_user_id,omitempty" doc:"The user with the extension when the call reached it."`
	AgentName      string     `json:"agent_name,omitempty"`
	Queue          string     `json:"queue,omitempty" doc:"The queue or agent group the phone system put the call in."`
	OfferedAt      time.Time  `json:"offered_at" doc:"When the call first reached the platform's knowledge (queued, ringing, or dialled)."`
	AnsweredAt     *time.Time `json:"answered_at,omitempty"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	// DurationSeconds is the talk time: from answered to ended.
	DurationSeconds int        `json:"duration_seconds"`
	Outcome         string     `json:"outcome" enum:"ringing,in_progress,answered,missed,abandoned"`
	RecordingURL    string     `json:"recording_url,omitempty"`
	CustomerID      *uuid.UUID `json:"customer_id,omitempty" doc:"The customer found by the other party's number, or of an order created during the call."`
	CustomerName    string     `json:"customer_name,omitempty"`
	Links           []Link     `json:"links" doc:"What was created during the call."`
	// OfferedToAgent tells whether the call rang at an agent's extension
	// (then an unanswered call was missed rather than abandoned).
	OfferedToAgent bool `json:"-"`
	// AgentFromAnswer tells whether AgentExtension is the one that
	// answered (a later ringing event no longer changes it).
	AgentFromAnswer bool `json:"-"`
}

// Link is something created during a call.
type Link struct {
	Kind      string    `json:"kind" enum:"work_order,complaint,callback"`
	Ref       uuid.UUID `json:"ref"`
	CreatedAt time.Time `json:"created_at"`
}

// Apply merges event e into c. Merging is order-independent and
// idempotent: offered and answered take the earliest time seen, ended the
// latest, fields once known stay, so replayed or out-of-order events give
// the same call. It reports whether the agent's extension changed.
func (c *Call) Apply(e core.CallEvent) (agentChanged bool) {
	at := e.At.UTC().Truncate(time.Microsecond)
	if c.OfferedAt.IsZero() || (!at.IsZero() && at.Before(c.OfferedAt)) {
		c.OfferedAt = at
	}
	if c.Caller == "" {
		c.Caller = e.Caller
	}
	if c.Called == "" {
		c.Called = e.Called
	}
	// An explicit outbound wins over the inbound a call defaults to; a
	// click-to-dial call stays one.
	if e.Direction == Outbound && c.Direction != ClickToDial {
		c.Direction = Outbound
	}
	if e.Queue != "" && c.Queue == "" {
		c.Queue = e.Queue
	}
	if e.RecordingURL != "" {
		c.RecordingURL = e.RecordingURL
	}
	ext := e.AgentExtension
	switch e.Type {
	case core.CallRinging:
		if ext != "" {
			c.OfferedToAgent = true
			if !c.AgentFromAnswer && c.AgentExtension == "" {
				agentChanged = true
				c.AgentExtension = ext
			}
		}
	case core.CallAnswered:
		if c.AnsweredAt == nil || at.Before(*c.AnsweredAt) {
			c.AnsweredAt = &at
		}
		if ext != "" {
			c.OfferedToAgent = true
			if !c.AgentFromAnswer || c.AgentExtension != ext {
				agentChanged = c.AgentExtension != ext
				c.AgentExtension, c.AgentFromAnswer = ext, true
			}
		}
	case core.CallEnded:
		if c.EndedAt == nil || at.After(*c.EndedAt) {
			c.EndedAt = &at
		}
	}
	c.settle()
	return agentChanged
}

// settle derives the outcome and the duration from the times.
func (c *Call) settle() {
	if c.Direction == "" {
		c.Direction = Inbound
	}
	c.DurationSeconds = 0
	switch {
	case c.EndedAt == nil && c.AnsweredAt == nil:
		c.Outcome = OutcomeRinging
	case c.EndedAt == nil:
		c.Outcome = OutcomeInProgress
	case c.AnsweredAt != nil:
		c.Outcome = OutcomeAnswered
		if d := c.EndedAt.Sub(*c.AnsweredAt); d > 0 {
			c.DurationSeconds = int(d.Round(time.Second) / time.Second)
		}
	case c.OfferedToAgent:
		c.Outcome = OutcomeMissed
	default:
		c.Outcome = OutcomeAbandoned
	}
}

// PartyNumber is the number of the other party: the caller of an inbound
// call, the number called otherwise.
func (c *Call) PartyNumber() string {
	if c.Direction == Inbound {
		return c.Caller
	}
	return c.Called
}

// Filter selects calls of the log, newest offered first.
type Filter struct {
	// Number is part of the caller's or the called number (digits only).
	Number    string
	Agent     *uuid.UUID
	Customer  *uuid.UUID
	WorkOrder *uuid.UUID
	Outcome   string
	Direction string
	From, To  *time.Time // offered in [From, To)
	After     string     // cursor
	Limit     int
	// Within and Self limit the list to what a viewer may see: calls of a
	// customer in Within, or taken by the user Self.
	Within core.CustomerReach
	Self   *uuid.UUID
}
