// Package deadline is the deadline engine: every clock of the platform — a
// work order's response, arrival and completion SLAs, a complaint's
// deadline in working days, a callback due within days of an
// installation, a claim's audit — is a Policy applied in the tenant's
// business calendar (core/calendar).
//
// A clock starts at an instant, runs only in working time and not while it
// is paused, and is due once its policy's window of running time is used
// up (Policy.Due). Until it is met it may be at risk, then overdue. An
// item with several clocks has one status (Policy.Status), decided by a
// rule written once, in declarative form (Rule, When): Go evaluates it
// here and an adapter translates it (core/postgres writes it as SQL), so
// that a list filtered in the database and the status it shows agree.
// Timers ask the engine when a clock warns and when it is missed
// (Policy.WarnAt, Policy.Warning, Clock.Missed) rather than computing it.
//
// The package is pure: no I/O and no clock of its own; callers pass now.
package deadline

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Policy is what a kind of clock promises: its window, in working minutes
// or in working days, and when it warns.
type Policy struct {
	// Work is the window in working time: the clock is due once this much
	// running time has passed since its start, as calendar.Add counts it.
	// A zero window is due at the clock's first running instant (a clock
	// started at night is due when the tenant opens). Whole minutes in
	// practice; any non-negative duration is accepted.
	Work time.Duration
	// Days, when positive, is the window in working days instead of Work:
	// the clock is due at the close of business (calendar.Closing) of the
	// Days-th working day after the day it starts. The day it starts is
	// the local date of its first working instant at or after its start,
	// so a clock started after hours or on a closed day starts on the next
	// working day; a working day is a date with working time. On a
	// Monday-to-Friday 09:00–18:00 calendar with Days 3, a complaint taken
	// on Monday at 10:00 is due on Thursday at 18:00; one taken on Monday
	// at 22:00, on Friday at 18:00 (Tuesday is its first day); one taken
	// on Saturday, on Thursday at 18:00 (Monday is its first day).
	Days int
	// AtRisk is when an unmet clock counts as at risk (status AtRisk).
	AtRisk Threshold
	// Warn is when a timer warns about an unmet clock (a work order's
	// automatic urge); independent of AtRisk.
	Warn Threshold
}

// Threshold is a clock's warning point: a fixed lead time before its due
// time, or a fraction of its window. The zero Threshold is reached only
// once the due time has passed, so it never warns.
type Threshold struct {
	// Before is the lead time: the threshold is reached once less than
	// Before remains until the due time (now + Before is after it).
	Before time.Duration
	// Fraction, when positive, replaces Before: the threshold is reached
	// once this part, in (0, 1], of the wall-clock window from the
	// clock's start to its due time (after any pauses) has passed.
	Fraction float64
}

// Before returns the threshold reached once less than d remains until the
// due time: Before(time.Hour) is "at risk within the last hour".
func Before(d time.Duration) Threshold { return Threshold{Before: d} }

// Fraction returns the threshold reached once the part f of the window
// from start to due has passed: Fraction(0.8) is "urge at 80 %".
func Fraction(f float64) Threshold { return Threshold{Fraction: f} }

// At returns the first instant at which the threshold is reached for a
// clock started at start and due at due: for a Fraction f, start +
// f·(due−start), truncated to the nanosecond; for a lead time d, one
// nanosecond after due−d (the first instant with less than d left).
func (t Threshold) At(start, due time.Time) time.Time {
	if t.Fraction > 0 {
		return start.Add(time.Duration(float64(due.Sub(start)) * t.Fraction))
	}
	return due.Add(1 - t.Before)
}

// Reached reports whether the threshold is reached at now: now is not
// before At(start, due).
func (t Threshold) Reached(start, due, now time.Time) bool {
	return !now.Before(t.At(start, due))
}

// String describes the threshold: "1h0m0s before due" or "80% of the
// window".
func (t Threshold) String() string {
	if t.Fraction > 0 {
		return strconv.FormatFloat(t.Fraction*100, 'g', -1, 64) + "% of the window"
	}
	return t.Before.String() + " before due"
}

// ErrInvalid is wrapped by every error about a malformed policy or pause;
// the message says what is wrong.
var ErrInvalid = errors.New("deadline: invalid")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Validate checks the policy: a non-negative window, Work or Days but not
// both, and thresholds with a non-negative lead time or a fraction in
// (0, 1], not both. Errors wrap ErrInvalid.
func (p Policy) Validate() error {
	switch {
	case p.Work < 0:
		return invalidf("negative window %v", p.Work)
	case p.Days < 0:
		return invalidf("negative window of %d working days", p.Days)
	case p.Days > 0 && p.Work > 0:
		return invalidf("a window in working time (%v) and in working days (%d) at once", p.Work, p.Days)
	}
	if err := p.AtRisk.validate(); err != nil {
		return fmt.Errorf("at-risk threshold: %w", err)
	}
	if err := p.Warn.validate(); err != nil {
		return fmt.Errorf("warning threshold: %w", err)
	}
	return nil
}

func (t Threshold) validate() error {
	switch {
	case t.Before < 0:
		return invalidf("negative lead time %v", t.Before)
	case math.IsNaN(t.Fraction) || t.Fraction < 0 || t.Fraction > 1:
		return invalidf("fraction %v is not in (0, 1]", t.Fraction)
	case t.Fraction > 0 && t.Before != 0:
		return invalidf("a lead time (%v) and a fraction (%v) at once", t.Before, t.Fraction)
	}
	return nil
}
