package deadline

import (
	"fmt"
	"time"
)

// Op is an operator of a Cond.
type Op uint8

// The operators. Item facts hold anywhere; clock facts only inside Any,
// where they are about the clock in hand, which always has a due time.
const (
	OpTrue Op = iota // always holds
	OpAnd            // every argument holds (true without any)
	OpOr             // some argument holds (false without any)
	OpNot            // the one argument does not hold
	OpAny            // some clock with a due time satisfies the one argument

	OpRunning  // item fact: Item.Running
	OpFinished // item fact: Item.Finished
	OpVoid     // item fact: Item.Void

	OpMetLate // clock fact: met, after its due time
	OpUnmet   // clock fact: not met
	OpPastDue // clock fact: now is after its due time
	OpNearDue // clock fact: the policy's AtRisk threshold is reached at now
)

var opNames = [...]string{"true", "and", "or", "not", "any", "running", "finished", "void", "met_late", "unmet", "past_due", "near_due"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", o)
}

// Cond is a condition of the status rule in declarative form: an operator
// and its arguments. Status evaluates it; an adapter translates it, each
// operator once (core/postgres into SQL), never the rule itself.
type Cond struct {
	Op   Op
	Args []Cond
}

// The conditions without arguments.
var (
	True     = Cond{Op: OpTrue}
	Running  = Cond{Op: OpRunning}
	Finished = Cond{Op: OpFinished}
	Void     = Cond{Op: OpVoid}
	MetLate  = Cond{Op: OpMetLate}
	Unmet    = Cond{Op: OpUnmet}
	PastDue  = Cond{Op: OpPastDue}
	NearDue  = Cond{Op: OpNearDue}
)

// And holds when every c holds.
func And(c ...Cond) Cond { return Cond{Op: OpAnd, Args: c} }

// Or holds when some c holds.
func Or(c ...Cond) Cond { return Cond{Op: OpOr, Args: c} }

// Not holds when c does not.
func Not(c Cond) Cond { return Cond{Op: OpNot, Args: []Cond{c}} }

// Any holds when some clock with a due time satisfies c.
func Any(c Cond) Cond { return Cond{Op: OpAny, Args: []Cond{c}} }

// Case is a status and the condition under which an item has it, unless
// an earlier case's holds.
type Case struct {
	Status Status
	When   Cond
}

// breached is the condition of Breached: a clock met late, whatever
// became of the item, or one overdue while the item runs.
var breached = Or(Any(MetLate), And(Running, Any(And(Unmet, PastDue))))

// rule is the one definition of status.
var rule = []Case{
	{Breached, breached},
	{None, Or(Not(Any(True)), Void)},
	{AtRisk, And(Running, Any(And(Unmet, NearDue)))},
	{Met, Finished},
}

// Rule returns the status rule: an item has the status of the first case
// whose condition holds, and OnTrack when none does. The caller may keep
// and change the result.
func Rule() []Case {
	out := make([]Case, len(rule))
	for i, c := range rule {
		out[i] = Case{Status: c.Status, When: c.When.clone()}
	}
	return out
}

// When returns the condition under which an item has status s, on its own:
// its case's condition and no earlier one's (for OnTrack, no case's), so
// that exactly one status's condition holds for any item. An adapter
// filters by status with it.
func When(s Status) Cond {
	var earlier []Cond
	for _, c := range Rule() {
		if c.Status == s {
			return And(append([]Cond{c.When}, nots(earlier)...)...)
		}
		earlier = append(earlier, c.When)
	}
	if s == OnTrack {
		return And(nots(earlier)...)
	}
	panic(fmt.Sprintf("deadline: unknown status %q", s))
}

func nots(cs []Cond) []Cond {
	out := make([]Cond, len(cs))
	for i, c := range cs {
		out[i] = Not(c)
	}
	return out
}

func (c Cond) clone() Cond {
	if c.Args == nil {
		return c
	}
	args := make([]Cond, len(c.Args))
	for i, a := range c.Args {
		args[i] = a.clone()
	}
	return Cond{Op: c.Op, Args: args}
}

// Holds reports whether c holds for the item at now under p's at-risk
// threshold. It panics on a clock fact outside Any, or an unknown operator.
func (p Policy) Holds(c Cond, it Item, now time.Time) bool {
	return eval(&c, &p.AtRisk, &it, nil, now)
}

// eval evaluates c; k is the clock in hand inside Any. Everything goes by
// pointer: a list computes a status for every order it shows.
func eval(c *Cond, risk *Threshold, it *Item, k *Clock, now time.Time) bool {
	switch c.Op {
	case OpTrue:
		return true
	case OpAnd:
		for i := range c.Args {
			if !eval(&c.Args[i], risk, it, k, now) {
				return false
			}
		}
		return true
	case OpOr:
		for i := range c.Args {
			if eval(&c.Args[i], risk, it, k, now) {
				return true
			}
		}
		return false
	case OpNot:
		return !eval(&c.Args[0], risk, it, k, now)
	case OpAny:
		for i := range it.Clocks {
			if !it.Clocks[i].Due.IsZero() && eval(&c.Args[0], risk, it, &it.Clocks[i], now) {
				return true
			}
		}
		return false
	case OpRunning:
		return it.Running
	case OpFinished:
		return it.Finished
	case OpVoid:
		return it.Void
	}
	if k == nil {
		panic(fmt.Sprintf("deadline: clock fact %s outside Any", c.Op))
	}
	switch c.Op {
	case OpMetLate:
		return !k.Met.IsZero() && k.Met.After(k.Due)
	case OpUnmet:
		return k.Met.IsZero()
	case OpPastDue:
		return now.After(k.Due)
	case OpNearDue:
		return risk.Reached(k.Start, k.Due, now)
	}
	panic(fmt.Sprintf("deadline: unknown operator %s", c.Op))
}
