package network_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/network"
)

func TestLateRate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name           string
		orders, misses int
		want           float64
		ok             bool
	}{
		{"no order: keeps its rate", 0, 0, 0, false},
		{"a miss but no order in the window: keeps its rate", 0, 1, 0, false},
		{"punctual", 4, 0, 0, true},
		{"one late in two", 2, 1, 0.5, true},
		{"one late in three", 3, 1, 1.0 / 3, true},
		{"more misses than orders: capped at 1", 1, 2, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			rate, ok := network.LateRate(c.orders, c.misses)
			require.Equal(t, c.ok, ok)
			require.InDelta(t, c.want, rate, 1e-12)
		})
	}
}

func TestNewLateRateWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	rate, ok := network.SiteLateCounts{Orders: 2, Misses: 1, Rate: 0.5}.NewLateRate()
	require.False(t, ok, "unchanged: %v", rate)
	rate, ok = network.SiteLateCounts{Orders: 2, Misses: 1, Rate: 1}.NewLateRate()
	require.True(t, ok)
	require.Equal(t, 0.5, rate)
	_, ok = network.SiteLateCounts{Rate: 1}.NewLateRate()
	require.False(t, ok, "no order in the window: the last rate stays")
}

func TestLateRateSince(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	require.Equal(t, time.Date(2026, 11, 6, 12, 0, 0, 0, time.UTC), network.LateRateSince(now))
}
