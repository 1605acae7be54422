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

// slaPredicate is the SQL of core.WorkOrder.SLAStatusAt for list filters
// ({now} is now), written from the deadline engine's rule; the test
// TestSLAPredicateMatchesStatus holds the two together.
var slaPredicate = map[string]string{
	"breached": workOrderSLA.statusSQL(core.WorkOrderSLA, deadline.Breached),
	"at_risk":  workOrderSLA.statusSQL(core.WorkOrderSLA, deadline.AtRisk),
}
