package deadline_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/deadline"
)

// officeCalendar is Monday to Friday 09:00–18:00 in Shanghai, with Friday
// 2026-03-06 a holiday and Saturday 2026-03-07 a make-up working day.
// 2026-03-02 is a Monday.
func officeCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	day := []calendar.Interval{{Start: 9 * time.Hour, End: 18 * time.Hour}}
	var week [7][]calendar.Interval
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = day
	}
	cal, err := calendar.New("Asia/Shanghai", week, []calendar.Date{{Year: 2026, Month: 3, Day: 6}},
		map[calendar.Date][]calendar.Interval{{Year: 2026, Month: 3, Day: 7}: day})
	require.NoError(t, err)
	return cal
}

// local reads "2026-03-02 10:00" in Shanghai.
func local(t testing.TB, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return v
}

func TestDue(t *testing.T) {
	t.Parallel()
	cal := officeCalendar(t)
	type pause struct{ from, to string } // to "": still paused
	for _, tc := range []struct {
		name   string
		start  string
		policy deadline.Policy
		pauses []pause
		want   string // "": paused for good
	}{
		{"two working hours", "2026-03-02 10:00", deadline.Policy{Work: 2 * time.Hour}, nil, "2026-03-02 12:00"},
		{"ends at the closing, not the next opening", "2026-03-02 16:00", deadline.Policy{Work: 2 * time.Hour}, nil, "2026-03-02 18:00"},
		{"crosses the night", "2026-03-02 17:00", deadline.Policy{Work: 2 * time.Hour}, nil, "2026-03-03 10:00"},
		{"taken after hours", "2026-03-02 20:00", deadline.Policy{Work: time.Hour}, nil, "2026-03-03 10:00"},
		{"zero window at night: the opening", "2026-03-02 20:00", deadline.Policy{}, nil, "2026-03-03 09:00"},
		{"skips the holiday to the make-up day", "2026-03-05 17:00", deadline.Policy{Work: 2 * time.Hour}, nil, "2026-03-07 10:00"},

		{"one working day", "2026-03-02 10:00", deadline.Policy{Days: 1}, nil, "2026-03-03 18:00"},
		{"three working days", "2026-03-02 10:00", deadline.Policy{Days: 3}, nil, "2026-03-05 18:00"},
		{"three working days from the evening", "2026-03-02 22:00", deadline.Policy{Days: 3}, nil, "2026-03-07 18:00"},
		{"three working days from a Saturday", "2026-02-28 10:00", deadline.Policy{Days: 3}, nil, "2026-03-05 18:00"},
		{"one working day over the holiday", "2026-03-05 10:00", deadline.Policy{Days: 1}, nil, "2026-03-07 18:00"},
		{"the start day's hours do not count", "2026-03-02 17:59", deadline.Policy{Days: 1}, nil, "2026-03-03 18:00"},

		{"a pause extends the window", "2026-03-02 10:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 10:30", "2026-03-02 11:00"}}, "2026-03-02 12:30"},
		{"a pause at night costs nothing", "2026-03-02 17:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 19:00", "2026-03-03 08:00"}}, "2026-03-03 10:00"},
		{"a pause across the opening", "2026-03-02 17:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 17:30", "2026-03-03 09:30"}}, "2026-03-03 11:00"},
		{"paused for good", "2026-03-02 10:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 11:00", ""}}, ""},
		{"due as a pause begins", "2026-03-02 10:00", deadline.Policy{Work: time.Hour},
			[]pause{{"2026-03-02 11:00", "2026-03-02 12:00"}}, "2026-03-02 11:00"},
		{"paused for good after the due time", "2026-03-02 10:00", deadline.Policy{Work: time.Hour},
			[]pause{{"2026-03-02 11:30", ""}}, "2026-03-02 11:00"},
		{"the part of a pause before the start is ignored", "2026-03-02 10:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 09:00", "2026-03-02 10:30"}}, "2026-03-02 12:30"},
		{"overlapping pauses, in any order", "2026-03-02 10:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 10:45", "2026-03-02 11:15"}, {"2026-03-02 10:30", "2026-03-02 11:00"}}, "2026-03-02 12:45"},
		{"touching pauses", "2026-03-02 10:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 10:30", "2026-03-02 11:00"}, {"2026-03-02 11:00", "2026-03-02 11:30"}}, "2026-03-02 13:00"},
		{"a pause inside an open one", "2026-03-02 10:00", deadline.Policy{Work: 2 * time.Hour},
			[]pause{{"2026-03-02 10:30", ""}, {"2026-03-02 11:00", "2026-03-02 11:30"}}, ""},
		{"zero window paused over the opening", "2026-03-02 20:00", deadline.Policy{},
			[]pause{{"2026-03-03 08:00", "2026-03-03 09:30"}}, "2026-03-03 09:30"},
		{"zero window paused from the start", "2026-03-02 10:00", deadline.Policy{},
			[]pause{{"2026-03-02 10:00", "2026-03-02 10:10"}}, "2026-03-02 10:10"},
		{"a working-day window paused an hour", "2026-03-02 10:00", deadline.Policy{Days: 1},
			[]pause{{"2026-03-03 09:00", "2026-03-03 10:00"}}, "2026-03-04 10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ps []deadline.Pause
			for _, p := range tc.pauses {
				ps = append(ps, deadline.Pause{From: local(t, p.from)})
				if p.to != "" {
					ps[len(ps)-1].To = local(t, p.to)
				}
			}
			got, err := tc.policy.Due(cal, local(t, tc.start), ps)
			require.NoError(t, err)
			if tc.want == "" {
				require.True(t, got.IsZero(), "due %s", got)
				return
			}
			require.Equal(t, tc.want, got.Format("2006-01-02 15:04"))
			require.Equal(t, cal.Location(), got.Location())
		})
	}
}

