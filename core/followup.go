package core

import (
	"time"

	"github.com/google/uuid"
)

// Follow-up reasons.
const FollowUpLowSatisfaction = "low_satisfaction"

// Follow-up statuses.
const (
	FollowUpOpen = "open"
	FollowUpDone = "done"
)

// FollowUp is a call-centre task (回访): call the customer back about an
// order, e.g. after a low satisfaction score.
type FollowUp struct {
	ID          uuid.UUID  `json:"id"`
	WorkOrderID uuid.UUID  `json:"work_order_id"`
	OrderNumber string     `json:"order_number"`
	CustomerID  uuid.UUID  `json:"customer_id"`
	SiteID      *uuid.UUID `json:"site_id" nullable:"true"`
	Reason      string     `json:"reason" enum:"low_satisfaction"`
	Score       *int       `json:"score" doc:"The satisfaction score that opened it."`
	Status      string     `json:"status" enum:"open,done"`
	Note        string     `json:"note"`
	CreatedAt   time.Time  `json:"created_at"`
	DoneAt      *time.Time `json:"done_at"`
	DoneBy      string     `json:"done_by,omitempty"`
}

// FollowUpFilter selects follow-ups; Within limits them to orders of the
// caller's scope (orders without a site only for unscoped callers).
type FollowUpFilter struct {
	Status string
	Within Scope
	Cursor string
	Limit  int
}
