package core

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Timer kinds: what a periodic timer check does to a work order.
const (
	TimerResponseOverdue = "response"      // respond_by passed unmet: flag, notify, record against the site
	TimerArrivalOverdue  = "arrival"       // arrive_by passed unmet: the same
	TimerUrgeResponse    = "urge_response" // 80 % of the response window gone: urge the site once
	TimerUrgeArrival     = "urge_arrival"  // 80 % of the arrival window gone: urge the site once
	TimerAcceptance      = "acceptance"    // the site did not assign or accept in time since the order became dispatched: next candidate
)

// TimerActor is the actor of timeline events written by the timers.
const TimerActor = "system:timers"

// AcceptanceTimeoutReason is the reason of the rejection an acceptance
// timeout makes, as shown on the timeline.
const AcceptanceTimeoutReason = "acceptance timeout"

// Default tenant limits of the timers (TenantSettings).
const (
	DefaultAcceptanceMinutes   = 30
	DefaultUrgeIntervalMinutes = 10
)

// TimerStore runs the work-order timers (called by the job worker's
// periodic SLA check).
type TimerStore interface {
	// FireDueTimers handles every timer due at the store's clock, across
	// tenants, each order in its own tenant transaction under its row lock:
	// a timer that another run (another replica) handled already is
	// skipped, so concurrent runs have one effect. It returns how many
	// timers fired; an order that fails is logged and left for the next
	// run, the others proceed.
	FireDueTimers(ctx context.Context) (int, error)
}

// Urge is a notice pushed to the site responsible for an order (催办).
type Urge struct {
	WorkOrderID   uuid.UUID  `json:"work_order_id"`
	SiteID        uuid.UUID  `json:"site_id" doc:"The site urged."`
	TechnicianID  *uuid.UUID `json:"technician_id" nullable:"true" doc:"The order's technician, urged too, if one is assigned."`
	Note          string     `json:"note"`
	Count         int        `json:"count" doc:"Urges of this order so far, automatic ones included."`
	UrgedAt       time.Time  `json:"urged_at"`
	NextAllowedAt time.Time  `json:"next_allowed_at" doc:"When the next manual urge of this order is accepted."`
}

// ValidateUrgeNote checks an urge's note.
func ValidateUrgeNote(note string) error { return validText("note", note, 0, 500) }

// SiteSLAMiss is a deadline a site missed.
type SiteSLAMiss struct {
	WorkOrderID uuid.UUID `json:"work_order_id"`
	Number      string    `json:"number" doc:"The order's number."`
	Kind        string    `json:"kind" enum:"response,arrival"`
	DueAt       time.Time `json:"due_at"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// SiteSLAMissCounts are a site's misses by kind, all time.
type SiteSLAMissCounts struct {
	Response int `json:"response"`
	Arrival  int `json:"arrival"`
}

// PeriodicStore decides which replica runs a periodic task's period.
// Called by the job worker's periodic task handler (jobs/periodic.go);
// errors are the database's, never a core code.
type PeriodicStore interface {
	// ClaimPeriod claims (task, period): true for exactly one caller per
	// period, unless its claim is released, or left unfinished for longer
	// than lease (a crashed runner), when another may claim it.
	ClaimPeriod(ctx context.Context, task string, period time.Time, runner string, lease time.Duration) (bool, error)
	// FinishPeriod records that the claimed period ran; ReleasePeriod gives
	// a failed period back, so a retry can claim it.
	FinishPeriod(ctx context.Context, task string, period time.Time) error
	ReleasePeriod(ctx context.Context, task string, period time.Time) error
}
