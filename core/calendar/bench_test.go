package calendar_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aftersales/aftersales/core/calendar"
)

// benchCalendar is a typical Chinese tenant: split days Monday to Friday,
// a Saturday morning, the 2026 public holidays and make-up days.
func benchCalendar(b *testing.B, tz string) *calendar.Calendar {
	spec := calendar.Spec{
		TimeZone: tz,
		Week: calendar.WeekSpec{
			"mon": {"08:30-12:00", "13:30-18:00"}, "tue": {"08:30-12:00", "13:30-18:00"},
			"wed": {"08:30-12:00", "13:30-18:00"}, "thu": {"08:30-12:00", "13:30-18:00"},
			"fri": {"08:30-12:00", "13:30-18:00"}, "sat": {"09:00-12:00"},
		},
		Holidays: []string{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
			"2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05", "2026-06-19",
			"2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"},
		Workdays: map[string][]string{"2026-01-04": {"08:30-12:00", "13:30-18:00"}, "2026-02-14": {"08:30-12:00", "13:30-18:00"},
			"2026-02-28": {"08:30-12:00", "13:30-18:00"}, "2026-05-09": {"08:30-12:00", "13:30-18:00"},
			"2026-09-20": {"08:30-12:00", "13:30-18:00"}, "2026-10-10": {"08:30-12:00", "13:30-18:00"}},
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

// BenchmarkAdd measures one SLA deadline from a random start in 2026 on
// a calendar of 8-hour split days: 2 working hours (respond), 3 working
// days (24h: arrive or complete) and 10 working days (80h: a complaint).
func BenchmarkAdd(b *testing.B) {
	starts := benchStarts(1024)
	for _, tz := range []string{"Asia/Shanghai", "Europe/Berlin"} {
		c := benchCalendar(b, tz)
		for _, d := range []struct {
			name string
			d    time.Duration
		}{{"2h", 2 * time.Hour}, {"3days", 24 * time.Hour}, {"10days", 80 * time.Hour}} {
			b.Run(tz+"/"+d.name, func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := c.Add(starts[i%len(starts)], d.d); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

func BenchmarkBetween(b *testing.B) {
	starts := benchStarts(1024)
	c := benchCalendar(b, "Asia/Shanghai")
	i := 0
	for b.Loop() {
		s := starts[i%len(starts)]
		c.Between(s, s.Add(5*24*time.Hour))
		i++
	}
}

func BenchmarkIsOpen(b *testing.B) {
	starts := benchStarts(1024)
	c := benchCalendar(b, "Asia/Shanghai")
	i := 0
	for b.Loop() {
		c.IsOpen(starts[i%len(starts)])
		i++
	}
}
