// Package calendar holds tenant business calendars: the working hours
// against which SLA deadlines ("respond within 2 working hours, complete
// within 3 working days") are counted.
//
// A calendar has an IANA time zone, working hours per weekday (several
// intervals a day, or none), public holidays (closed dates) and special
// days (make-up working days, 调休, or changed hours) that override the
// weekday. Hours are wall-clock times in the tenant's zone: an instant is
// open when its local clock reading falls inside an interval of its local
// date. Working time is real elapsed time over the open instants, so on a
// DST day an interval that spans the change is an hour shorter (spring) or
// longer (autumn, when the repeated hour is open twice).
//
// A Calendar is immutable and safe for concurrent use.
package calendar

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Interval is one span of working hours within a local day, [Start, End),
// as wall-clock offsets from local midnight: 08:30–12:00 is
// {8*time.Hour + 30*time.Minute, 12 * time.Hour}. Bounds are whole minutes
// with 0 <= Start < End <= 24h. A shift past midnight is two intervals,
// one ending at 24:00 and one starting at 00:00 the next day.
type Interval struct {
	Start, End time.Duration
}

// String returns the interval as "08:30-12:00", the form ParseInterval reads.
func (iv Interval) String() string {
	return formatClock(iv.Start) + "-" + formatClock(iv.End)
}

// ErrInvalid is wrapped by every error about a malformed calendar or
// calendar setting; the message says what is wrong. The API layer maps it
// to a 4xx.
var ErrInvalid = errors.New("calendar: invalid")

type invalidError struct{ msg, field string }

func (e *invalidError) Error() string        { return e.msg }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{msg: "calendar: " + fmt.Sprintf(format, args...)}
}

// fieldInvalidf is invalidf naming the setting at fault, as Field reports it.
func fieldInvalidf(field, format string, args ...any) error {
	return &invalidError{msg: "calendar: " + fmt.Sprintf(format, args...), field: field}
}

// Field returns the path, within a Spec's JSON form, of the setting an
// ErrInvalid error is about: "time_zone", "week.mon", "holidays",
// "workdays.2025-02-08"; "" when the error names none.
func Field(err error) string {
	var e *invalidError
	if errors.As(err, &e) {
		return e.field
	}
	return ""
}

// day is the working hours of one date, sorted, disjoint and not touching,
// with their total precomputed so that arithmetic can skip whole days.
type day struct {
	hours []Interval
	total time.Duration
}

// Calendar is a tenant's business calendar. Build it with New, Default or
// Spec.Calendar; the zero value is a calendar in UTC that is never open.
type Calendar struct {
	loc      *time.Location
	week     [7]day
	holidays map[Date]struct{}
	workdays map[Date]day
}

// New returns the calendar in the IANA zone tz (such as "Asia/Shanghai";
// "" and "Local" are refused so that a calendar never depends on the
// server's zone) with working hours week, indexed by time.Weekday; the
// closed dates holidays; and workdays, whose hours replace the weekday's
// on their date (make-up working days on a weekend, or shortened hours).
// Intervals of a day may come in any order; they must not overlap, and
// touching ones are merged. A date may not be both a holiday and a
// workday, and a workday must have hours (a closed date is a holiday).
// Errors wrap ErrInvalid, except when the zone database cannot be read.
func New(tz string, week [7][]Interval, holidays []Date, workdays map[Date][]Interval) (*Calendar, error) {
	loc, err := loadLocation(tz)
	if err != nil {
		return nil, err
	}
	c := &Calendar{loc: loc}
	for wd := range week {
		if c.week[wd], err = newDay(week[wd]); err != nil {
			return nil, fieldInvalidf("week."+weekdayKeys[wd], "%s: %v", time.Weekday(wd), err)
		}
	}
	if len(holidays) > 0 {
		c.holidays = make(map[Date]struct{}, len(holidays))
		for _, d := range holidays {
			if !d.IsValid() {
				return nil, fieldInvalidf("holidays", "holiday %s is not a valid date", d)
			}
			c.holidays[d] = struct{}{}
		}
	}
	if len(workdays) > 0 {
		c.workdays = make(map[Date]day, len(workdays))
		for d, hours := range workdays {
			if !d.IsValid() {
				return nil, fieldInvalidf("workdays."+d.String(), "workday %s is not a valid date", d)
			}
			if _, ok := c.holidays[d]; ok {
				return nil, fieldInvalidf("workdays."+d.String(), "%s is both a holiday and a workday", d)
			}
			if len(hours) == 0 {
				return nil, fieldInvalidf("workdays."+d.String(), "workday %s has no hours; list a closed date as a holiday", d)
			}
			if c.workdays[d], err = newDay(hours); err != nil {
				return nil, fieldInvalidf("workdays."+d.String(), "workday %s: %v", d, err)
			}
		}
	}
	return c, nil
}

