package calendar_test

import (
	"testing"
	"time"

	"github.com/aftersales/aftersales/core/calendar"
	"github.com/stretchr/testify/require"
)

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

func mustNew(t testing.TB, tz string, week [7][]calendar.Interval, holidays []calendar.Date, workdays map[calendar.Date][]calendar.Interval) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New(tz, week, holidays, workdays)
	require.NoError(t, err)
	return c
}

func mustDefault(t testing.TB, tz string) *calendar.Calendar {
	t.Helper()
	c, err := calendar.Default(tz)
	require.NoError(t, err)
	return c
}

// weekdays returns a week with hours on Monday to Friday.
func weekdays(hours ...calendar.Interval) [7][]calendar.Interval {
	var w [7][]calendar.Interval
	for wd := time.Monday; wd <= time.Friday; wd++ {
		w[wd] = hours
	}
	return w
}

func date(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func instant(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return v
}

// Calendars of the table tests. 2025-03-28 is a Friday; Berlin springs
// forward on Sunday 2025-03-30 (02:00 → 03:00) and falls back on Sunday
// 2025-10-26 (03:00 → 02:00); New York falls back on 2025-11-02.
func tableCalendars(t *testing.T) map[string]*calendar.Calendar {
	split := weekdays(calendar.Interval{Start: hm(8, 30), End: hm(12, 0)}, calendar.Interval{Start: hm(13, 30), End: hm(18, 0)})
	office := weekdays(calendar.Interval{Start: hm(9, 0), End: hm(18, 0)})
	nightShift := office
	nightShift[time.Sunday] = []calendar.Interval{{Start: 0, End: hm(6, 0)}}
	var allDay [7][]calendar.Interval
	for wd := range allDay {
		allDay[wd] = []calendar.Interval{{Start: 0, End: hm(24, 0)}}
	}
	return map[string]*calendar.Calendar{
		"shanghai":         mustDefault(t, "Asia/Shanghai"),
		"shanghai split":   mustNew(t, "Asia/Shanghai", split, nil, nil),
		"shanghai holiday": mustNew(t, "Asia/Shanghai", office, []calendar.Date{date("2025-03-31")}, nil),
		"shanghai make-up": mustNew(t, "Asia/Shanghai", office, nil, map[calendar.Date][]calendar.Interval{date("2025-03-29"): {{Start: hm(9, 0), End: hm(18, 0)}}}),
		// Spring Festival 2026: closed 15–23 February, working Saturday 14 February.
		"shanghai spring festival": mustNew(t, "Asia/Shanghai", office,
			[]calendar.Date{date("2026-02-16"), date("2026-02-17"), date("2026-02-18"), date("2026-02-19"), date("2026-02-20"), date("2026-02-23")},
			map[calendar.Date][]calendar.Interval{date("2026-02-14"): {{Start: hm(9, 0), End: hm(18, 0)}}}),
		"berlin":             mustDefault(t, "Europe/Berlin"),
		"berlin night shift": mustNew(t, "Europe/Berlin", nightShift, nil, nil),
		"new york 24/7":      mustNew(t, "America/New_York", allDay, nil, nil),
	}
}

func TestAdd(t *testing.T) {
	t.Parallel()
	cals := tableCalendars(t)
	tests := []struct {
		name, cal, start string
		d                time.Duration
		want             string
	}{
		{"Friday 17:30 + 1h is Monday 09:30", "shanghai", "2025-03-28T17:30:00+08:00", time.Hour, "2025-03-31T09:30:00+08:00"},
		{"start given in another zone", "shanghai", "2025-03-28T09:30:00Z", time.Hour, "2025-03-31T09:30:00+08:00"},
		{"holiday Monday skipped", "shanghai holiday", "2025-03-28T17:30:00+08:00", time.Hour, "2025-04-01T09:30:00+08:00"},
		{"make-up Saturday used", "shanghai make-up", "2025-03-28T17:30:00+08:00", time.Hour, "2025-03-29T09:30:00+08:00"},
		{"Spring Festival: make-up Saturday", "shanghai spring festival", "2026-02-13T17:30:00+08:00", time.Hour, "2026-02-14T09:30:00+08:00"},
		{"Spring Festival: holiday week skipped", "shanghai spring festival", "2026-02-14T17:30:00+08:00", time.Hour, "2026-02-24T09:30:00+08:00"},
		{"lunch break skipped", "shanghai split", "2025-03-31T11:30:00+08:00", time.Hour, "2025-03-31T14:00:00+08:00"},
		{"start in the lunch break", "shanghai split", "2025-03-31T12:30:00+08:00", 30 * time.Minute, "2025-03-31T14:00:00+08:00"},
		{"start before opening", "shanghai", "2025-03-31T07:00:00+08:00", time.Hour, "2025-03-31T10:00:00+08:00"},
		{"start exactly at closing time", "shanghai", "2025-03-28T18:00:00+08:00", time.Hour, "2025-03-31T10:00:00+08:00"},
		{"end exactly at closing time stays on the day", "shanghai", "2025-03-31T17:00:00+08:00", time.Hour, "2025-03-31T18:00:00+08:00"},
		{"three working days", "shanghai", "2025-03-31T10:00:00+08:00", 27 * time.Hour, "2025-04-03T10:00:00+08:00"},
		{"three working days over a weekend", "shanghai split", "2025-03-27T10:00:00+08:00", 3 * hm(8, 0), "2025-04-01T10:00:00+08:00"},
		{"zero at an open instant is the start", "shanghai", "2025-03-31T10:00:00+08:00", 0, "2025-03-31T10:00:00+08:00"},
		{"zero at a closed instant is the next opening", "shanghai", "2025-03-29T10:00:00+08:00", 0, "2025-03-31T09:00:00+08:00"},
		{"zero at closing time is the next opening", "shanghai", "2025-03-31T18:00:00+08:00", 0, "2025-04-01T09:00:00+08:00"},
		{"second precision across a night", "shanghai", "2025-03-31T17:59:59.5+08:00", time.Second, "2025-04-01T09:00:00.5+08:00"},
		{"Berlin office hours over the spring-forward weekend", "berlin", "2025-03-28T17:00:00+01:00", 2 * time.Hour, "2025-03-31T10:00:00+02:00"},
		{"Berlin spring-forward night: the skipped hour is not working time", "berlin night shift", "2025-03-30T01:30:00+01:00", 2 * time.Hour, "2025-03-30T04:30:00+02:00"},
		{"Berlin fall-back night: the repeated hour counts twice", "berlin night shift", "2025-10-26T01:30:00+02:00", 2 * time.Hour, "2025-10-26T02:30:00+01:00"},
		{"New York fall-back in a 24/7 calendar", "new york 24/7", "2025-11-02T00:30:00-04:00", 3 * time.Hour, "2025-11-02T02:30:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := cals[tt.cal]
			got, err := c.Add(instant(t, tt.start), tt.d)
			require.NoError(t, err)
			want := instant(t, tt.want)
			require.Truef(t, want.Equal(got), "got %s, want %s", got.Format(time.RFC3339Nano), tt.want)
			require.Equal(t, c.Location(), got.Location())
		})
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	cals := tableCalendars(t)
	tests := []struct {
		name, cal, a, b string
		want            time.Duration
	}{
		{"a working week", "shanghai", "2025-03-31T00:00:00+08:00", "2025-04-07T00:00:00+08:00", 45 * time.Hour},
		{"a split day", "shanghai split", "2025-03-31T00:00:00+08:00", "2025-04-01T00:00:00+08:00", 8 * time.Hour},
		{"part of a morning and an afternoon", "shanghai split", "2025-03-31T11:00:00+08:00", "2025-03-31T14:00:00+08:00", 90 * time.Minute},
		{"a holiday", "shanghai holiday", "2025-03-31T00:00:00+08:00", "2025-04-01T00:00:00+08:00", 0},
		{"a make-up Saturday", "shanghai make-up", "2025-03-29T00:00:00+08:00", "2025-03-30T00:00:00+08:00", 9 * time.Hour},
		{"b before a", "shanghai", "2025-04-01T00:00:00+08:00", "2025-03-31T00:00:00+08:00", 0},
		{"empty", "shanghai", "2025-03-31T10:00:00+08:00", "2025-03-31T10:00:00+08:00", 0},
		{"Berlin spring-forward night is 5h", "berlin night shift", "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 5 * time.Hour},
		{"Berlin fall-back night is 7h", "berlin night shift", "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", 7 * time.Hour},
		{"New York fall-back day is 25h", "new york 24/7", "2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00", 25 * time.Hour},
		{"nanoseconds", "shanghai", "2025-03-31T08:59:59.999999999+08:00", "2025-03-31T09:00:00.000000002+08:00", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, cals[tt.cal].Between(instant(t, tt.a), instant(t, tt.b)))
		})
	}
}

