package calendar_test

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

	"github.com/aftersales/aftersales/core/calendar"
	"github.com/stretchr/testify/require"
)

// The reference below knows nothing of zone periods, day totals or
// interval clipping: it asks, minute by minute, whether the wall clock of
// that minute in the tenant's zone is within the hours of its local date.
// Because interval bounds are whole minutes and the zones tested have
// whole-minute UTC offsets, openness is constant within each UTC minute,
// which also lets the reference count part of a minute at either end of a
// walk exactly (for the second-precision tests).

const minutesPerDay = 24 * 60

// refCalendar is the reference's own form of a calendar, built from the
// same raw inputs as calendar.New but not by it.
type refCalendar struct {
	loc      *time.Location
	week     [7][minutesPerDay]bool
	holidays map[calendar.Date]bool
	workdays map[calendar.Date]*[minutesPerDay]bool
}

func minuteSet(ivs []calendar.Interval) *[minutesPerDay]bool {
	var set [minutesPerDay]bool
	for _, iv := range ivs {
		for m := iv.Start / time.Minute; m < iv.End/time.Minute; m++ {
			set[m] = true
		}
	}
	return &set
}

// open reports whether the minute holding t is open.
func (r *refCalendar) open(t time.Time) bool {
	l := t.In(r.loc)
	d := calendar.DateOf(l)
	minute := l.Hour()*60 + l.Minute()
	if set, ok := r.workdays[d]; ok {
		return set[minute]
	}
	if r.holidays[d] {
		return false
	}
	return r.week[l.Weekday()][minute]
}

// add walks minute by minute from start until d of open time has passed;
// for d == 0 it returns the first open instant at or after start.
func (r *refCalendar) add(start time.Time, d time.Duration) time.Time {
	t := start
	for limit := 0; limit < 400*minutesPerDay; limit++ {
		next := t.Truncate(time.Minute).Add(time.Minute)
		if r.open(t) {
			avail := next.Sub(t)
			if d <= avail {
				return t.Add(d)
			}
			d -= avail
		}
		t = next
	}
	panic("reference: no working time within 400 days")
}

// between counts the open time in [a, b) minute by minute.
func (r *refCalendar) between(a, b time.Time) time.Duration {
	var sum time.Duration
	for t := a; t.Before(b); {
		next := t.Truncate(time.Minute).Add(time.Minute)
		if next.After(b) {
			next = b
		}
		if r.open(t) {
			sum += next.Sub(t)
		}
		t = next
	}
	return sum
}

// closing finds the end of the last open minute whose local date is d,
// walking back minute by minute from after d ends in any zone to before
// it begins.
func (r *refCalendar) closing(d calendar.Date) (time.Time, bool) {
	from := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(-15 * time.Hour)
	for t := from.Add(54*time.Hour - time.Minute); !t.Before(from); t = t.Add(-time.Minute) {
		if calendar.DateOf(t.In(r.loc)) == d && r.open(t) {
			return t.Add(time.Minute), true
		}
	}
	return time.Time{}, false
}

// testZones are the zones of the property tests: the required four, plus
// Beirut (DST at midnight, so some local midnights never happen) and Lord
// Howe (a 30-minute DST shift).
var testZones = []string{
	"Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC",
	"Asia/Beirut", "Australia/Lord_Howe",
}

// propCase is one random calendar with its reference twin and a random
// start near it.
type propCase struct {
	cal    *calendar.Calendar
	ref    *refCalendar
	start  time.Time
	weekly time.Duration // regular working time per week
}

func (pc propCase) String() string {
	spec, _ := json.Marshal(pc.cal.Spec())
	return fmt.Sprintf("start %s\ncalendar %s", pc.start.In(pc.cal.Location()).Format(time.RFC3339Nano), spec)
}

