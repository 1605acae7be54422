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

// ReportSumSource is the table (alias r) SumBuckets sums for a query.
var ReportSumSource = reportSumSource

// MedianStale is how many median queries found a rollup's bins stale.
func MedianStale() int64 { return medianStale.Load() }

// ReportTTCBounds are the bins' lower bounds of time to complete.
var ReportTTCBounds = reportTTCBounds
