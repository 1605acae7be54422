package complaint

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/calendar"
)

// referenceDue is the working-day deadline counted day by day: the first
// day is the start's date when it is a working day and the start is before
// its close, else the next working day; the case is due at 18:00 on the
// days-th working day after it.
func referenceDue(start time.Time, days int, loc *time.Location, working func(calendar.Date) bool) time.Time {
	l := start.In(loc)
	d := calendar.DateOf(l)
	closeOf := func(d calendar.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 18, 0, 0, 0, loc) }
	if !working(d) || !l.Before(closeOf(d)) {
		for d = d.AddDays(1); !working(d); d = d.AddDays(1) {
		}
	}
	for n := 0; n < days; {
		d = d.AddDays(1)
		if working(d) {
			n++
		}
	}
	return closeOf(d)
}

// TestDueMatchesDayByDayReference is the property: across random
// holidays (public holidays on weekdays) and make-up working days (调休
// on weekends), the working-day deadline equals the day-by-day count.
func TestDueMatchesDayByDayReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	base := calendar.Date{Year: 2026, Month: time.September, Day: 20}
	for iter := range 300 {
		holidays := map[calendar.Date]bool{}
		makeup := map[calendar.Date]bool{}
		spec := calendar.Spec{TimeZone: "Asia/Shanghai", Week: calendar.WeekSpec{
			"mon": {"09:00-18:00"}, "tue": {"09:00-18:00"}, "wed": {"09:00-18:00"}, "thu": {"09:00-18:00"}, "fri": {"09:00-18:00"}},
			Workdays: map[string][]string{}}
		for range rng.IntN(25) {
			d := base.AddDays(rng.IntN(60))
			wd := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc).Weekday()
			if wd == time.Saturday || wd == time.Sunday {
				if !makeup[d] {
					makeup[d] = true
					spec.Workdays[d.String()] = []string{"09:00-18:00"}
				}
			} else if !holidays[d] {
				holidays[d] = true
				spec.Holidays = append(spec.Holidays, d.String())
			}
		}
		cal, err := spec.Calendar()
		require.NoError(t, err)
		working := func(d calendar.Date) bool {
			wd := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc).Weekday()
			return makeup[d] || (!holidays[d] && wd != time.Saturday && wd != time.Sunday)
		}
		start := time.Date(2026, time.September, 20, 0, 0, 0, 0, loc).
			Add(time.Duration(rng.IntN(40*24*60)) * time.Minute)
		days := 1 + rng.IntN(15)
		got, err := Due(cal, start, days, nil)
		require.NoError(t, err)
		want := referenceDue(start, days, loc, working)
		require.Truef(t, got.Equal(want), "iteration %d: %d working days from %s: got %s, want %s (holidays %v, make-up %v)",
			iter, days, start, got.In(loc), want, holidays, makeup)
	}
}

func TestDuePausesWhileWaitingOnTheCustomer(t *testing.T) {
	cal, err := calendar.Default("Asia/Shanghai")
	require.NoError(t, err)
	loc := cal.Location()
	mon := time.Date(2026, time.December, 7, 10, 0, 0, 0, loc)
	at := func(day, h int) time.Time { return time.Date(2026, time.December, day, h, 0, 0, 0, loc) }
	due, err := Due(cal, mon, 3, nil)
	require.NoError(t, err)
	require.Equal(t, at(10, 18), due.In(loc), "Monday 10:00 + 3 working days is Thursday 18:00")

	tue, wed := at(8, 18), at(9, 18)
	due, err = Due(cal, mon, 3, []Pause{{From: tue, To: &wed}})
	require.NoError(t, err)
	require.Equal(t, at(11, 18), due.In(loc), "a working day waited on moves the deadline a working day")

	due, err = Due(cal, mon, 3, []Pause{{From: tue}})
	require.NoError(t, err)
	require.Nil(t, due, "while the customer is waited on the clock stands")
}

func TestNextEscalationClimbsTheLadder(t *testing.T) {
	start := time.Date(2026, time.December, 7, 10, 0, 0, 0, time.UTC)
	due := start.Add(100 * time.Hour)
	ladder := DefaultSettings().Ladder
	require.Equal(t, start.Add(50*time.Hour), *NextEscalation(ladder, 0, start, &due))
	require.Equal(t, start.Add(80*time.Hour), *NextEscalation(ladder, 1, start, &due))
	require.Equal(t, due, *NextEscalation(ladder, 2, start, &due), "the last step fires when the case is due")
	require.Nil(t, NextEscalation(ladder, 3, start, &due))
	require.Nil(t, NextEscalation(ladder, 0, start, nil))
}
