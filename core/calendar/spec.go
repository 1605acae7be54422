package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// WeekSpec is a week of working hours as tenants write it: keys are
// weekdays ("mon" … "sun" or "monday" … "sunday", any case), values are
// intervals as ParseInterval reads them. A missing day is closed.
//
//	{"mon": ["08:30-12:00", "13:30-18:00"], "sat": ["09:00-12:00"]}
type WeekSpec map[string][]string

// Spec is the JSON form of a calendar, for tenant settings.
type Spec struct {
	// TimeZone is an IANA name such as "Asia/Shanghai".
	TimeZone string `json:"time_zone"`
	// Week is the regular working hours.
	Week WeekSpec `json:"week"`
	// Holidays are closed dates, "2006-01-02".
	Holidays []string `json:"holidays,omitempty"`
	// Workdays maps a date ("2006-01-02") to hours that replace its
	// weekday's: make-up working days (调休) and changed hours.
	Workdays map[string][]string `json:"workdays,omitempty"`
}

// Calendar validates the spec and returns its calendar. Errors wrap
// ErrInvalid (unless the zone database cannot be read) and name the
// offending field.
func (s Spec) Calendar() (*Calendar, error) {
	week, err := ParseWeek(s.Week)
	if err != nil {
		return nil, err
	}
	holidays := make([]Date, 0, len(s.Holidays))
	for _, h := range s.Holidays {
		d, err := ParseDate(h)
		if err != nil {
			return nil, fieldInvalidf("holidays", "holidays: date %q is not a valid YYYY-MM-DD date", h)
		}
		holidays = append(holidays, d)
	}
	workdays := make(map[Date][]Interval, len(s.Workdays))
	for ds, hours := range s.Workdays {
		d, err := ParseDate(ds)
		if err != nil {
			return nil, fieldInvalidf("workdays."+ds, "workdays: date %q is not a valid YYYY-MM-DD date", ds)
		}
		if _, dup := workdays[d]; dup {
			return nil, fieldInvalidf("workdays."+ds, "workdays: %s is given twice", d)
		}
		if workdays[d], err = parseIntervals(hours); err != nil {
			return nil, fieldInvalidf("workdays."+ds, "workdays: %s: %v", d, err)
		}
	}
	return New(s.TimeZone, week, holidays, workdays)
}

// Spec returns the calendar's settings in their JSON form, normalised:
// intervals sorted and merged, closed weekdays left out, holidays sorted.
// Spec().Calendar() rebuilds an equal calendar.
func (c *Calendar) Spec() Spec {
	s := Spec{TimeZone: c.Location().String(), Week: WeekSpec{}}
	for wd, d := range c.week {
		if len(d.hours) > 0 {
			s.Week[weekdayKeys[wd]] = formatIntervals(d.hours)
		}
	}
	for d := range c.holidays {
		s.Holidays = append(s.Holidays, d.String())
	}
	slices.Sort(s.Holidays) // "2006-01-02" sorts as dates do for years 1–9999
	if len(c.workdays) > 0 {
		s.Workdays = make(map[string][]string, len(c.workdays))
		for d, w := range c.workdays {
			s.Workdays[d.String()] = formatIntervals(w.hours)
		}
	}
	return s
}

// weekdayKeys are the canonical WeekSpec keys, indexed by time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWeek reads a week of working hours, indexed by time.Weekday, with
// each day's intervals validated, sorted and merged as New does. Errors
// wrap ErrInvalid and name the day and interval.
func ParseWeek(w WeekSpec) ([7][]Interval, error) {
	var week [7][]Interval
	var seen [7]string
	for key, hours := range w {
		wd, ok := parseWeekday(key)
		if !ok {
			return week, fieldInvalidf("week."+key, "week: %q is not a weekday (use mon, tue, wed, thu, fri, sat, sun)", key)
		}
		if seen[wd] != "" {
			return week, fieldInvalidf("week."+key, "week: %s is given twice (%q and %q)", weekdayKeys[wd], seen[wd], key)
		}
		seen[wd] = key
		ivs, err := parseIntervals(hours)
		if err != nil {
			return week, fieldInvalidf("week."+key, "week: %s: %v", weekdayKeys[wd], err)
		}
		week[wd] = ivs
	}
	return week, nil
}

func parseWeekday(key string) (time.Weekday, bool) {
	k := strings.ToLower(strings.TrimSpace(key))
	for wd := range time.Weekday(7) {
		if k == weekdayKeys[wd] || k == strings.ToLower(wd.String()) {
			return wd, true
		}
	}
	return 0, false
}

// parseIntervals reads one day's intervals and normalises them as New does.
func parseIntervals(ss []string) ([]Interval, error) {
	ivs := make([]Interval, 0, len(ss))
	for _, s := range ss {
		iv, err := parseInterval(s)
		if err != nil {
			return nil, err
		}
		ivs = append(ivs, iv)
	}
	d, err := newDay(ivs)
	return d.hours, err
}

func formatIntervals(ivs []Interval) []string {
	ss := make([]string, len(ivs))
	for i, iv := range ivs {
		ss[i] = iv.String()
	}
	return ss
}

// ParseInterval reads an interval of working hours written "08:30-12:00":
// two clock times H:MM or HH:MM from 00:00 to 24:00, the second later
// than the first, spaces allowed around the dash. Errors wrap ErrInvalid.
func ParseInterval(s string) (Interval, error) {
	iv, err := parseInterval(s)
	if err != nil {
		return Interval{}, invalidf("%v", err)
	}
	return iv, nil
}

func parseInterval(s string) (Interval, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Interval{}, fmt.Errorf("interval %q is not written HH:MM-HH:MM", s)
	}
	start, err := parseClock(strings.TrimSpace(from))
	if err != nil {
		return Interval{}, fmt.Errorf("interval %q: %v", s, err)
	}
	end, err := parseClock(strings.TrimSpace(to))
	if err != nil {
		return Interval{}, fmt.Errorf("interval %q: %v", s, err)
	}
	if end <= start {
		return Interval{}, fmt.Errorf("interval %q does not end after it starts (split a shift past midnight at 24:00)", s)
	}
	return Interval{start, end}, nil
}

// parseClock reads "H:MM" or "HH:MM", 00:00 to 24:00, ASCII digits only.
func parseClock(s string) (time.Duration, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !isDigits(h) || !isDigits(m) {
		return 0, fmt.Errorf("%q is not a clock time HH:MM", s)
	}
	hh, mm := atoi(h), atoi(m)
	if mm > 59 || hh > 24 || hh == 24 && mm != 0 {
		return 0, fmt.Errorf("%q is not a clock time between 00:00 and 24:00", s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