func TestDueRejects(t *testing.T) {
	t.Parallel()
	cal := officeCalendar(t)
	start := local(t, "2026-03-02 10:00")
	_, err := deadline.Policy{Work: time.Hour}.Due(cal, start, []deadline.Pause{{From: start.Add(time.Hour), To: start}})
	require.ErrorIs(t, err, deadline.ErrInvalid)
	_, err = deadline.Policy{Work: time.Hour}.Due(cal, start, []deadline.Pause{{From: start, To: start}})
	require.ErrorIs(t, err, deadline.ErrInvalid)
	_, err = deadline.Policy{Work: time.Hour, Days: 1}.Due(cal, start, nil)
	require.ErrorIs(t, err, deadline.ErrInvalid)

	closed, err := calendar.New("Asia/Shanghai", [7][]calendar.Interval{}, nil, nil)
	require.NoError(t, err)
	for _, p := range []deadline.Policy{{Work: time.Hour}, {Days: 2}} {
		_, err = p.Due(closed, start, nil)
		require.ErrorIs(t, err, calendar.ErrNoWorkingTime)
	}
	// Working time now, but no working day after it.
	oneDay, err := calendar.New("Asia/Shanghai", [7][]calendar.Interval{}, nil,
		map[calendar.Date][]calendar.Interval{{Year: 2026, Month: 3, Day: 2}: {{Start: 9 * time.Hour, End: 18 * time.Hour}}})
	require.NoError(t, err)
	_, err = deadline.Policy{Days: 1}.Due(oneDay, start, nil)
	require.ErrorIs(t, err, calendar.ErrNoWorkingTime)
}

// runningTime is the working time in [a, b) outside the pauses, counted
// with calendar.Between over the pauses merged by hand.
func runningTime(cal *calendar.Calendar, a, b time.Time, pauses []deadline.Pause) time.Duration {
	ps := slices.Clone(pauses)
	slices.SortFunc(ps, func(x, y deadline.Pause) int { return x.From.Compare(y.From) })
	total := cal.Between(a, b)
	covered := a // pause time before this is counted already
	for _, p := range ps {
		to := p.To
		if to.IsZero() || to.After(b) {
			to = b
		}
		from := p.From
		if from.Before(covered) {
			from = covered
		}
		if from.Before(to) {
			total -= cal.Between(from, to)
			covered = to
		}
	}
	return total
}