// Default returns the calendar most tenants start from: Monday to Friday
// 09:00–18:00 without a lunch break, no holidays, in the zone tz.
func Default(tz string) (*Calendar, error) {
	var week [7][]Interval
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = []Interval{{9 * time.Hour, 18 * time.Hour}}
	}
	return New(tz, week, nil, nil)
}

func loadLocation(tz string) (*time.Location, error) {
	switch tz {
	case "":
		return nil, fieldInvalidf("time_zone", "time zone is required (an IANA name such as Asia/Shanghai)")
	case "Local":
		return nil, fieldInvalidf("time_zone", "time zone must be an IANA name such as Asia/Shanghai, not Local")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		// LoadLocation says "unknown time zone" both for a bad name and for
		// a missing zone database; only the former is the caller's fault.
		if _, probeErr := time.LoadLocation("Europe/Berlin"); probeErr != nil {
			return nil, fmt.Errorf("calendar: time zone database unavailable: %w", err)
		}
		return nil, fieldInvalidf("time_zone", "unknown time zone %q", tz)
	}
	return loc, nil
}

// newDay validates the intervals of one day and returns them sorted, with
// touching intervals merged.
func newDay(ivs []Interval) (day, error) {
	for _, iv := range ivs {
		if err := checkInterval(iv); err != nil {
			return day{}, err
		}
	}
	sorted := slices.Clone(ivs)
	slices.SortFunc(sorted, func(a, b Interval) int { return cmp.Compare(a.Start, b.Start) })
	var d day
	for _, iv := range sorted {
		if n := len(d.hours); n > 0 {
			last := &d.hours[n-1]
			if iv.Start < last.End {
				return day{}, fmt.Errorf("interval %s overlaps %s", iv, *last)
			}
			if iv.Start == last.End {
				last.End = iv.End
				d.total += iv.End - iv.Start
				continue
			}
		}
		d.hours = append(d.hours, iv)
		d.total += iv.End - iv.Start
	}
	return d, nil
}

func checkInterval(iv Interval) error {
	switch {
	case iv.Start < 0 || iv.End > 24*time.Hour || iv.Start > 24*time.Hour || iv.End < 0:
		return fmt.Errorf("interval %s is outside 00:00-24:00", iv)
	case iv.Start%time.Minute != 0 || iv.End%time.Minute != 0:
		return fmt.Errorf("interval %s is not in whole minutes", iv)
	case iv.End <= iv.Start:
		return fmt.Errorf("interval %s does not end after it starts (split a shift past midnight at 24:00)", iv)
	}
	return nil
}

// formatClock writes an offset from midnight as "08:30", or as a Go
// duration when it is not a whole minute in 00:00–24:00 (only in errors).
func formatClock(d time.Duration) string {
	if d < 0 || d > 24*time.Hour || d%time.Minute != 0 {
		return d.String()
	}
	m := int(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// Location returns the calendar's time zone; results of Add and NextOpen
// are in it.
func (c *Calendar) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// Hours returns the working hours on date d, sorted and merged; nil when
// it is closed.
func (c *Calendar) Hours(d Date) []Interval {
	return slices.Clone(c.dayOf(d, d.midnight().Weekday()).hours)
}

func (c *Calendar) dayOf(d Date, wd time.Weekday) day {
	if w, ok := c.workdays[d]; ok {
		return w
	}
	if _, ok := c.holidays[d]; ok {
		return day{}
	}
	return c.week[wd]
}

// IsOpen reports whether t is within working hours: whether its wall clock
// in the calendar's zone falls in an interval [Start, End) of its local
// date. The closing instant itself is closed.
func (c *Calendar) IsOpen(t time.Time) bool {
	l := t.In(c.Location())
	y, m, d := l.Date()
	hh, mm, ss := l.Clock()
	clock := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute +
		time.Duration(ss)*time.Second + time.Duration(l.Nanosecond())
	for _, iv := range c.dayOf(Date{y, m, d}, l.Weekday()).hours {
		if clock >= iv.Start && clock < iv.End {
			return true
		}
	}
	return false
}