// propRand returns the random source of a property test, seeded from
// CALENDAR_SEED when set (to replay a failure) and logged.
func propRand(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CALENDAR_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("CALENDAR_SEED=%d", seed)
	return rand.New(rand.NewPCG(seed, 0x5eed))
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

// randomStart returns a minute-aligned instant in 2024–2027, half the
// time within ten days before or a day after a change of UTC offset.
func randomStart(rng *rand.Rand, loc *time.Location, changes []time.Time) time.Time {
	if len(changes) > 0 && rng.IntN(2) == 0 {
		c := changes[rng.IntN(len(changes))]
		return c.Add(time.Duration(rng.IntN(11*minutesPerDay)-10*minutesPerDay) * time.Minute).In(loc)
	}
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, loc)
	return from.Add(time.Duration(rng.IntN(4*365*minutesPerDay)) * time.Minute)
}

// randomHours returns one day's hours: office templates, a 24-hour day,
// or one to three random intervals (sometimes touching, given in random
// order), covering the small hours often enough to meet DST changes.
func randomHours(rng *rand.Rand) []calendar.Interval {
	hm := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
	switch rng.IntN(10) {
	case 0, 1:
		return []calendar.Interval{{hm(9, 0), hm(18, 0)}}
	case 2, 3:
		return []calendar.Interval{{hm(13, 30), hm(18, 0)}, {hm(8, 30), hm(12, 0)}}
	case 4:
		return []calendar.Interval{{0, hm(24, 0)}}
	}
	k := 1 + rng.IntN(3)
	cuts := map[int]bool{}
	for len(cuts) < 2*k {
		cuts[rng.IntN(minutesPerDay+1)] = true
	}
	sorted := make([]int, 0, 2*k)
	for m := range cuts {
		sorted = append(sorted, m)
	}
	slices.Sort(sorted)
	var ivs []calendar.Interval
	for i := 0; i < len(sorted); i += 2 {
		ivs = append(ivs, calendar.Interval{Start: time.Duration(sorted[i]) * time.Minute, End: time.Duration(sorted[i+1]) * time.Minute})
	}
	if len(ivs) > 1 && rng.IntN(4) == 0 { // make two intervals touch
		ivs[1].Start = ivs[0].End
	}
	rng.Shuffle(len(ivs), func(i, j int) { ivs[i], ivs[j] = ivs[j], ivs[i] })
	return ivs
}

// randomCase builds a random calendar in zone tz (closed days, split
// days, holidays and make-up or special days near the start) and its
// reference twin.
func randomCase(t *testing.T, rng *rand.Rand, tz string) propCase {
	loc, err := time.LoadLocation(tz)
	require.NoError(t, err)
	start := randomStart(rng, loc, zoneChanges(loc))
	ref := &refCalendar{loc: loc, holidays: map[calendar.Date]bool{}, workdays: map[calendar.Date]*[minutesPerDay]bool{}}
	var week [7][]calendar.Interval
	var weekly time.Duration
	for wd := range week {
		closed := 0.15
		if wd == int(time.Saturday) || wd == int(time.Sunday) {
			closed = 0.6
		}
		if rng.Float64() >= closed {
			week[wd] = randomHours(rng)
		}
	}
	if slices.IndexFunc(week[:], func(h []calendar.Interval) bool { return len(h) > 0 }) < 0 {
		week[time.Monday] = []calendar.Interval{{9 * time.Hour, 18 * time.Hour}}
	}
	for wd := range week {
		ref.week[wd] = *minuteSet(week[wd])
		for _, iv := range week[wd] {
			weekly += iv.End - iv.Start
		}
	}
	first := calendar.DateOf(start.AddDate(0, 0, -3))
	nearby := func() calendar.Date {
		return calendar.DateOf(time.Date(first.Year, first.Month, first.Day+rng.IntN(35), 0, 0, 0, 0, time.UTC))
	}
	var holidays []calendar.Date
	for range rng.IntN(7) {
		d := nearby()
		holidays = append(holidays, d)
		ref.holidays[d] = true
	}
	workdays := map[calendar.Date][]calendar.Interval{}
	for range rng.IntN(4) {
		d := nearby()
		if ref.holidays[d] {
			continue
		}
		workdays[d] = randomHours(rng)
		ref.workdays[d] = minuteSet(workdays[d])
	}
	cal, err := calendar.New(tz, week, holidays, workdays)
	require.NoError(t, err)
	return propCase{cal: cal, ref: ref, start: start, weekly: weekly}
}

