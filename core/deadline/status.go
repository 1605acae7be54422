package deadline

import "time"

// Status is where an item stands against its deadlines, as the API shows
// it.
type Status string

// The statuses, in the order Rule decides them.
const (
	Breached Status = "breached" // a clock was met late, or is overdue while the item runs
	None     Status = "none"     // no clock has a due time, or the item was called off
	AtRisk   Status = "at_risk"  // a clock of a running item reached its at-risk threshold unmet
	Met      Status = "met"      // the work is done, every deadline kept
	OnTrack  Status = "on_track" // none of the above
)

// Statuses lists every status.
func Statuses() []Status { return []Status{None, OnTrack, AtRisk, Breached, Met} }

// Clock is one deadline of an item: when its window began, when it is due
// (zero: it has none, such as a work order whose service type sets no
// target, or a clock paused for good) and when it was met (zero: not yet).
type Clock struct {
	Start, Due, Met time.Time
}

// Missed reports whether the clock's due time has passed at now (now is
// after it) without its having been met by then: the moment a timer
// records a breach. A clock met late counts, once its due time has passed.
func (c Clock) Missed(now time.Time) bool {
	return !c.Due.IsZero() && now.After(c.Due) && (c.Met.IsZero() || c.Met.After(c.Due))
}

// Item is what has clocks: a work order (respond, arrive, complete), a
// complaint, a callback task, a claim. Its flags say where its work stands.
type Item struct {
	Clocks []Clock
	// Running: its clocks run, so an unmet one can fall at risk or overdue
	// (a work order that is not cancelled or closed).
	Running bool
	// Finished: its work is done (a work order completed, or closed).
	Finished bool
	// Void: it was called off (a cancelled work order); only a clock met
	// late still counts against it.
	Void bool
}

// Status returns the item's status at now under p's at-risk threshold: the
// status of the first case of Rule whose condition holds, else OnTrack.
func (p Policy) Status(it Item, now time.Time) Status {
	for i := range rule {
		if eval(&rule[i].When, &p.AtRisk, &it, nil, now) {
			return rule[i].Status
		}
	}
	return OnTrack
}

// ClockStatus returns the status of a lone clock, an item of its own that
// runs until it is met and is finished then: Breached when met late or
// overdue, None without a due time, AtRisk, Met when met in time, else
// OnTrack.
func (p Policy) ClockStatus(c Clock, now time.Time) Status {
	return p.Status(Item{Clocks: []Clock{c}, Running: true, Finished: !c.Met.IsZero()}, now)
}

// WarnAt returns when the clock's warning is due: its Warn threshold's
// point (Threshold.At). Meaningless for a clock without a due time.
func (p Policy) WarnAt(c Clock) time.Time { return p.Warn.At(c.Start, c.Due) }

// Warning reports whether the clock's warning is due at now: it has a due
// time, is unmet, its due time has not passed and its Warn threshold is
// reached. A timer warns once while this holds.
func (p Policy) Warning(c Clock, now time.Time) bool {
	return !c.Due.IsZero() && c.Met.IsZero() && !now.After(c.Due) && !now.Before(p.WarnAt(c))
}
