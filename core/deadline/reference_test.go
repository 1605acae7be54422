package deadline_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/deadline"
)

// The reference below knows nothing of calendar.Add, Between or Closing:
// it walks minute by minute and asks of each minute whether the calendar
// is open then (calendar.IsOpen, itself checked minute by minute against
// the raw hours in core/calendar) and whether a pause holds it. Starts,
// pauses and windows are whole minutes, and the zones have whole-minute
// offsets, so a minute is running or not as a whole.

// propRand returns the random source of a property test, seeded from
// DEADLINE_SEED when set (to replay a failure) and logged.
func propRand(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("DEADLINE_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("DEADLINE_SEED=%d", seed)
	return rand.New(rand.NewPCG(seed, 0xdead))
}

// testZones: Shanghai (no DST), three with DST at night, Beirut (DST at
// midnight) and Lord Howe (a 30-minute shift).
var testZones = []string{"Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC", "Asia/Beirut", "Australia/Lord_Howe"}

// refCase is one random calendar, start and set of pauses.
type refCase struct {
	cal    *calendar.Calendar
	start  time.Time
	pauses []deadline.Pause
}

func (rc refCase) String() string {
	spec, _ := json.Marshal(rc.cal.Spec())
	s := fmt.Sprintf("start %s\ncalendar %s", rc.start.In(rc.cal.Location()).Format(time.RFC3339), spec)
	for _, p := range rc.pauses {
		s += fmt.Sprintf("\npause %s – %s", p.From.In(rc.cal.Location()).Format(time.RFC3339), p.To.In(rc.cal.Location()).Format(time.RFC3339))
	}
	return s
}

// running reports whether the minute from t runs: open and not paused.
func (rc refCase) running(t time.Time) bool {
	return rc.cal.IsOpen(t) && !rc.paused(t)
}

func (rc refCase) paused(t time.Time) bool {
	for _, p := range rc.pauses {
		if !t.Before(p.From) && (p.To.IsZero() || t.Before(p.To)) {
			return true
		}
	}
	return false
}

// pausedForGood reports whether an open pause holds t.
func (rc refCase) pausedForGood(t time.Time) bool {
	for _, p := range rc.pauses {
		if p.To.IsZero() && !t.Before(p.From) {
			return true
		}
	}
	return false
}

const refLimit = 120 * 24 * 60 // minutes

// due walks from start until window of running minutes has passed; for a
// zero window it returns the first running minute. Zero when paused for
// good first.
func (rc refCase) due(window time.Duration) time.Time {
	left := window
	for t, i := rc.start, 0; i < refLimit; t, i = t.Add(time.Minute), i+1 {
		if rc.pausedForGood(t) {
			return time.Time{}
		}
		if rc.running(t) {
			if left == 0 {
				return t
			}
			if left -= time.Minute; left == 0 {
				return t.Add(time.Minute)
			}
		}
	}
	panic("reference: no due time within 120 days")
}

// closeAfterDays finds the first open minute at or after start, then the
// dates after its local date that have an open minute, and returns the end
// of the last open minute of the n-th of them.
func (rc refCase) closeAfterDays(n int) time.Time {
	loc := rc.cal.Location()
	t := rc.start
	for i := 0; !rc.cal.IsOpen(t); i++ {
		if i > refLimit {
			panic("reference: no working time within 120 days")
		}
		t = t.Add(time.Minute)
	}
	first := calendar.DateOf(t.In(loc))
	ends := map[calendar.Date]time.Time{}
	var days []calendar.Date
	for i := 0; i < refLimit; t, i = t.Add(time.Minute), i+1 {
		d := calendar.DateOf(t.In(loc))
		if len(days) >= n {
			slices.SortFunc(days, func(a, b calendar.Date) int {
				if a.Before(b) {
					return -1
				}
				return map[bool]int{true: 1, false: 0}[b.Before(a)]
			})
			if nth := days[n-1]; nth.Before(d) && t.Sub(ends[nth]) > 30*time.Hour {
				return ends[nth]
			}
		}
		if !first.Before(d) || !rc.cal.IsOpen(t) {
			continue
		}
		if _, seen := ends[d]; !seen {
			days = append(days, d)
		}
		ends[d] = t.Add(time.Minute)
	}
	panic("reference: no working days within 120 days")
}

// between counts the open minutes in [a, b).
func (rc refCase) between(a, b time.Time) time.Duration {
	var sum time.Duration
	for t := a; t.Before(b); t = t.Add(time.Minute) {
		if rc.cal.IsOpen(t) {
			sum += time.Minute
		}
	}
	return sum
}

// zoneChanges lists the UTC offset changes of loc in 2024–2027.
func zoneChanges(loc *time.Location) []time.Time {
	var out []time.Time
	end := time.Date(2028, 1, 1, 0, 0, 0, 0, loc)
	for t := time.Date(2024, 1, 1, 0, 0, 0, 0, loc); ; {
		_, next := t.ZoneBounds()
		if next.IsZero() || next.After(end) {
			return out
		}
		out = append(out, next)
		t = next
	}
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// randomHours returns one day's hours: office templates, a whole day, a
// night shift, or a random interval.
func randomHours(rng *rand.Rand) []calendar.Interval {
	switch rng.IntN(8) {
	case 0, 1:
		return []calendar.Interval{{Start: hm(9, 0), End: hm(18, 0)}}
	case 2, 3:
		return []calendar.Interval{{Start: hm(8, 30), End: hm(12, 0)}, {Start: hm(13, 30), End: hm(18, 0)}}
	case 4:
		return []calendar.Interval{{Start: 0, End: hm(24, 0)}}
	case 5:
		return []calendar.Interval{{Start: 0, End: hm(3, 0)}, {Start: hm(22, 0), End: hm(24, 0)}}
	}
	a := rng.IntN(23 * 60)
	return []calendar.Interval{{Start: time.Duration(a) * time.Minute, End: time.Duration(a+1+rng.IntN(24*60-a)) * time.Minute}}
}

// randomCase builds a random calendar in tz with holidays and make-up
// days near a random minute-aligned start (half the time near a change of
// offset), and zero to three random pauses, one in eight still going on.
func randomCase(t *testing.T, rng *rand.Rand, tz string) refCase {
	loc, err := time.LoadLocation(tz)
	require.NoError(t, err)
	var start time.Time
	if changes := zoneChanges(loc); len(changes) > 0 && rng.IntN(2) == 0 {
		start = changes[rng.IntN(len(changes))].Add(time.Duration(rng.IntN(10*24*60)-8*24*60) * time.Minute)
	} else {
		start = time.Date(2024, 1, 1, 0, 0, 0, 0, loc).Add(time.Duration(rng.IntN(4*365*24*60)) * time.Minute)
	}
	var week [7][]calendar.Interval
	for wd := range week {
		if closed := map[bool]float64{true: 0.6, false: 0.15}[wd == 0 || wd == 6]; rng.Float64() >= closed {
			week[wd] = randomHours(rng)
		}
	}
	week[time.Wednesday] = randomHours(rng) // some day works
	first := calendar.DateOf(start.In(loc)).AddDays(-2)
	var holidays []calendar.Date
	for range rng.IntN(6) {
		holidays = append(holidays, first.AddDays(rng.IntN(30)))
	}
	workdays := map[calendar.Date][]calendar.Interval{}
	for range rng.IntN(3) {
		if d := first.AddDays(rng.IntN(30)); !slices.Contains(holidays, d) {
			workdays[d] = randomHours(rng)
		}
	}
	cal, err := calendar.New(tz, week, holidays, workdays)
	require.NoError(t, err)
	rc := refCase{cal: cal, start: start.In(loc)}
	for range rng.IntN(4) {
		from := start.Add(time.Duration(rng.IntN(6*24*60)-24*60) * time.Minute)
		p := deadline.Pause{From: from, To: from.Add(time.Duration(1+rng.IntN(2*24*60)) * time.Minute)}
		if rng.IntN(8) == 0 {
			p.To = time.Time{}
		}
		rc.pauses = append(rc.pauses, p)
	}
	return rc
}

// randomWork returns a window of whole minutes: zero one time in ten, up
// to two hours three times in ten, else up to 80 hours.
func randomWork(rng *rand.Rand) time.Duration {
	switch n := rng.IntN(10); {
	case n == 0:
		return 0
	case n <= 3:
		return time.Duration(rng.IntN(121)) * time.Minute
	}
	return time.Duration(rng.IntN(80*60+1)) * time.Minute
}

// forEachZone runs check on cases random cases per test zone, in parallel.
func forEachZone(t *testing.T, cases int, check func(t *testing.T, rng *rand.Rand, rc refCase)) {
	if testing.Short() {
		cases /= 10
	}
	rng := propRand(t)
	var done atomic.Int64
	t.Cleanup(func() { t.Logf("%d cases passed (%d in each of %d zones)", done.Load(), cases, len(testZones)) })
	for _, tz := range testZones {
		zoneRng := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		t.Run(tz, func(t *testing.T) {
			t.Parallel()
			for range cases {
				check(t, zoneRng, randomCase(t, zoneRng, tz))
				done.Add(1)
			}
		})
	}
}

func requireSameInstant(t *testing.T, want, got time.Time, what string, rc refCase) {
	t.Helper()
	require.Truef(t, want.Equal(got), "%s = %s, reference %s\n%s", what,
		got.In(rc.cal.Location()).Format(time.RFC3339), want.In(rc.cal.Location()).Format(time.RFC3339), rc)
}

func TestDueInWorkingTimeMatchesReference(t *testing.T) {
	t.Parallel()
	forEachZone(t, 150, func(t *testing.T, rng *rand.Rand, rc refCase) {
		p := deadline.Policy{Work: randomWork(rng)}
		got, err := p.Due(rc.cal, rc.start, rc.pauses)
		require.NoError(t, err)
		requireSameInstant(t, rc.due(p.Work), got, fmt.Sprintf("Due(+%v)", p.Work), rc)
		if !got.IsZero() {
			require.Equal(t, rc.cal.Location(), got.Location())
		}
	})
}

func TestDueInWorkingDaysMatchesReference(t *testing.T) {
	t.Parallel()
	forEachZone(t, 100, func(t *testing.T, rng *rand.Rand, rc refCase) {
		p := deadline.Policy{Days: 1 + rng.IntN(10)}
		closing := rc.closeAfterDays(p.Days)
		unpaused, err := p.Due(rc.cal, rc.start, nil)
		require.NoError(t, err)
		requireSameInstant(t, closing, unpaused, fmt.Sprintf("Due(%d days) without pauses", p.Days), rc)
		got, err := p.Due(rc.cal, rc.start, rc.pauses)
		require.NoError(t, err)
		requireSameInstant(t, rc.due(rc.between(rc.start, closing)), got, fmt.Sprintf("Due(%d days)", p.Days), rc)
	})
}