// TestDueProperties checks, at nanosecond precision, what needs no
// reference: the running time up to the due time is the window (the due
// time being the first such instant), pauses never bring it forward, and
// a longer window is never due earlier.
func TestDueProperties(t *testing.T) {
	t.Parallel()
	forEachZone(t, 300, func(t *testing.T, rng *rand.Rand, rc refCase) {
		start := rc.start.Add(time.Duration(rng.Int64N(int64(time.Hour))))
		for i := range rc.pauses {
			rc.pauses[i].From = rc.pauses[i].From.Add(time.Duration(rng.Int64N(int64(time.Minute))))
		}
		p := deadline.Policy{Work: time.Duration(rng.Int64N(int64(40 * time.Hour)))}
		if rng.IntN(3) == 0 {
			p = deadline.Policy{Days: 1 + rng.IntN(5)}
		}
		unpaused, err := p.Due(rc.cal, start, nil)
		require.NoError(t, err)
		due, err := p.Due(rc.cal, start, rc.pauses)
		require.NoError(t, err)
		if due.IsZero() {
			return // paused for good
		}
		require.False(t, due.Before(unpaused), "pauses brought %s forward to %s\n%s", unpaused, due, rc)
		window := p.Work
		if p.Days > 0 {
			window = rc.cal.Between(start, unpaused)
		}
		require.Equal(t, window, runningTime(rc.cal, start, due, rc.pauses), "due %s\n%s", due, rc)
		if window > 0 {
			require.Less(t, runningTime(rc.cal, start, due.Add(-1), rc.pauses), window, "due %s is not the first\n%s", due, rc)
		}
		if p.Days == 0 {
			longer := deadline.Policy{Work: p.Work + time.Duration(rng.Int64N(int64(time.Hour)))}
			later, err := longer.Due(rc.cal, start, rc.pauses)
			require.NoError(t, err)
			require.True(t, later.IsZero() || !later.Before(due), "Due(+%v) = %s before Due(+%v) = %s\n%s",
				longer.Work, later, p.Work, due, rc)
		}
	})
}

// FuzzDue: for any start, window and pauses on the office calendar, Due
// does not panic, and when it gives a due time, the running time up to it
// is the window.
func FuzzDue(f *testing.F) {
	cal := officeCalendar(f)
	base := local(f, "2026-03-02 10:00")
	f.Add(int64(0), uint16(120), uint8(0), int32(30), int32(30), int32(-1), int32(0))
	f.Add(int64(600), uint16(0), uint8(3), int32(0), int32(0), int32(60), int32(-1))
	f.Fuzz(func(t *testing.T, startMin int64, workMin uint16, days uint8, from1, len1, from2, len2 int32) {
		start := base.Add(time.Duration(startMin%(60*24*60)) * time.Minute)
		p := deadline.Policy{Work: time.Duration(workMin) * time.Minute}
		if days%4 > 0 {
			p = deadline.Policy{Days: int(days % 16)}
		}
		var pauses []deadline.Pause
		for _, fl := range [][2]int32{{from1, len1}, {from2, len2}} {
			if fl[1] == 0 {
				continue
			}
			from := start.Add(time.Duration(fl[0]%(30*24*60)) * time.Minute)
			ps := deadline.Pause{From: from}
			if fl[1] > 0 {
				ps.To = from.Add(time.Duration(fl[1]%(30*24*60)) * time.Minute)
			}
			pauses = append(pauses, ps)
		}
		due, err := p.Due(cal, start, pauses)
		if err != nil {
			require.ErrorIs(t, err, deadline.ErrInvalid)
			return
		}
		if due.IsZero() {
			return
		}
		require.False(t, due.Before(start))
		window := p.Work
		if p.Days > 0 {
			unpaused, err := p.Due(cal, start, nil)
			require.NoError(t, err)
			window = cal.Between(start, unpaused)
		}
		require.Equal(t, window, runningTime(cal, start, due, pauses))
	})
}
