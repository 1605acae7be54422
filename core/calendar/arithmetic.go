package calendar

import (
	"errors"
	"fmt"
	"time"
)

// Horizon is how far Add and NextOpen search past the last working time
// they found before they give up: a calendar without hours for that long
// is treated as having none.
const Horizon = 3 * 366 * 24 * time.Hour

// ErrNoWorkingTime is returned by Add when the calendar has no working
// time within Horizon, such as a calendar with no hours at all.
var ErrNoWorkingTime = errors.New("calendar: no working time within the horizon")

// Add returns the instant at which d of working time has elapsed after
// start, in the calendar's zone. When start is outside working hours the
// count begins at the next opening. For d > 0 the result is the earliest t
// with Between(start, t) == d, so a deadline that uses up a day's last
// minute falls on the closing time, not on the next opening. For d == 0
// the result is NextOpen(start): a zero-length SLA started at night is due
// when the tenant opens, not at the instant it was raised. Add fails for a
// negative d, and with ErrNoWorkingTime when it finds no working time
// within Horizon.
//
// Add steps through the working intervals and skips whole days by their
// precomputed totals, so its cost grows with the calendar days spanned.
func (c *Calendar) Add(start time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("calendar: negative duration %v", d)
	}
	k := c.cursorAt(start)
	progress := k.t // the last instant at which working time was found
	for {
		day := k.day()
		if n := len(day.hours); n > 0 {
			last := k.instant(day.hours[n-1].End)
			if d > day.total && k.holdsWholeDay(day, last) {
				d -= day.total
				progress = last
			} else {
				for _, iv := range day.hours {
					a, b := k.clip(iv)
					if !a.Before(b) {
						continue
					}
					span := b.Sub(a)
					if d <= span {
						return a.Add(d).In(c.Location()), nil
					}
					d -= span
					progress = b
				}
			}
		}
		k.next()
		if k.t.Sub(progress) > Horizon {
			return time.Time{}, fmt.Errorf("%w (searched %s to %s)", ErrNoWorkingTime,
				progress.In(c.Location()).Format(time.DateOnly), k.t.In(c.Location()).Format(time.DateOnly))
		}
	}
}

// NextOpen returns the first instant at or after t that is within working
// hours (t itself when it is open), in the calendar's zone; false when
// there is none within Horizon.
func (c *Calendar) NextOpen(t time.Time) (time.Time, bool) {
	next, err := c.Add(t, 0)
	return next, err == nil
}

// Closing returns the close of business of date d: the instant at which
// the last working time of that local date ends, in the calendar's zone;
// false when d has no working time (it is closed, or its only hours fall
// in an hour that a change to summer time skips, or d is not a valid
// date). Hours that end at 24:00 close at the next local midnight, even
// when the next day opens at 00:00.
func (c *Calendar) Closing(d Date) (time.Time, bool) {
	if !d.IsValid() {
		return time.Time{}, false
	}
	hours := c.dayOf(d, d.midnight().Weekday()).hours
	if len(hours) == 0 {
		return time.Time{}, false
	}
	// No zone is ahead of UTC by more than 14 hours, so 15 hours before
	// d's midnight in UTC is still the day before d everywhere; the walk
	// from there meets d with nothing of it behind the walk position, and
	// visits its open instants once each, in order, across any change of
	// offset.
	var closing time.Time
	for k := c.cursorAt(d.midnight().Add(-15 * time.Hour)); ; k.next() {
		y, m, dd := k.base.Date()
		switch day := (Date{y, m, dd}); {
		case day == d:
			for _, iv := range hours {
				if from, to := k.clip(iv); from.Before(to) {
					closing = to
				}
			}
		case d.Before(day):
			return closing.In(c.Location()), !closing.IsZero()
		}
	}
}

// Between returns the working time in [a, b): the real elapsed time of the
// open instants in it. It is 0 when b is not after a. Its cost grows with
// the calendar days from a to b.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	b = b.Round(0)
	if !a.Before(b) {
		return 0
	}
	var sum time.Duration
	for k := c.cursorAt(a); k.t.Before(b); k.next() {
		day := k.day()
		n := len(day.hours)
		if n == 0 {
			continue
		}
		if last := k.instant(day.hours[n-1].End); !last.After(b) && k.holdsWholeDay(day, last) {
			sum += day.total
			continue
		}
		for _, iv := range day.hours {
			from, to := k.clip(iv)
			if to.After(b) {
				to = b
			}
			if from.Before(to) {
				sum += to.Sub(from)
			}
		}
	}
	return sum
}

// cursor walks forward through time one local day at a time. Within a zone
// period (a stretch with one UTC offset) the wall clock is the instant plus
// the offset, so a day's intervals map to instants by subtracting it. At a
// change of offset the cursor starts a new period: the day on which the
// change falls is walked again with the new offset, clipped to the part
// after the change. Every open instant is thus visited exactly once, in
// order, whichever way and at whatever hour the zone jumps; the hour that
// spring skips is never open, and the hour autumn repeats is open twice if
// it is within hours.
type cursor struct {
	c    *Calendar
	t    time.Time     // the walk position: everything before t is done
	off  time.Duration // the UTC offset of the zone period holding t
	end  time.Time     // the end of that period; zero if it never ends
	base time.Time     // local midnight of t's day, written as a UTC time
}

func (c *Calendar) cursorAt(t time.Time) cursor {
	k := cursor{c: c}
	k.seek(t.Round(0)) // drop any monotonic reading: we compare wall times
	return k
}

func (k *cursor) seek(t time.Time) {
	l := t.In(k.c.Location())
	_, off := l.Zone()
	_, k.end = l.ZoneBounds()
	y, m, d := l.Date()
	k.t, k.off, k.base = t, time.Duration(off)*time.Second, time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// next moves to the next local midnight, or to the next zone period if it
// starts first.
func (k *cursor) next() {
	base := k.base.Add(24 * time.Hour)
	t := base.Add(-k.off)
	if !k.end.IsZero() && !t.Before(k.end) {
		k.seek(k.end)
		return
	}
	k.t, k.base = t, base
}

// day returns the working hours of the cursor's local date.
func (k *cursor) day() day {
	y, m, d := k.base.Date()
	return k.c.dayOf(Date{y, m, d}, k.base.Weekday())
}

// instant returns the instant at which the wall clock of the cursor's day
// reads w, in the cursor's zone period.
func (k *cursor) instant(w time.Duration) time.Time {
	return k.base.Add(w - k.off)
}

// clip returns the part of iv on the cursor's day that lies between the
// walk position and the end of the zone period; from >= to when empty.
func (k *cursor) clip(iv Interval) (from, to time.Time) {
	from, to = k.instant(iv.Start), k.instant(iv.End)
	if from.Before(k.t) {
		from = k.t
	}
	if !k.end.IsZero() && to.After(k.end) {
		to = k.end
	}
	return from, to
}

// holdsWholeDay reports whether all of day's hours, the last of which ends
// at last, lie after the walk position and within the zone period, so that
// they add up to day.total.
func (k *cursor) holdsWholeDay(day day, last time.Time) bool {
	return !k.instant(day.hours[0].Start).Before(k.t) && (k.end.IsZero() || !last.After(k.end))
}