func TestIsOpen(t *testing.T) {
	t.Parallel()
	cals := tableCalendars(t)
	tests := []struct {
		name, cal, at string
		want          bool
	}{
		{"opening instant", "shanghai", "2025-03-31T09:00:00+08:00", true},
		{"just before opening", "shanghai", "2025-03-31T08:59:59.999999999+08:00", false},
		{"last nanosecond", "shanghai", "2025-03-31T17:59:59.999999999+08:00", true},
		{"closing instant", "shanghai", "2025-03-31T18:00:00+08:00", false},
		{"lunch break", "shanghai split", "2025-03-31T12:00:00+08:00", false},
		{"Saturday", "shanghai", "2025-03-29T10:00:00+08:00", false},
		{"holiday", "shanghai holiday", "2025-03-31T10:00:00+08:00", false},
		{"make-up Saturday", "shanghai make-up", "2025-03-29T10:00:00+08:00", true},
		{"in the other zone's terms", "shanghai", "2025-03-31T01:00:00Z", true},
		{"first 02:30 of the Berlin fall-back night", "berlin night shift", "2025-10-26T02:30:00+02:00", true},
		{"second 02:30 of the Berlin fall-back night", "berlin night shift", "2025-10-26T02:30:00+01:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, cals[tt.cal].IsOpen(instant(t, tt.at)))
		})
	}
}

