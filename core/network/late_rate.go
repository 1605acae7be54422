package network

import (
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// LateRateWindow is how far back a site's late-arrival rate looks: the
// orders it was given, and the arrival deadlines it missed, in the last
// 30 days.
const LateRateWindow = 30 * 24 * time.Hour

// LateRateMiss is the kind of missed deadline the rate counts: arrivals
// (a late response is the dispatcher's or the site's desk's, not the
// field's).
const LateRateMiss = core.TimerArrivalOverdue

// LateRateSince is the start of the window of a rate computed at now:
// orders given and misses recorded after it count.
func LateRateSince(now time.Time) time.Time { return now.Add(-LateRateWindow) }

// LateRate is a site's late-arrival rate (core.Site.LateRate, which
// dispatch ranks by) from the orders it was given and the arrival
// deadlines it missed within the window: misses over orders, at most 1 (a
// miss of an order given before the window counts against those within
// it). ok is false when it was given no order in the window: the site
// keeps its last rate rather than looking punctual for want of work.
func LateRate(orders, misses int) (rate float64, ok bool) {
	if orders <= 0 {
		return 0, false
	}
	return min(1, float64(misses)/float64(orders)), true
}

// SiteLateCounts are what a site's late-arrival rate is computed from,
// with the rate it has now.
type SiteLateCounts struct {
	SiteID uuid.UUID
	Orders int
	Misses int
	Rate   float64
}

// NewLateRate is the rate to store for c, and whether it changes.
func (c SiteLateCounts) NewLateRate() (float64, bool) {
	rate, ok := LateRate(c.Orders, c.Misses)
	if !ok || c.Rate == rate {
		return 0, false
	}
	return rate, true
}
