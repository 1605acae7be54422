package core_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestSMSSendAtQuietHours(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(loc *time.Location, s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		require.NoError(t, err)
		return v
	}
	def := core.DefaultSMSSettings()
	day := def
	day.QuietHours = core.QuietHours{Enabled: true, Start: "12:00", End: "14:00"}
	nyMorning := def
	nyMorning.QuietHours = core.QuietHours{Enabled: true, Start: "22:00", End: "02:30"}
	off := def
	off.QuietHours.Enabled = false

	cases := []struct {
		name     string
		s        core.SMSSettings
		kind     string
		loc      *time.Location
		now, out time.Time
	}{
		{"customer in the day goes now", def, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-23 15:00"), at(shanghai, "2026-11-23 15:00")},
		{"customer at 20:59 goes now", def, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-23 20:59"), at(shanghai, "2026-11-23 20:59")},
		{"customer at 21:00 held to 08:00 next day", def, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-23 21:00"), at(shanghai, "2026-11-24 08:00")},
		{"customer at 23:59 held across midnight", def, core.SMSCustomerSatisfaction, shanghai, at(shanghai, "2026-11-23 23:59"), at(shanghai, "2026-11-24 08:00")},
		{"customer at 03:00 held to this morning", def, core.SMSCustomerSatisfaction, shanghai, at(shanghai, "2026-11-24 03:00"), at(shanghai, "2026-11-24 08:00")},
		{"customer at 07:59 held a minute", def, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-24 07:59"), at(shanghai, "2026-11-24 08:00")},
		{"customer at 08:00 goes now", def, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-24 08:00"), at(shanghai, "2026-11-24 08:00")},
		{"year end", def, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-12-31 22:00"), at(shanghai, "2027-01-01 08:00")},
		{"technician at night goes now", def, core.SMSTechnicianAssigned, shanghai, at(shanghai, "2026-11-23 23:00"), at(shanghai, "2026-11-23 23:00")},
		{"dispatcher at night goes now", def, core.SMSSLABreached, shanghai, at(shanghai, "2026-11-23 23:00"), at(shanghai, "2026-11-23 23:00")},
		{"help reply at night goes now", def, core.SMSHelpReply, shanghai, at(shanghai, "2026-11-23 23:00"), at(shanghai, "2026-11-23 23:00")},
		{"quiet hours off", off, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-23 23:00"), at(shanghai, "2026-11-23 23:00")},
		{"daytime span", day, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-23 12:30"), at(shanghai, "2026-11-23 14:00")},
		{"daytime span, after", day, core.SMSCustomerAssigned, shanghai, at(shanghai, "2026-11-23 14:00"), at(shanghai, "2026-11-23 14:00")},
		// The tenant's zone decides, not UTC: 14:00 UTC is 22:00 in Shanghai.
		{"tenant zone", def, core.SMSCustomerAssigned, shanghai, at(time.UTC, "2026-11-23 14:00"), at(shanghai, "2026-11-24 08:00")},
		{"nil zone is UTC", def, core.SMSCustomerAssigned, nil, at(time.UTC, "2026-11-23 14:00"), at(time.UTC, "2026-11-23 14:00")},
		// New York springs forward at 02:00 on 2026-03-08 (EST → EDT): the
		// night is an hour shorter, and 08:00 is still 08:00 local.
		{"dst spring forward", def, core.SMSCustomerAssigned, ny, at(ny, "2026-03-07 23:00"), at(ny, "2026-03-08 08:00")},
		// …and falls back at 02:00 on 2026-11-01: the night is an hour longer.
		{"dst fall back", def, core.SMSCustomerAssigned, ny, at(ny, "2026-10-31 23:00"), at(ny, "2026-11-01 08:00")},
		// Quiet hours ending at 02:30 on the spring-forward night: 02:30 does
		// not exist, the text goes at 03:00 EDT (= 02:00 EST + 1h), the first
		// instant the clock reads 02:30 or later.
		{"end inside the dst gap", nyMorning, core.SMSCustomerAssigned, ny, at(ny, "2026-03-08 01:00"),
			time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.s.SendAt(c.kind, c.now, c.loc)
			require.True(t, c.out.Equal(got), "want %s, got %s", c.out, got)
			require.False(t, got.Before(c.now), "never earlier than now")
		})
	}
	got := (*core.SMSSettings)(nil).SendAt(core.SMSCustomerAssigned, at(shanghai, "2026-11-23 22:00"), shanghai)
	require.True(t, at(shanghai, "2026-11-24 08:00").Equal(got), "nil settings are the defaults")
}

// TestSMSSendAtHeldTextsGoInTheMorning walks a fake clock minute by minute
// over two days, one of them a DST change, and checks every customer text
// is held exactly while the local clock is in the quiet hours and then goes
// out at the first local 08:00 after it.
func TestSMSSendAtHeldTextsGoInTheMorning(t *testing.T) {
	t.Parallel()
	s := core.DefaultSMSSettings()
	for _, zone := range []string{"Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		for _, start := range []time.Time{time.Date(2026, 3, 7, 12, 0, 0, 0, loc), time.Date(2026, 10, 24, 12, 0, 0, 0, loc),
			time.Date(2026, 10, 3, 12, 0, 0, 0, loc), time.Date(2026, 4, 4, 12, 0, 0, 0, loc)} {
			for now := start; now.Before(start.Add(72 * time.Hour)); now = now.Add(7 * time.Minute) {
				got := s.SendAt(core.SMSCustomerAssigned, now, loc)
				local := now.In(loc)
				h := local.Hour()
				if h >= 8 && h < 21 {
					require.True(t, got.Equal(now), "%s %s: not quiet", zone, local)
					continue
				}
				out := got.In(loc)
				require.True(t, got.After(now), "%s %s: held", zone, local)
				require.Equal(t, 8, out.Hour(), "%s %s: goes at 08:00, got %s", zone, local, out)
				require.Equal(t, 0, out.Minute())
				require.Less(t, got.Sub(now), 12*time.Hour, "%s %s: held less than a night", zone, local)
			}
		}
	}
}

func TestSMSSettingsLocation(t *testing.T) {
	t.Parallel()
	s := core.DefaultSMSSettings()
	require.Equal(t, time.UTC, s.Location())
	s.TimeZone = "Asia/Shanghai"
	require.Equal(t, "Asia/Shanghai", s.Location().String())
	require.Same(t, s.Location(), s.Location(), "loaded once")
	s.TimeZone = "Mars/Olympus"
	require.Equal(t, time.UTC, s.Location())
	require.Equal(t, time.UTC, (*core.SMSSettings)(nil).Location())
}
