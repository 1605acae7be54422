package calendar_test

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/aftersales/aftersales/core/calendar"
	"github.com/stretchr/testify/require"
)

func TestParseInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     calendar.Interval
		err      string
	}{
		{name: "canonical", in: "08:30-12:00", want: calendar.Interval{Start: hm(8, 30), End: hm(12, 0)}},
		{name: "one-digit hour", in: "8:30-12:00", want: calendar.Interval{Start: hm(8, 30), End: hm(12, 0)}},
		{name: "spaces", in: " 08:30 - 12:00 ", want: calendar.Interval{Start: hm(8, 30), End: hm(12, 0)}},
		{name: "whole day", in: "00:00-24:00", want: calendar.Interval{Start: 0, End: hm(24, 0)}},
		{name: "reversed", in: "18:00-08:00", err: "does not end after it starts"},
		{name: "empty interval", in: "09:00-09:00", err: "does not end after it starts"},
		{name: "starts at 24:00", in: "24:00-24:00", err: "does not end after it starts"},
		{name: "no dash", in: "08:30", err: "is not written HH:MM-HH:MM"},
		{name: "en dash", in: "08:30–12:00", err: "is not written HH:MM-HH:MM"},
		{name: "hour 25", in: "08:30-25:00", err: `"25:00" is not a clock time between 00:00 and 24:00`},
		{name: "24:30", in: "08:30-24:30", err: "between 00:00 and 24:00"},
		{name: "minute 60", in: "08:60-12:00", err: "between 00:00 and 24:00"},
		{name: "one-digit minute", in: "8:5-12:00", err: `"8:5" is not a clock time HH:MM`},
		{name: "seconds", in: "08:30:00-12:00", err: "is not a clock time HH:MM"},
		{name: "sign", in: "+8:30-12:00", err: "is not a clock time HH:MM"},
		{name: "two dashes", in: "08:30-12:00-13:00", err: "is not a clock time HH:MM"},
		{name: "empty", in: "", err: "is not written HH:MM-HH:MM"},
		{name: "full-width digits", in: "０８:30-12:00", err: "is not a clock time HH:MM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := calendar.ParseInterval(tt.in)
			if tt.err != "" {
				require.ErrorIs(t, err, calendar.ErrInvalid)
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseWeek(t *testing.T) {
	t.Parallel()
	morning, afternoon := calendar.Interval{Start: hm(8, 30), End: hm(12, 0)}, calendar.Interval{Start: hm(13, 30), End: hm(18, 0)}
	tests := []struct {
		name string
		in   calendar.WeekSpec
		want [7][]calendar.Interval
		err  string
	}{
		{name: "split days", in: calendar.WeekSpec{"mon": {"08:30-12:00", "13:30-18:00"}, "sat": {"08:30-12:00"}},
			want: [7][]calendar.Interval{time.Monday: {morning, afternoon}, time.Saturday: {morning}}},
		{name: "any order, any case, full names", in: calendar.WeekSpec{"Tuesday": {"13:30-18:00", "08:30-12:00"}, "SUN": {}},
			want: [7][]calendar.Interval{time.Tuesday: {morning, afternoon}}},
		{name: "touching intervals merge", in: calendar.WeekSpec{"fri": {"08:30-10:00", "10:00-12:00"}},
			want: [7][]calendar.Interval{time.Friday: {morning}}},
		{name: "nothing is a closed week", in: nil},
		{name: "unknown day", in: calendar.WeekSpec{"mo": {"08:30-12:00"}}, err: `week: "mo" is not a weekday`},
		{name: "day twice", in: calendar.WeekSpec{"mon": {"08:30-12:00"}, "Monday": {"13:30-18:00"}}, err: "week: mon is given twice"},
		{name: "overlap", in: calendar.WeekSpec{"wed": {"08:30-12:00", "11:00-13:00"}}, err: "week: wed: interval 11:00-13:00 overlaps 08:30-12:00"},
		{name: "bad interval", in: calendar.WeekSpec{"thu": {"8.30-12.00"}}, err: `week: thu: interval "8.30-12.00": "8.30" is not a clock time HH:MM`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := calendar.ParseWeek(tt.in)
			if tt.err != "" {
				require.ErrorIs(t, err, calendar.ErrInvalid)
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestSpecCalendar(t *testing.T) {
	t.Parallel()
	const settings = `{
		"time_zone": "Asia/Shanghai",
		"week": {"mon": ["08:30-12:00", "13:30-18:00"], "tue": ["08:30-12:00", "13:30-18:00"],
		         "wed": ["08:30-12:00", "13:30-18:00"], "thu": ["08:30-12:00", "13:30-18:00"],
		         "fri": ["13:30-18:00", "08:30-12:00"]},
		"holidays": ["2025-10-08", "2025-10-01"],
		"workdays": {"2025-09-28": ["08:30-12:00", "13:30-18:00"]}
	}`
	var spec calendar.Spec
	require.NoError(t, json.Unmarshal([]byte(settings), &spec))
	c, err := spec.Calendar()
	require.NoError(t, err)

	got, err := c.Add(instant(t, "2025-09-26T17:30:00+08:00"), time.Hour)
	require.NoError(t, err)
	require.Equal(t, "2025-09-28T09:00:00+08:00", got.Format(time.RFC3339), "the make-up Sunday is used")
	require.Nil(t, c.Hours(date("2025-10-01")))

	back := c.Spec()
	require.Equal(t, []string{"2025-10-01", "2025-10-08"}, back.Holidays)
	require.Equal(t, []string{"08:30-12:00", "13:30-18:00"}, back.Week["fri"])
	require.NotContains(t, back.Week, "sat")
	again, err := back.Calendar()
	require.NoError(t, err)
	require.Equal(t, c, again)
	require.Equal(t, back, again.Spec())
}

func TestSpecCalendarRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spec  calendar.Spec
		err   string
		field string // where the error is, as calendar.Field says
	}{
		{"no zone", calendar.Spec{}, "time zone is required", "time_zone"},
		{"unknown zone", calendar.Spec{TimeZone: "Asia/Atlantis"}, `unknown time zone "Asia/Atlantis"`, "time_zone"},
		{"bad week", calendar.Spec{TimeZone: "UTC", Week: calendar.WeekSpec{"mon": {"9-18"}}}, `week: mon: interval "9-18"`, "week.mon"},
		{"bad week as written", calendar.Spec{TimeZone: "UTC", Week: calendar.WeekSpec{"Tuesday": {"18:00-09:00"}}}, `week: tue: interval`, "week.Tuesday"},
		{"not a weekday", calendar.Spec{TimeZone: "UTC", Week: calendar.WeekSpec{"funday": {"09:00-18:00"}}}, `"funday" is not a weekday`, "week.funday"},
		{"bad holiday", calendar.Spec{TimeZone: "UTC", Holidays: []string{"2025-10-32"}}, `holidays: date "2025-10-32" is not a valid YYYY-MM-DD date`, "holidays"},
		{"bad workday date", calendar.Spec{TimeZone: "UTC", Workdays: map[string][]string{"28/09/2025": {"09:00-18:00"}}}, `workdays: date "28/09/2025"`, "workdays.28/09/2025"},
		{"bad workday hours", calendar.Spec{TimeZone: "UTC", Workdays: map[string][]string{"2025-09-28": {"09:00-08:00"}}}, "workdays: 2025-09-28: interval", "workdays.2025-09-28"},
		{"workday without hours", calendar.Spec{TimeZone: "UTC", Workdays: map[string][]string{"2025-09-28": {}}}, "has no hours", "workdays.2025-09-28"},
		{"holiday and workday", calendar.Spec{TimeZone: "UTC", Holidays: []string{"2025-09-28"}, Workdays: map[string][]string{"2025-09-28": {"09:00-18:00"}}}, "both a holiday and a workday", "workdays.2025-09-28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.spec.Calendar()
			require.ErrorIs(t, err, calendar.ErrInvalid)
			require.ErrorContains(t, err, tt.err)
			require.Equal(t, tt.field, calendar.Field(err))
		})
	}
	require.Empty(t, calendar.Field(nil))
}

var canonicalInterval = regexp.MustCompile(`^([01][0-9]|2[0-4]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$`)

// FuzzParseInterval checks that ParseInterval never panics, accepts only
// valid intervals, and that what it accepts prints canonically and reads
// back the same.
func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"08:30-12:00", "8:30-12:00", " 00:00 - 24:00 ", "18:00-08:00", "24:00-24:00", "08:60-12:00", "", "-", ":-:", "9:99-1:00", "０８:30-12:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := calendar.ParseInterval(s)
		if err != nil {
			require.ErrorIs(t, err, calendar.ErrInvalid)
			return
		}
		require.True(t, 0 <= iv.Start && iv.Start < iv.End && iv.End <= 24*time.Hour, "%q gave %v", s, iv)
		require.Zero(t, iv.Start%time.Minute)
		require.Zero(t, iv.End%time.Minute)
		require.Regexp(t, canonicalInterval, iv.String())
		back, err := calendar.ParseInterval(iv.String())
		require.NoError(t, err)
		require.Equal(t, iv, back)
	})
}

// FuzzParseWeek feeds JSON week settings to ParseWeek and checks that it
// never panics, that what it accepts is a valid week (New takes it; each
// day sorted, disjoint, not touching) and that the week survives the
// round trip through Spec.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{
		`{"mon":["08:30-12:00","13:30-18:00"],"sat":["09:00-12:00"]}`,
		`{"Monday":["13:30-18:00","08:30-12:00"],"sun":[]}`,
		`{"fri":["08:00-10:00","10:00-12:00"]}`,
		`{"wed":["08:30-12:00","11:00-13:00"]}`,
		`{"mon":["00:00-24:00"],"MON":["01:00-02:00"]}`,
		`{"xyz":["08:30-12:00"]}`,
		`{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ws calendar.WeekSpec
		if json.Unmarshal(data, &ws) != nil {
			return
		}
		week, err := calendar.ParseWeek(ws)
		if err != nil {
			require.ErrorIs(t, err, calendar.ErrInvalid)
			return
		}
		for _, hours := range week {
			for i, iv := range hours {
				require.True(t, 0 <= iv.Start && iv.Start < iv.End && iv.End <= 24*time.Hour)
				if i > 0 {
					require.Less(t, hours[i-1].End, iv.Start, "sorted, disjoint, not touching")
				}
			}
		}
		c, err := calendar.New("UTC", week, nil, nil)
		require.NoError(t, err)
		again, err := calendar.ParseWeek(c.Spec().Week)
		require.NoError(t, err)
		require.Equal(t, week, again)
	})
}
