package deadline_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/deadline"
)

// sla is the policy work orders use: at risk within an hour, urged at 80 %.
var sla = deadline.Policy{AtRisk: deadline.Before(time.Hour), Warn: deadline.Fraction(0.8)}

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return now.Add(d) }

func TestStatus(t *testing.T) {
	t.Parallel()
	start := at(-3 * time.Hour)
	clock := func(due, met time.Duration) deadline.Clock {
		c := deadline.Clock{Start: start, Due: at(due)}
		if met != 0 {
			c.Met = at(met)
		}
		return c
	}
	noDue := deadline.Clock{Start: start}
	running := func(cs ...deadline.Clock) deadline.Item { return deadline.Item{Clocks: cs, Running: true} }
	for _, tc := range []struct {
		name string
		it   deadline.Item
		want deadline.Status
	}{
		{"no clocks", running(), deadline.None},
		{"no clock has a due time", running(noDue, noDue), deadline.None},
		{"due in two hours", running(clock(2*time.Hour, 0)), deadline.OnTrack},
		{"due in exactly an hour", running(clock(time.Hour, 0)), deadline.OnTrack},
		{"due in an hour less a nanosecond", running(clock(time.Hour-1, 0)), deadline.AtRisk},
		{"due now", running(clock(0, 0)), deadline.AtRisk},
		{"due a nanosecond ago", running(clock(-1, 0)), deadline.Breached},
		{"met on time, the next one near", running(clock(-time.Hour, -2*time.Hour), clock(30*time.Minute, 0)), deadline.AtRisk},
		{"met at the due instant", running(clock(-time.Hour, -time.Hour)), deadline.OnTrack},
		{"met late", running(clock(-time.Hour, -time.Hour+1)), deadline.Breached},
		{"overdue beats at risk", running(clock(30*time.Minute, 0), clock(-time.Minute, 0)), deadline.Breached},
		{"finished in time", deadline.Item{Clocks: []deadline.Clock{clock(-time.Hour, -2*time.Hour)}, Running: true, Finished: true},
			deadline.Met},
		{"finished with a clock unmet and overdue", deadline.Item{Clocks: []deadline.Clock{clock(-time.Hour, 0)}, Running: true,
			Finished: true}, deadline.Breached},
		{"finished with a clock unmet and near", deadline.Item{Clocks: []deadline.Clock{clock(time.Minute, 0)}, Running: true,
			Finished: true}, deadline.AtRisk},
		{"stopped and finished: an unmet clock no longer counts", deadline.Item{Clocks: []deadline.Clock{clock(-time.Hour, 0)},
			Finished: true}, deadline.Met},
		{"stopped, not finished", deadline.Item{Clocks: []deadline.Clock{clock(-time.Hour, 0)}}, deadline.OnTrack},
		{"void", deadline.Item{Clocks: []deadline.Clock{clock(-time.Hour, 0)}, Void: true}, deadline.None},
		{"void, but met late before", deadline.Item{Clocks: []deadline.Clock{clock(-time.Hour, -time.Minute)}, Void: true},
			deadline.Breached},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, sla.Status(tc.it, now))
			for _, s := range deadline.Statuses() {
				require.Equal(t, s == tc.want, sla.Holds(deadline.When(s), tc.it, now), "When(%s)", s)
			}
		})
	}
}

func TestStatusWithFractionThreshold(t *testing.T) {
	t.Parallel()
	p := deadline.Policy{AtRisk: deadline.Fraction(0.8)}
	c := deadline.Clock{Start: at(-8 * time.Hour), Due: at(2 * time.Hour)} // 80 % of 10 hours: now
	require.Equal(t, deadline.AtRisk, p.ClockStatus(c, now))
	require.Equal(t, deadline.OnTrack, p.ClockStatus(c, now.Add(-1)))
	require.Equal(t, deadline.Breached, p.ClockStatus(c, c.Due.Add(1)))
	c.Met = now
	require.Equal(t, deadline.Met, p.ClockStatus(c, now.Add(24*time.Hour)))
}

func TestClockStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    deadline.Clock
		now  time.Time
		want deadline.Status
	}{
		{"no due time", deadline.Clock{Start: now}, now, deadline.None},
		{"running", deadline.Clock{Start: now, Due: at(3 * time.Hour)}, now, deadline.OnTrack},
		{"near", deadline.Clock{Start: now, Due: at(3 * time.Hour)}, at(2*time.Hour + 1), deadline.AtRisk},
		{"overdue", deadline.Clock{Start: now, Due: at(3 * time.Hour)}, at(3*time.Hour + 1), deadline.Breached},
		{"met in time", deadline.Clock{Start: now, Due: at(3 * time.Hour), Met: at(time.Hour)}, at(5 * time.Hour), deadline.Met},
		{"met late", deadline.Clock{Start: now, Due: at(3 * time.Hour), Met: at(4 * time.Hour)}, at(5 * time.Hour), deadline.Breached},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, sla.ClockStatus(tc.c, tc.now))
		})
	}
}

func TestThreshold(t *testing.T) {
	t.Parallel()
	start, due := at(-8*time.Hour), at(2*time.Hour)
	for _, tc := range []struct {
		name string
		th   deadline.Threshold
		at   time.Time // the first instant reached
	}{
		{"an hour before", deadline.Before(time.Hour), due.Add(-time.Hour + 1)},
		{"no lead time", deadline.Threshold{}, due.Add(1)},
		{"80 %", deadline.Fraction(0.8), now},
		{"the whole window", deadline.Fraction(1), due},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.at, tc.th.At(start, due))
			require.True(t, tc.th.Reached(start, due, tc.at))
			require.False(t, tc.th.Reached(start, due, tc.at.Add(-1)))
		})
	}
}

func TestWarningAndMissed(t *testing.T) {
	t.Parallel()
	c := deadline.Clock{Start: at(-8 * time.Hour), Due: at(2 * time.Hour)} // warns from now on
	for _, tc := range []struct {
		name            string
		c               deadline.Clock
		now             time.Time
		warning, missed bool
	}{
		{"before the warning point", c, now.Add(-1), false, false},
		{"at the warning point", c, now, true, false},
		{"at the due time", c, c.Due, true, false},
		{"past due", c, c.Due.Add(1), false, true},
		{"met in time", deadline.Clock{Start: c.Start, Due: c.Due, Met: now}, c.Due.Add(time.Hour), false, false},
		{"met at the due instant", deadline.Clock{Start: c.Start, Due: c.Due, Met: c.Due}, c.Due.Add(1), false, false},
		{"met late", deadline.Clock{Start: c.Start, Due: c.Due, Met: c.Due.Add(1)}, c.Due.Add(time.Hour), false, true},
		{"met late, seen at the due time", deadline.Clock{Start: c.Start, Due: c.Due, Met: c.Due.Add(1)}, c.Due, false, false},
		{"no due time", deadline.Clock{Start: c.Start}, now, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.warning, sla.Warning(tc.c, tc.now), "Warning")
			require.Equal(t, tc.missed, tc.c.Missed(tc.now), "Missed")
		})
	}
	require.Equal(t, now, sla.WarnAt(c))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		p    deadline.Policy
		ok   bool
	}{
		{"work orders", sla, true},
		{"working days", deadline.Policy{Days: 3, AtRisk: deadline.Fraction(0.8)}, true},
		{"zero", deadline.Policy{}, true},
		{"negative window", deadline.Policy{Work: -time.Minute}, false},
		{"negative days", deadline.Policy{Days: -1}, false},
		{"both windows", deadline.Policy{Work: time.Hour, Days: 1}, false},
		{"negative lead time", deadline.Policy{AtRisk: deadline.Before(-time.Hour)}, false},
		{"fraction above one", deadline.Policy{Warn: deadline.Fraction(1.5)}, false},
		{"negative fraction", deadline.Policy{Warn: deadline.Fraction(-0.5)}, false},
		{"both thresholds", deadline.Policy{Warn: deadline.Threshold{Before: time.Hour, Fraction: 0.5}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, deadline.ErrInvalid)
			}
		})
	}
}

