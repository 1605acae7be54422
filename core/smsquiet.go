package core

import (
	"sync"
	"time"
)

// SendAt returns when a text of kind, due now, may go out: now, except for
// customer texts (SMSAudience SMSToCustomer) inside the quiet hours, which
// are held until the quiet hours end, never dropped. Quiet hours are wall
// clock times in loc (the tenant's zone; nil: UTC) and may span midnight
// (21:00–08:00). On a DST change the end is the next instant the local
// clock reads End or later, so a held text never goes out in the night nor
// a day late. A nil receiver is DefaultSMSSettings.
func (s *SMSSettings) SendAt(kind string, now time.Time, loc *time.Location) time.Time {
	if s == nil {
		d := DefaultSMSSettings()
		s = &d
	}
	q := s.QuietHours
	if !q.Enabled || SMSAudience(kind) != SMSToCustomer {
		return now
	}
	start, err1 := parseClock(q.Start)
	end, err2 := parseClock(q.End)
	if err1 != nil || err2 != nil || start == end {
		return now // refused at save time; never hold on a broken setting
	}
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	m := local.Hour()*60 + local.Minute()
	var quiet bool
	if start < end {
		quiet = m >= start && m < end
	} else {
		quiet = m >= start || m < end
	}
	if !quiet {
		return now
	}
	y, mo, d := local.Date()
	if m >= end { // evening part of a span over midnight: tomorrow morning
		d++
	}
	at := wallClock(y, mo, d, end, loc)
	if !at.After(now) {
		return now
	}
	return at
}

// wallClock is the first instant of local date y-mo-d whose clock reads
// min (minutes after midnight) or later. When min falls in a DST gap the
// clock jumps over it, and that jump is the instant; time.Date's choice
// there is unspecified, so the zone period it picked tells the jump.
func wallClock(y int, mo time.Month, d, min int, loc *time.Location) time.Time {
	t := time.Date(y, mo, d, min/60, min%60, 0, 0, loc)
	if t.Hour()*60+t.Minute() == min {
		return t
	}
	start, end := t.ZoneBounds()
	if _, _, ld := t.Date(); ld == time.Date(y, mo, d, 12, 0, 0, 0, time.UTC).Day() && t.Hour()*60+t.Minute() > min {
		if !start.IsZero() {
			return start // picked after the gap: the gap ended where t's period starts
		}
		return t
	}
	if !end.IsZero() {
		return end // picked before the gap: it starts where t's period ends
	}
	return t
}

// zones caches loaded time zones: time.LoadLocation reads the zone
// database from disk on every call, too slow per text.
var zones sync.Map // name → *time.Location

// Location returns the tenant's zone (TimeZone) for SendAt and
// SMSFacts.Location, loaded once per process; UTC when it is empty or
// unknown.
func (s *SMSSettings) Location() *time.Location {
	if s == nil || s.TimeZone == "" {
		return time.UTC
	}
	if loc, ok := zones.Load(s.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil || s.TimeZone == "Local" {
		return time.UTC // not cached: a missing zone database may come back
	}
	zones.Store(s.TimeZone, loc)
	return loc
}
