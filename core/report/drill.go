package report

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// DrillItem is one record behind a number: a work order, complaint,
// callback task, call, warranty claim or SLA miss (an order's missed
// response or arrival deadline: ID is the order's, State the miss's kind,
// SiteID the site that missed it). Counted tells whether it is in the numerator of
// a ratio (every item of a count is).
type DrillItem struct {
	Kind         string     `json:"kind" enum:"work_order,complaint,callback,call,claim,sla_miss"`
	ID           uuid.UUID  `json:"id"`
	Number       string     `json:"number,omitempty" doc:"The order's or complaint's number (a claim's: its order's)."`
	WorkOrderID  *uuid.UUID `json:"work_order_id,omitempty"`
	At           time.Time  `json:"at" doc:"When it was created (offered, for a call; its order created, for a callback, claim or SLA miss): the day it counts on."`
	State        string     `json:"state"`
	SiteID       *uuid.UUID `json:"site_id,omitempty"`
	TechnicianID *uuid.UUID `json:"technician_id,omitempty"`
	Counted      bool       `json:"counted"`
}

// DrillQuery asks for the records behind a metric.
type DrillQuery struct {
	Metric   Metric
	From, To time.Time // tenant-local days
	Filter   Filter
	After    string // cursor
	Limit    int
}

// Driller lists the records behind a metric, oldest first, paginated;
// each calls emit per item (export streams them) and returns the next cursor.
type Driller interface {
	Drill(ctx context.Context, u core.UnitOfWork, r Reach, q DrillQuery, emit func(DrillItem) error) (next string, err error)
}

// ValidateDrill checks the metric and period (at most maxDays) of a drill-down.
func ValidateDrill(metric string, q *Query, maxDays int) (Metric, error) {
	q.Metrics = []string{metric}
	ms, err := q.Validate(maxDays)
	if err != nil {
		if e, ok := err.(*core.Error); ok && e.Fields["metrics"] != "" {
			return Metric{}, core.FieldError("metric", "%s", e.Fields["metrics"])
		}
		return Metric{}, err
	}
	return ms[0], nil
}
