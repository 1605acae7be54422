package deadline

import (
	"fmt"
	"slices"
	"time"

	"github.com/aftersales/aftersales/core/calendar"
)

// Pause is a time during which a clock does not run, [From, To): waiting
// for the customer, or for parts. A zero To is a pause still going on.
type Pause struct {
	From, To time.Time
}

// Due returns when a clock started at start is due under p in cal, given
// its pauses: the instant at which its running time — working time outside
// the pauses — since start reaches its window, as calendar.Add counts
// working time (for a positive window, the earliest such instant, so a
// window that ends as a pause begins is due then; for a zero window, the
// first running instant). The result is in the calendar's zone.
//
// A window in working days (Policy.Days) is first made a window in
// working time: the working time from start to the close of its last day.
// Unpaused, the clock is due at that close; paused working time pushes it
// later like any other, so a paused clock may fall due within a day.
//
// Pauses may come in any order and overlap; their parts before start are
// ignored. Due returns the zero time when the clock is paused for good
// (a pause with a zero To) before its window is used up: it has no due
// time until the pause ends. Errors wrap ErrInvalid (the policy, or a
// pause that does not end after it begins) or calendar.ErrNoWorkingTime.
func (p Policy) Due(cal *calendar.Calendar, start time.Time, pauses []Pause) (time.Time, error) {
	if err := p.Validate(); err != nil {
		return time.Time{}, err
	}
	window := p.Work
	if p.Days > 0 {
		closing, err := closeAfterDays(cal, start, p.Days)
		if err != nil || len(pauses) == 0 {
			return closing, err
		}
		window = cal.Between(start, closing)
	}
	if len(pauses) == 0 {
		return cal.Add(start, window)
	}
	stops, err := normalize(pauses, start)
	if err != nil {
		return time.Time{}, err
	}
	t, left := start, window
	for _, ps := range stops {
		// The clock runs in [t, ps.From): its window ends there when that
		// holds enough working time, or, for a zero window, any (an open
		// instant always begins a stretch of working time).
		w := cal.Between(t, ps.From)
		if w > 0 && w >= left {
			return cal.Add(t, left)
		}
		if ps.To.IsZero() {
			return time.Time{}, nil
		}
		left -= w
		t = ps.To
	}
	return cal.Add(t, left)
}

// normalize returns the pauses after start, sorted and merged: disjoint,
// not touching, each From at or after start; an open pause is last.
func normalize(pauses []Pause, start time.Time) ([]Pause, error) {
	out := make([]Pause, 0, len(pauses))
	for _, ps := range pauses {
		if !ps.To.IsZero() && !ps.To.After(ps.From) {
			return nil, invalidf("pause from %s to %s does not end after it begins",
				ps.From.Format(time.RFC3339Nano), ps.To.Format(time.RFC3339Nano))
		}
		if !ps.To.IsZero() && !ps.To.After(start) {
			continue
		}
		if ps.From.Before(start) {
			ps.From = start
		}
		out = append(out, ps)
	}
	slices.SortFunc(out, func(a, b Pause) int { return a.From.Compare(b.From) })
	merged := out[:0]
	for _, ps := range out {
		n := len(merged)
		if n == 0 {
			merged = append(merged, ps)
			continue
		}
		switch last := &merged[n-1]; {
		case last.To.IsZero(): // an open pause swallows every later one
		case ps.From.After(last.To):
			merged = append(merged, ps)
		case ps.To.IsZero() || ps.To.After(last.To):
			last.To = ps.To
		}
	}
	return merged, nil
}

// closeAfterDays returns the close of business of the n-th working day
// after the day a clock started at start starts (see Policy.Days).
func closeAfterDays(cal *calendar.Calendar, start time.Time, n int) (time.Time, error) {
	first, ok := cal.NextOpen(start)
	if !ok {
		return time.Time{}, fmt.Errorf("%w (after %s)", calendar.ErrNoWorkingTime, start.Format(time.RFC3339))
	}
	d := calendar.DateOf(first)
	limit := int(calendar.Horizon / (24 * time.Hour))
	for closed := 0; ; {
		d = d.AddDays(1)
		closing, ok := cal.Closing(d)
		switch {
		case ok && n == 1:
			return closing, nil
		case ok:
			n, closed = n-1, 0
		default:
			if closed++; closed > limit {
				return time.Time{}, fmt.Errorf("%w (no working day after %s)", calendar.ErrNoWorkingTime, d.AddDays(-closed))
			}
		}
	}
}