// randomDuration returns a working duration in whole units of unit: zero
// one time in ten, up to two hours three times in ten, else up to ten
// working days (a fifth of the weekly hours each, at most 80h in all).
func randomDuration(rng *rand.Rand, weekly, unit time.Duration) time.Duration {
	limit := min(2*weekly, 80*time.Hour)
	switch n := rng.IntN(10); {
	case n == 0:
		return 0
	case n <= 3:
		limit = min(limit, 2*time.Hour)
	}
	return time.Duration(rng.Int64N(int64(limit/unit)+1)) * unit
}

// forEachZone runs check on cases random cases per test zone, each zone in
// parallel with its own random source derived from the test's.
func forEachZone(t *testing.T, cases int, check func(t *testing.T, rng *rand.Rand, pc propCase)) {
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

func TestAddMatchesReference(t *testing.T) {
	t.Parallel()
	forEachZone(t, 2000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		d := randomDuration(rng, pc.weekly, time.Minute)
		got, err := pc.cal.Add(pc.start, d)
		require.NoError(t, err)
		want := pc.ref.add(pc.start, d)
		require.Truef(t, got.Equal(want), "Add(+%v) = %s, reference %s\n%s", d,
			got.Format(time.RFC3339Nano), want.In(got.Location()).Format(time.RFC3339Nano), pc)
		require.Equal(t, pc.cal.Location(), got.Location())
	})
}

func TestAddMatchesReferenceAtSecondPrecision(t *testing.T) {
	t.Parallel()
	forEachZone(t, 1000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		start := pc.start.Add(time.Duration(rng.IntN(60)) * time.Second)
		unit := time.Second
		if rng.IntN(4) == 0 { // and now and then at nanosecond precision
			start = start.Add(time.Duration(rng.IntN(1e9)))
			unit = time.Nanosecond
		}
		d := randomDuration(rng, pc.weekly, unit)
		got, err := pc.cal.Add(start, d)
		require.NoError(t, err)
		want := pc.ref.add(start, d)
		require.Truef(t, got.Equal(want), "Add(%s, %v) = %s, reference %s\n%s", start.Format(time.RFC3339Nano), d,
			got.Format(time.RFC3339Nano), want.In(got.Location()).Format(time.RFC3339Nano), pc)
	})
}

func TestBetweenMatchesReference(t *testing.T) {
	t.Parallel()
	forEachZone(t, 1000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		a := pc.start.Add(time.Duration(rng.IntN(3600)) * time.Second)
		b := a.Add(time.Duration(rng.Int64N(int64(20*24*time.Hour/time.Second))-3600) * time.Second)
		got, want := pc.cal.Between(a, b), pc.ref.between(a, b)
		require.Equalf(t, want, got, "Between(%s, %s)\n%s", a.Format(time.RFC3339), b.Format(time.RFC3339), pc)
	})
}

func TestIsOpenMatchesReference(t *testing.T) {
	t.Parallel()
	forEachZone(t, 1000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		for range 20 {
			at := pc.start.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour))))
			if rng.IntN(3) == 0 { // on a minute boundary: an opening or a closing, often
				at = at.Truncate(time.Minute)
			}
			require.Equalf(t, pc.ref.open(at), pc.cal.IsOpen(at), "IsOpen(%s)\n%s", at.Format(time.RFC3339Nano), pc)
		}
	})
}

func TestNextOpenMatchesReference(t *testing.T) {
	t.Parallel()
	forEachZone(t, 1000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		at := pc.start.Add(time.Duration(rng.IntN(1e9)) * time.Duration(rng.IntN(2)))
		got, ok := pc.cal.NextOpen(at)
		require.True(t, ok)
		want := pc.ref.add(at, 0)
		require.Truef(t, got.Equal(want), "NextOpen(%s) = %s, reference %s\n%s", at.Format(time.RFC3339Nano),
			got.Format(time.RFC3339Nano), want.In(got.Location()).Format(time.RFC3339Nano), pc)
		require.True(t, pc.cal.IsOpen(got))
	})
}

