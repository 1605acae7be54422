package postgres

import (
	"strconv"
	"strings"
	"time"

	"github.com/aftersales/aftersales/core/deadline"
)

// deadlineColumns is where a table keeps an item's clocks and facts, as
// SQL expressions over one row, so that the deadline engine's status rule
// (deadline.When) can be written as a WHERE condition. The translation
// goes operator by operator: the rule itself is never written here.
type deadlineColumns struct {
	clocks []clockColumns
	// running, finished and void are deadline.Item's facts as conditions
	// that are never NULL.
	running, finished, void string
}

// clockColumns are a clock's start (never NULL), due time and met time
// (NULL: none), as timestamptz expressions.
type clockColumns struct {
	start, due, met string
}

// statusSQL returns the condition, never NULL, under which a row has
// status s under p's at-risk threshold at {now} (a timestamptz placeholder
// the caller replaces).
//
// It agrees with deadline.Policy.Status for values at the database's
// microsecond precision (TestSLAPredicateMatchesStatus): a lead time is
// compared as the engine does; a fraction is computed in float8 on the
// window in nanoseconds and truncated, as the engine computes it in
// float64, exactly for windows under 2^53 ns (104 days).
func (dc deadlineColumns) statusSQL(p deadline.Policy, s deadline.Status) string {
	return dc.cond(deadline.When(s), p.AtRisk, nil)
}

func (dc deadlineColumns) cond(c deadline.Cond, risk deadline.Threshold, k *clockColumns) string {
	join := func(sep, empty string) string {
		if len(c.Args) == 0 {
			return empty
		}
		parts := make([]string, len(c.Args))
		for i, a := range c.Args {
			parts[i] = dc.cond(a, risk, k)
		}
		return "(" + strings.Join(parts, sep) + ")"
	}
	const now = "{now}::timestamptz"
	switch c.Op {
	case deadline.OpTrue:
		return "true"
	case deadline.OpAnd:
		return join(" AND ", "true")
	case deadline.OpOr:
		return join(" OR ", "false")
	case deadline.OpNot:
		return "NOT (" + dc.cond(c.Args[0], risk, k) + ")"
	case deadline.OpAny:
		parts := make([]string, len(dc.clocks))
		for i := range dc.clocks {
			parts[i] = "(" + dc.clocks[i].due + " IS NOT NULL AND " + dc.cond(c.Args[0], risk, &dc.clocks[i]) + ")"
		}
		if len(parts) == 0 {
			return "false"
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	case deadline.OpRunning:
		return "(" + dc.running + ")"
	case deadline.OpFinished:
		return "(" + dc.finished + ")"
	case deadline.OpVoid:
		return "(" + dc.void + ")"
	case deadline.OpMetLate:
		return "(" + k.met + " IS NOT NULL AND " + k.met + " > " + k.due + ")"
	case deadline.OpUnmet:
		return k.met + " IS NULL"
	case deadline.OpPastDue:
		return k.due + " < " + now
	case deadline.OpNearDue:
		if risk.Fraction > 0 {
			return "((extract(epoch FROM " + now + " - " + k.start + ") * 1000000000)::float8 >= trunc((extract(epoch FROM " +
				k.due + " - " + k.start + ") * 1000000000)::float8 * " + strconv.FormatFloat(risk.Fraction, 'g', -1, 64) + "::float8))"
		}
		if risk.Before%time.Microsecond != 0 {
			panic("postgres: an at-risk lead time finer than the database's microseconds: " + risk.Before.String())
		}
		return k.due + " < " + now + " + interval '" + strconv.FormatInt(risk.Before.Microseconds(), 10) + " microseconds'"
	}
	panic("postgres: deadline operator " + c.Op.String() + " has no SQL")
}
