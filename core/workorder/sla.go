package workorder

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/deadline"
)

// maxCachedCalendars bounds the calendar cache; past it, it starts afresh.
const maxCachedCalendars = 10000

// calendars caches business calendars by zone and settings: building one
// reads the zone database from disk, too slow for every intake.
// Calendars are immutable, so they are shared.
type calendars struct {
	m     sync.Map
	count atomic.Int64
}

// of returns the tenant's business calendar.
func (c *calendars) of(tz string, spec []byte) (*calendar.Calendar, error) {
	key := tz + "\x00" + string(spec)
	if cal, ok := c.m.Load(key); ok {
		return cal.(*calendar.Calendar), nil
	}
	cal, err := tenantCalendar(tz, spec)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "the tenant's business calendar is invalid: %v", err)
	}
	if c.count.Add(1) > maxCachedCalendars {
		c.m.Clear()
		c.count.Store(1)
	}
	c.m.Store(key, cal)
	return cal, nil
}

// tenantCalendar is a tenant's business calendar: its stored spec, or
// core.DefaultCalendar.
func tenantCalendar(tz string, spec []byte) (*calendar.Calendar, error) {
	return core.TenantCalendar(tz, spec)
}

// setDeadlines sets the SLA deadlines of a new order from its service
// type's targets, counted in working time from intake (core.WorkOrderSLA).
func setDeadlines(w *core.WorkOrder, f *IntakeFacts, cal *calendar.Calendar, now time.Time) error {
	for _, d := range []struct {
		minutes int
		dst     **time.Time
	}{{f.RespondMinutes, &w.RespondBy}, {f.ArriveMinutes, &w.ArriveBy}, {f.CompleteMinutes, &w.CompleteBy}} {
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

// filterableSLAStatus reports whether lists filter by the status: every
// status the deadline engine gives an order.
func filterableSLAStatus(status string) bool {
	return slices.Contains(deadline.Statuses(), deadline.Status(status))
}

// SLAStatus derives an order's SLA status at now: none, on_track,
// at_risk, breached or met (core.WorkOrderSLA's rule).
func SLAStatus(w *core.WorkOrder, now time.Time) string { return w.SLAStatusAt(now) }