// refStatus is the status rule written out by hand, as work orders
// computed it before the engine (slaStatus in core/postgres), with the
// at-risk test passed in.
func refStatus(it deadline.Item, now time.Time, near func(deadline.Clock) bool) deadline.Status {
	anyDue, risk := false, false
	for _, c := range it.Clocks {
		if c.Due.IsZero() {
			continue
		}
		anyDue = true
		switch {
		case !c.Met.IsZero() && c.Met.After(c.Due):
			return deadline.Breached
		case c.Met.IsZero() && it.Running && now.After(c.Due):
			return deadline.Breached
		case c.Met.IsZero() && it.Running && near(c):
			risk = true
		}
	}
	switch {
	case !anyDue || it.Void:
		return deadline.None
	case risk:
		return deadline.AtRisk
	case it.Finished:
		return deadline.Met
	}
	return deadline.OnTrack
}

// randomItem returns an item of up to four clocks with instants around
// now, many on the boundaries the rule cares about.
func randomItem(rng *rand.Rand) deadline.Item {
	instant := func() time.Time {
		offsets := []time.Duration{0, 1, -1, time.Hour, time.Hour - 1, time.Hour + 1, -time.Hour, 2 * time.Hour}
		if rng.IntN(2) == 0 {
			return now.Add(offsets[rng.IntN(len(offsets))])
		}
		return now.Add(time.Duration(rng.Int64N(int64(6*time.Hour))) - 3*time.Hour)
	}
	it := deadline.Item{Running: rng.IntN(3) > 0, Finished: rng.IntN(3) == 0, Void: rng.IntN(6) == 0}
	for range rng.IntN(5) {
		c := deadline.Clock{Start: now.Add(-time.Duration(rng.Int64N(int64(10 * time.Hour))))}
		if rng.IntN(5) > 0 {
			c.Due = instant()
		}
		switch rng.IntN(3) {
		case 0:
			c.Met = instant()
		case 1:
			c.Met = c.Due.Add(time.Duration(rng.IntN(3) - 1))
		}
		it.Clocks = append(it.Clocks, c)
	}
	return it
}

// TestStatusMatchesHandWrittenRule: the declarative rule decides exactly
// as the hand-written one, for both kinds of threshold, and exactly one
// When holds, that of the status.
func TestStatusMatchesHandWrittenRule(t *testing.T) {
	t.Parallel()
	rng := propRand(t)
	frac := deadline.Policy{AtRisk: deadline.Fraction(0.8)}
	for range 20000 {
		it := randomItem(rng)
		want := refStatus(it, now, func(c deadline.Clock) bool { return now.Add(time.Hour).After(c.Due) })
		require.Equal(t, want, sla.Status(it, now), "%+v", it)
		wantFrac := refStatus(it, now, func(c deadline.Clock) bool {
			return !now.Before(c.Start.Add(time.Duration(float64(c.Due.Sub(c.Start)) * 0.8)))
		})
		require.Equal(t, wantFrac, frac.Status(it, now), "%+v", it)
		for _, s := range deadline.Statuses() {
			require.Equal(t, s == want, sla.Holds(deadline.When(s), it, now), "When(%s) %+v", s, it)
		}
	}
}

func TestRuleIsACopy(t *testing.T) {
	t.Parallel()
	r := deadline.Rule()
	r[0].When.Args[0] = deadline.True
	r[1].Status = deadline.Met
	require.Equal(t, deadline.Breached, deadline.Rule()[0].Status)
	it := deadline.Item{Clocks: []deadline.Clock{{Start: now, Due: at(time.Hour)}}, Running: true}
	require.Equal(t, deadline.OnTrack, sla.Status(it, now))
}
