package postgres

import (
	"encoding/json"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/deadline"
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

// workOrderSLA is core.WorkOrder.SLA in SQL, over a work_orders row w.
var workOrderSLA = deadlineColumns{
	clocks: []clockColumns{{start: "w.created_at", due: "w.respond_by", met: "w.responded_at"},
		{start: "w.created_at", due: "w.arrive_by", met: "w.arrived_at"},
		{start: "w.created_at", due: "w.complete_by", met: "w.completed_at"}},
	running:  "w.state NOT IN ('" + core.StateCancelled + "', '" + core.StateClosed + "')",
	finished: "w.completed_at IS NOT NULL OR w.state = '" + core.StateClosed + "'",
	void:     "w.state = '" + core.StateCancelled + "'",
}

// slaPredicate is the SQL of slaStatus for list filters ({now} is now),
// written from the deadline engine's rule.
var slaPredicate = map[string]string{
	"breached": workOrderSLA.statusSQL(core.WorkOrderSLA, deadline.Breached),
	"at_risk":  workOrderSLA.statusSQL(core.WorkOrderSLA, deadline.AtRisk),
}
