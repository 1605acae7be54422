package postgres

import (
	"encoding/json"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
)

// maxCachedCalendars bounds the calendar cache; past it, it starts afresh.
const maxCachedCalendars = 10000

// calendarOf returns the tenant's business calendar, built once per zone
// and settings and then shared: building one reads the zone database from
// disk, too slow for every intake. Calendars are immutable.
func (s *Store) calendarOf(tz string, spec []byte) (*calendar.Calendar, error) {
	key := tz + "\x00" + string(spec)
	if c, ok := s.calendars.Load(key); ok {
		return c.(*calendar.Calendar), nil
	}
	cal, err := tenantCalendar(tz, spec)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "the tenant's business calendar is invalid: %v", err)
	}
	if s.calendarCount.Add(1) > maxCachedCalendars {
		s.calendars.Clear()
		s.calendarCount.Store(1)
	}
	s.calendars.Store(key, cal)
	return cal, nil
}

// tenantCalendar is the tenant's business calendar: its stored spec, or by
// default every day 08:00–20:00 in its time zone (service desks of
// manufacturers work weekends).
func tenantCalendar(tz string, spec []byte) (*calendar.Calendar, error) {
	var sp calendar.Spec
	if len(spec) > 2 {
		if err := json.Unmarshal(spec, &sp); err != nil {
			return nil, err
		}
		if sp.TimeZone == "" {
			sp.TimeZone = tz
		}
		return sp.Calendar()
	}
	var week [7][]calendar.Interval
	for d := range week {
		week[d] = []calendar.Interval{{Start: 8 * time.Hour, End: 20 * time.Hour}}
	}
	return calendar.New(tz, week, nil, nil)
}

// setDeadlines sets the SLA deadlines of a new order from its service
// type's targets, counted in working time from intake (core.WorkOrderSLA).
func setDeadlines(w *core.WorkOrder, f *intakeFacts, cal *calendar.Calendar, now time.Time) error {
	for _, d := range []struct {
		minutes int
		dst     **time.Time
	}{{f.respond, &w.RespondBy}, {f.arrive, &w.ArriveBy}, {f.complete, &w.CompleteBy}} {
		if d.minutes <= 0 {
			continue
		}
		p := core.WorkOrderSLA
		p.Work = time.Duration(d.minutes) * time.Minute
		at, err := p.Due(cal, now, nil)
		if err != nil {
			return core.Errorf(core.EINVALID, "the tenant's business calendar has no working time: %v", err)
		}
		at = at.Truncate(time.Microsecond)
		*d.dst = &at
	}
	return nil
}

// slaStatus derives an order's SLA status at now.
func slaStatus(w *core.WorkOrder, now time.Time) string {
	return w.SLAStatusAt(now)
}

// slaPredicate is the SQL of slaStatus for list filters ({now} is now).
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
