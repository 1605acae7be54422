package postgres

import (
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/deadline"
)

// workOrderSLA is core.WorkOrder.SLA in SQL, over a work_orders row w.
var workOrderSLA = deadlineColumns{
	clocks: []clockColumns{{start: "w.created_at", due: "w.respond_by", met: "w.responded_at"},
		{start: "w.created_at", due: "w.arrive_by", met: "w.arrived_at"},
		{start: "w.created_at", due: "w.complete_by", met: "w.completed_at"}},
	running:  "w.state NOT IN ('" + core.StateCancelled + "', '" + core.StateClosed + "')",
	finished: "w.completed_at IS NOT NULL OR w.state = '" + core.StateClosed + "'",
	void:     "w.state = '" + core.StateCancelled + "'",
}

// slaPredicate is the SQL of core.WorkOrder.SLAStatusAt for list filters,
// one condition per status ({now} is now), written from the deadline
// engine's rule; the test TestSLAPredicateMatchesStatus holds the two
// together.
var slaPredicate = func() map[string]string {
	m := map[string]string{}
	for _, s := range deadline.Statuses() {
		m[string(s)] = workOrderSLA.statusSQL(core.WorkOrderSLA, s)
	}
	return m
}()