func TestNextOpen(t *testing.T) {
	t.Parallel()
	c := mustDefault(t, "Asia/Shanghai")
	open := instant(t, "2025-03-31T10:00:00+08:00")
	got, ok := c.NextOpen(open)
	require.True(t, ok)
	require.True(t, open.Equal(got), "an open instant is its own next opening")

	got, ok = c.NextOpen(instant(t, "2025-03-28T18:00:00+08:00"))
	require.True(t, ok)
	require.Equal(t, "2025-03-31T09:00:00+08:00", got.Format(time.RFC3339))

	got, ok = mustNew(t, "UTC", [7][]calendar.Interval{}, nil, nil).NextOpen(open)
	require.False(t, ok)
	require.True(t, got.IsZero())
}

func TestAddWithoutWorkingTime(t *testing.T) {
	t.Parallel()
	start := instant(t, "2025-03-31T10:00:00+08:00")
	tests := []struct {
		name string
		cal  *calendar.Calendar
		d    time.Duration
	}{
		{"no hours at all", mustNew(t, "Asia/Shanghai", [7][]calendar.Interval{}, nil, nil), time.Hour},
		{"zero duration, no hours", mustNew(t, "Asia/Shanghai", [7][]calendar.Interval{}, nil, nil), 0},
		{"only a past make-up day", mustNew(t, "Asia/Shanghai", [7][]calendar.Interval{}, nil,
			map[calendar.Date][]calendar.Interval{date("2025-01-04"): {{Start: hm(9, 0), End: hm(18, 0)}}}), time.Hour},
		{"more than the one make-up day holds", mustNew(t, "Asia/Shanghai", [7][]calendar.Interval{}, nil,
			map[calendar.Date][]calendar.Interval{date("2025-04-05"): {{Start: hm(9, 0), End: hm(18, 0)}}}), 10 * time.Hour},
		{"zero calendar", &calendar.Calendar{}, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.cal.Add(start, tt.d)
			require.ErrorIs(t, err, calendar.ErrNoWorkingTime)
		})
	}
}

func TestAddFarMakeUpDayWithinHorizon(t *testing.T) {
	t.Parallel()
	c := mustNew(t, "Asia/Shanghai", [7][]calendar.Interval{}, nil,
		map[calendar.Date][]calendar.Interval{date("2027-06-05"): {{Start: hm(9, 0), End: hm(18, 0)}}})
	got, err := c.Add(instant(t, "2025-03-31T10:00:00+08:00"), time.Hour)
	require.NoError(t, err)
	require.Equal(t, "2027-06-05T10:00:00+08:00", got.Format(time.RFC3339))
}

func TestAddRejectsNegativeDuration(t *testing.T) {
	t.Parallel()
	_, err := mustDefault(t, "UTC").Add(time.Now(), -time.Minute)
	require.ErrorContains(t, err, "negative duration")
}