// The properties below need no reference, so they run more cases at
// second and nanosecond precision.

func randomPreciseStart(rng *rand.Rand, pc propCase) time.Time {
	return pc.start.Add(time.Duration(rng.Int64N(int64(time.Hour))))
}

func TestBetweenInvertsAdd(t *testing.T) {
	t.Parallel()
	forEachZone(t, 2000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		start := randomPreciseStart(rng, pc)
		d := randomDuration(rng, pc.weekly, time.Nanosecond)
		end, err := pc.cal.Add(start, d)
		require.NoError(t, err)
		require.Equalf(t, d, pc.cal.Between(start, end), "Between(start, Add(start, %v) = %s)\n%s", d, end.Format(time.RFC3339Nano), pc)
		if d > 0 { // and end is the first such instant: the nanosecond before it was working time
			require.Truef(t, pc.cal.IsOpen(end.Add(-1)), "Add(%s, %v) = %s follows a closed instant\n%s",
				start.Format(time.RFC3339Nano), d, end.Format(time.RFC3339Nano), pc)
		}
	})
}

func TestBetweenIsAdditive(t *testing.T) {
	t.Parallel()
	forEachZone(t, 2000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		a := randomPreciseStart(rng, pc)
		b := a.Add(time.Duration(rng.Int64N(int64(15 * 24 * time.Hour))))
		c := b.Add(time.Duration(rng.Int64N(int64(15 * 24 * time.Hour))))
		ab, bc, ac := pc.cal.Between(a, b), pc.cal.Between(b, c), pc.cal.Between(a, c)
		require.Equalf(t, ac, ab+bc, "a=%s b=%s c=%s\n%s", a.Format(time.RFC3339Nano), b.Format(time.RFC3339Nano), c.Format(time.RFC3339Nano), pc)
		require.Zero(t, pc.cal.Between(c, a))
		require.LessOrEqual(t, ab, b.Sub(a))
	})
}

func TestAddIsMonotonic(t *testing.T) {
	t.Parallel()
	forEachZone(t, 2000, func(t *testing.T, rng *rand.Rand, pc propCase) {
		start := randomPreciseStart(rng, pc)
		d1 := randomDuration(rng, pc.weekly, time.Nanosecond)
		d2 := d1 + time.Duration(rng.Int64N(int64(8*time.Hour)))
		if rng.IntN(4) == 0 {
			d2 = d1 + time.Duration(rng.IntN(2)) // neighbours, and equal
		}
		t1, err := pc.cal.Add(start, d1)
		require.NoError(t, err)
		t2, err := pc.cal.Add(start, d2)
		require.NoError(t, err)
		require.Falsef(t, t1.Before(start), "Add(%s, %v) = %s is before start\n%s", start.Format(time.RFC3339Nano), d1, t1.Format(time.RFC3339Nano), pc)
		if d1 == d2 {
			require.True(t, t1.Equal(t2))
		} else {
			require.Truef(t, t1.Before(t2), "Add(+%v) = %s, Add(+%v) = %s\n%s", d1, t1.Format(time.RFC3339Nano), d2, t2.Format(time.RFC3339Nano), pc)
		}
	})
}

func TestClosingMatchesReference(t *testing.T) {
	t.Parallel()
	forEachZone(t, 300, func(t *testing.T, rng *rand.Rand, pc propCase) {
		d := calendar.DateOf(pc.start.In(pc.cal.Location())).AddDays(rng.IntN(6) - 1)
		got, ok := pc.cal.Closing(d)
		want, wantOK := pc.ref.closing(d)
		require.Equalf(t, wantOK, ok, "Closing(%s) ok\n%s", d, pc)
		require.Truef(t, got.Equal(want), "Closing(%s) = %s, reference %s\n%s", d,
			got.Format(time.RFC3339Nano), want.In(pc.cal.Location()).Format(time.RFC3339Nano), pc)
		if ok {
			require.Equal(t, pc.cal.Location(), got.Location())
			require.True(t, pc.cal.IsOpen(got.Add(-1)))
		}
	})
}
