package postgres

// slaPredicate is the SQL of workorder.SLAStatus for list filters ({now}
// is now); the test TestSLAPredicateAgreesWithStatus holds the two
// together.
var slaPredicate = map[string]string{
	"breached": `(w.responded_at > w.respond_by OR w.arrived_at > w.arrive_by OR w.completed_at > w.complete_by OR
		(w.state NOT IN ('cancelled', 'closed') AND (
			(w.responded_at IS NULL AND w.respond_by < {now}) OR (w.arrived_at IS NULL AND w.arrive_by < {now}) OR
			(w.completed_at IS NULL AND w.complete_by < {now}))))`,
	"at_risk": `(w.state NOT IN ('cancelled', 'closed') AND NOT (w.responded_at > w.respond_by OR w.arrived_at > w.arrive_by OR
			w.completed_at > w.complete_by OR (w.responded_at IS NULL AND w.respond_by < {now}) OR
			(w.arrived_at IS NULL AND w.arrive_by < {now}) OR (w.completed_at IS NULL AND w.complete_by < {now})) IS TRUE
		AND ((w.responded_at IS NULL AND w.respond_by < {now} + interval '1 hour') OR
			(w.arrived_at IS NULL AND w.arrive_by < {now} + interval '1 hour') OR
			(w.completed_at IS NULL AND w.complete_by < {now} + interval '1 hour')))`,
}
