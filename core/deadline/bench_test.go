package deadline_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/deadline"
)

// benchCalendar is a typical Chinese tenant: split days Monday to Friday,
// a Saturday morning, the 2026 public holidays and make-up days.
func benchCalendar(b *testing.B) *calendar.Calendar {
	split := []string{"08:30-12:00", "13:30-18:00"}
	spec := calendar.Spec{
		TimeZone: "Asia/Shanghai",
		Week:     calendar.WeekSpec{"mon": split, "tue": split, "wed": split, "thu": split, "fri": split, "sat": {"09:00-12:00"}},
		Holidays: []string{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
			"2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05", "2026-06-19",
			"2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"},
		Workdays: map[string][]string{"2026-01-04": split, "2026-02-14": split, "2026-02-28": split,
			"2026-05-09": split, "2026-09-20": split, "2026-10-10": split},
	}
	c, err := spec.Calendar()
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchStarts returns random instants in 2026 at second granularity.
func benchStarts(n int) []time.Time {
	rng := rand.New(rand.NewPCG(1, 2))
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	starts := make([]time.Time, n)
	for i := range starts {
		starts[i] = from.Add(time.Duration(rng.Int64N(365*24*3600)) * time.Second)
	}
	return starts
}

// BenchmarkDeadlineDue is one due time from a random start in 2026: a
// work order's 2-hour response, a 3-day completion in working time, a
// complaint's 10 working days, and the 2 hours again with two pauses.
func BenchmarkDeadlineDue(b *testing.B) {
	cal := benchCalendar(b)
	starts := benchStarts(1024)
	for _, bc := range []struct {
		name   string
		policy deadline.Policy
		pauses func(time.Time) []deadline.Pause
	}{
		{"2h", deadline.Policy{Work: 2 * time.Hour}, nil},
		{"24h", deadline.Policy{Work: 24 * time.Hour}, nil},
		{"10days", deadline.Policy{Days: 10}, nil},
		{"2h/paused", deadline.Policy{Work: 2 * time.Hour}, func(s time.Time) []deadline.Pause {
			return []deadline.Pause{{From: s.Add(30 * time.Minute), To: s.Add(90 * time.Minute)},
				{From: s.Add(26 * time.Hour), To: s.Add(27 * time.Hour)}}
		}},
		{"10days/paused", deadline.Policy{Days: 10}, func(s time.Time) []deadline.Pause {
			return []deadline.Pause{{From: s.Add(30 * time.Hour), To: s.Add(50 * time.Hour)}}
		}},
	} {
		pauses := make([][]deadline.Pause, len(starts))
		if bc.pauses != nil {
			for i, s := range starts {
				pauses[i] = bc.pauses(s)
			}
		}
		b.Run(bc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := bc.policy.Due(cal, starts[i%len(starts)], pauses[i%len(starts)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkDeadlineStatus is the status of a work order's three clocks,
// as a list computes it for each order it shows.
func BenchmarkDeadlineStatus(b *testing.B) {
	p := deadline.Policy{AtRisk: deadline.Before(time.Hour), Warn: deadline.Fraction(0.8)}
	created := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	it := deadline.Item{Clocks: []deadline.Clock{
		{Start: created, Due: created.Add(2 * time.Hour), Met: created.Add(time.Hour)},
		{Start: created, Due: created.Add(24 * time.Hour)},
		{Start: created, Due: created.Add(72 * time.Hour)},
	}, Running: true}
	now := created.Add(3 * time.Hour)
	for b.Loop() {
		if p.Status(it, now) != deadline.OnTrack {
			b.Fatal("status")
		}
	}
}

// BenchmarkDeadlineStatusHandWritten is the same status from the rule
// written out in Go (refStatus): what evaluating the declarative rule costs
// over it.
func BenchmarkDeadlineStatusHandWritten(b *testing.B) {
	created := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	it := deadline.Item{Clocks: []deadline.Clock{
		{Start: created, Due: created.Add(2 * time.Hour), Met: created.Add(time.Hour)},
		{Start: created, Due: created.Add(24 * time.Hour)},
		{Start: created, Due: created.Add(72 * time.Hour)},
	}, Running: true}
	now := created.Add(3 * time.Hour)
	near := func(c deadline.Clock) bool { return now.Add(time.Hour).After(c.Due) }
	for b.Loop() {
		if refStatus(it, now, near) != deadline.OnTrack {
			b.Fatal("status")
		}
	}
}
