package postgres

import (
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/deadline"
)

// SLAStatus is the Go status the list filters must agree with.
func SLAStatus(w *core.WorkOrder, now time.Time) string { return w.SLAStatusAt(now) }

// SLAPredicates are the list filters by SLA status.
var SLAPredicates = slaPredicate

// WorkOrderStatusSQL is the condition under which a work_orders row w has
// status s under policy p at {now}, as the list filters write it.
func WorkOrderStatusSQL(p deadline.Policy, s deadline.Status) string {
	return workOrderSLA.statusSQL(p, s)
}
