package jobs_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/jobs"
)

// TestRateLimitCountsOnlyWhatGoes: a batch refused by the tenant's limit
// uses up none of the window (its retries would otherwise refuse the
// texts that fit); a batch larger than the limit goes alone in a fresh
// window; each tenant has its own count.
func TestRateLimitCountsOnlyWhatGoes(t *testing.T) {
	t.Parallel()
	rdb := pgtest.RedisClient(t)
	at := time.Date(2026, 11, 23, 10, 0, 20, 0, time.UTC)
	l := jobs.NewRateLimiter(rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	l.Clock = fixedClock{at}
	tenant, other := uuid.New(), uuid.New()
	ctx := t.Context()

	_, ok := l.Allow(ctx, tenant, 10, 6)
	require.True(t, ok)
	wait, ok := l.Allow(ctx, tenant, 10, 6)
	require.False(t, ok, "6 more would make 12")
	require.Equal(t, 40*time.Second, wait, "until the next minute")
	for range 3 { // its retries in the same minute are refused and count for nothing
		_, ok = l.Allow(ctx, tenant, 10, 6)
		require.False(t, ok)
	}
	_, ok = l.Allow(ctx, tenant, 10, 4)
	require.True(t, ok, "4 still fit: 10 sent this minute")
	_, ok = l.Allow(ctx, tenant, 10, 1)
	require.False(t, ok)
	_, ok = l.Allow(ctx, other, 10, 10)
	require.True(t, ok, "another tenant's window")

	l.Clock = fixedClock{at.Add(time.Minute)}
	_, ok = l.Allow(ctx, tenant, 10, 25)
	require.True(t, ok, "a batch over the limit goes alone in a fresh minute")
	_, ok = l.Allow(ctx, tenant, 10, 1)
	require.False(t, ok)
	_, ok = l.Allow(ctx, tenant, 0, 1000)
	require.True(t, ok, "no limit")
}
