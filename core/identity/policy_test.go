package identity_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/identity"
)

func TestLoginPolicy(t *testing.T) {
	t.Parallel()
	p := identity.DefaultLoginPolicy()
	last := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	next, locked := p.NextAttempt(2, last)
	require.True(t, next.IsZero())
	require.False(t, locked)
	next, _ = p.NextAttempt(3, last)
	require.Equal(t, last.Add(time.Second), next)
	next, _ = p.NextAttempt(5, last)
	require.Equal(t, last.Add(4*time.Second), next)
	next, _ = p.NextAttempt(9, last)
	require.Equal(t, last.Add(30*time.Second), next, "capped")
	next, locked = p.NextAttempt(10, last)
	require.True(t, locked)
	require.Equal(t, last.Add(15*time.Minute), next)
	_, locked = p.NextAttempt(1000, last)
	require.True(t, locked)
}