func TestNew(t *testing.T) {
	t.Parallel()
	c := mustNew(t, "Asia/Shanghai", weekdays(
		calendar.Interval{Start: hm(13, 30), End: hm(18, 0)},
		calendar.Interval{Start: hm(8, 30), End: hm(12, 0)},
		calendar.Interval{Start: hm(12, 0), End: hm(12, 30)}), nil, nil)
	require.Equal(t, []calendar.Interval{{Start: hm(8, 30), End: hm(12, 30)}, {Start: hm(13, 30), End: hm(18, 0)}},
		c.Hours(date("2025-03-31")), "sorted, touching intervals merged")
	require.Nil(t, c.Hours(date("2025-03-29")))
	require.Equal(t, "Asia/Shanghai", c.Location().String())

	d := mustDefault(t, "Europe/Berlin")
	require.Equal(t, []calendar.Interval{{Start: hm(9, 0), End: hm(18, 0)}}, d.Hours(date("2025-03-28")))
	require.Nil(t, d.Hours(date("2025-03-30")))
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	nineToSix := []calendar.Interval{{Start: hm(9, 0), End: hm(18, 0)}}
	tests := []struct {
		name     string
		tz       string
		week     [7][]calendar.Interval
		holidays []calendar.Date
		workdays map[calendar.Date][]calendar.Interval
		want     string
	}{
		{name: "no zone", tz: "", want: "time zone is required"},
		{name: "server zone", tz: "Local", want: "not Local"},
		{name: "unknown zone", tz: "Mars/Olympus_Mons", want: `unknown time zone "Mars/Olympus_Mons"`},
		{name: "end before start", tz: "UTC", week: weekdays(calendar.Interval{Start: hm(18, 0), End: hm(8, 0)}), want: "Monday: interval 18:00-08:00 does not end after it starts"},
		{name: "empty interval", tz: "UTC", week: weekdays(calendar.Interval{Start: hm(9, 0), End: hm(9, 0)}), want: "does not end after it starts"},
		{name: "past midnight", tz: "UTC", week: weekdays(calendar.Interval{Start: hm(22, 0), End: hm(30, 0)}), want: "outside 00:00-24:00"},
		{name: "negative", tz: "UTC", week: weekdays(calendar.Interval{Start: -time.Hour, End: hm(3, 0)}), want: "outside 00:00-24:00"},
		{name: "seconds", tz: "UTC", week: weekdays(calendar.Interval{Start: hm(9, 0) + time.Second, End: hm(18, 0)}), want: "not in whole minutes"},
		{name: "overlap", tz: "UTC", week: weekdays(calendar.Interval{Start: hm(9, 0), End: hm(12, 0)}, calendar.Interval{Start: hm(11, 0), End: hm(14, 0)}), want: "interval 11:00-14:00 overlaps 09:00-12:00"},
		{name: "invalid holiday", tz: "UTC", holidays: []calendar.Date{{Year: 2025, Month: 2, Day: 29}}, want: "holiday 2025-02-29 is not a valid date"},
		{name: "invalid workday", tz: "UTC", workdays: map[calendar.Date][]calendar.Interval{{Year: 2025, Month: 13, Day: 1}: nineToSix}, want: "workday 2025-13-01 is not a valid date"},
		{name: "holiday and workday", tz: "UTC", holidays: []calendar.Date{date("2025-10-01")}, workdays: map[calendar.Date][]calendar.Interval{date("2025-10-01"): nineToSix}, want: "2025-10-01 is both a holiday and a workday"},
		{name: "workday without hours", tz: "UTC", workdays: map[calendar.Date][]calendar.Interval{date("2025-10-11"): nil}, want: "workday 2025-10-11 has no hours"},
		{name: "bad workday hours", tz: "UTC", workdays: map[calendar.Date][]calendar.Interval{date("2025-10-11"): {{Start: hm(9, 0), End: hm(25, 0)}}}, want: "workday 2025-10-11: interval 09:00-25h0m0s is outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := calendar.New(tt.tz, tt.week, tt.holidays, tt.workdays)
			require.ErrorIs(t, err, calendar.ErrInvalid)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestClosing(t *testing.T) {
	t.Parallel()
	cals := tableCalendars(t)
	for _, tc := range []struct {
		name, cal, date string
		want            string // "" when closed
	}{
		{"office day", "shanghai", "2025-03-28", "2025-03-28T18:00:00+08:00"},
		{"weekend", "shanghai", "2025-03-29", ""},
		{"split day closes after the afternoon", "shanghai split", "2025-03-28", "2025-03-28T18:00:00+08:00"},
		{"holiday", "shanghai holiday", "2025-03-31", ""},
		{"make-up Saturday", "shanghai make-up", "2025-03-29", "2025-03-29T18:00:00+08:00"},
		{"spring forward night shift", "berlin night shift", "2025-03-30", "2025-03-30T06:00:00+02:00"},
		{"24/7 closes at midnight", "new york 24/7", "2025-11-02", "2025-11-03T00:00:00-05:00"},
		{"invalid date", "shanghai", "2025-02-30", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := calendar.Date{Year: 2025, Month: time.February, Day: 30}
			if tc.date != "2025-02-30" {
				d = date(tc.date)
			}
			got, ok := cals[tc.cal].Closing(d)
			if tc.want == "" {
				require.False(t, ok)
				return
			}
			require.True(t, ok)
			require.Equal(t, tc.want, got.Format(time.RFC3339))
		})
	}
}

func TestDateAddDaysAndBefore(t *testing.T) {
	t.Parallel()
	require.Equal(t, date("2024-03-01"), date("2024-02-28").AddDays(2))
	require.Equal(t, date("2025-12-31"), date("2026-01-01").AddDays(-1))
	require.True(t, date("2025-12-31").Before(date("2026-01-01")))
	require.True(t, date("2026-01-31").Before(date("2026-02-01")))
	require.False(t, date("2026-02-01").Before(date("2026-02-01")))
	require.False(t, date("2026-02-02").Before(date("2026-02-01")))
}
