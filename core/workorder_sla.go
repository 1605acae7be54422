package core

import (
	"time"

	"github.com/aftersales/aftersales/core/deadline"
)

// WorkOrderSLA is the deadline policy of work orders' SLA clocks: respond,
// arrive and complete, each counted in working time from intake over the
// window its service type sets (Work, per clock). An unmet clock is at
// risk within the last hour before its due time; the timer urges the
// responsible site once 80 % of the wall-clock window from intake to the
// due time has passed.
var WorkOrderSLA = deadline.Policy{AtRisk: deadline.Before(time.Hour), Warn: deadline.Fraction(0.8)}

// SLA returns the order's SLA clocks as the deadline engine sees them:
// respond, arrive and complete, started at intake (a clock without a due
// time is one its service type sets no target for). They run until the
// order is cancelled or closed; its work is finished once it is completed,
// or closed; a cancelled order is void.
func (w *WorkOrder) SLA() deadline.Item {
	return deadline.Item{
		Clocks: []deadline.Clock{SLAClock(w.CreatedAt, w.RespondBy, w.RespondedAt), SLAClock(w.CreatedAt, w.ArriveBy, w.ArrivedAt),
			SLAClock(w.CreatedAt, w.CompleteBy, w.CompletedAt)},
		Running:  w.State != StateCancelled && w.State != StateClosed,
		Finished: w.CompletedAt != nil || w.State == StateClosed,
		Void:     w.State == StateCancelled,
	}
}

// SLAStatusAt returns the order's SLA status at now (WorkOrder.SLAStatus).
func (w *WorkOrder) SLAStatusAt(now time.Time) string {
	return string(WorkOrderSLA.Status(w.SLA(), now))
}

// SLAClock returns an SLA clock of an order taken in at created, due at
// due and met at met; nil for none.
func SLAClock(created time.Time, due, met *time.Time) deadline.Clock {
	c := deadline.Clock{Start: created}
	if due != nil {
		c.Due = *due
	}
	if met != nil {
		c.Met = *met
	}
	return c
}

// NextDeadline is the order's next unmet deadline, which urges and breach
// notices name when the timer did not say which: the response deadline
// while the order has none met, else the arrival deadline while nobody
// has arrived; nil when there is none.
func (w *WorkOrder) NextDeadline() *time.Time {
	if w.RespondedAt == nil && w.RespondBy != nil {
		return w.RespondBy
	}
	if w.ArrivedAt == nil {
		return w.ArriveBy
	}
	return nil
}
