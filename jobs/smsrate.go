package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/aftersales/aftersales/core"
)

// RateLimiter caps each tenant's texts per minute across all workers: a
// counter per tenant and clock minute in Redis (fixed window). A text over
// the cap waits for the next minute; it is never dropped.
type RateLimiter struct {
	Redis redis.UniversalClient
	Log   *slog.Logger
	Clock core.Clock // which minute a text counts in
}

// NewRateLimiter returns a limiter on rdb.
func NewRateLimiter(rdb redis.UniversalClient, log *slog.Logger) *RateLimiter {
	return &RateLimiter{Redis: rdb, Log: log, Clock: core.SystemClock{}}
}

// rateScript counts ARGV[1] texts in the window KEYS[1] when they fit
// under the cap ARGV[2], or when the window is still empty (a batch
// larger than the cap goes alone in a fresh window rather than never); it
// returns the new count, or -1 for texts refused, which count for nothing:
// a refused batch that counted would use up the window for the texts
// actually sent, and its retries would refuse ever more.
var rateScript = redis.NewScript(`local n, cap = tonumber(ARGV[1]), tonumber(ARGV[2])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur > 0 and cur + n > cap then return -1 end
local v = redis.call('INCRBY', KEYS[1], n)
if v == n then redis.call('EXPIRE', KEYS[1], 120) end
return v`)

// Allow counts n texts of the tenant and tells whether they are within
// perMinute; if not, how long until the next window. When Redis fails the
// text goes (a limit is a courtesy to the carrier, not a safety net).
func (l *RateLimiter) Allow(ctx context.Context, tenant uuid.UUID, perMinute, n int) (time.Duration, bool) {
	if perMinute <= 0 {
		return 0, true
	}
	now := l.Clock.Now()
	window := now.Truncate(time.Minute)
	key := fmt.Sprintf("aftersales:sms-rate:%s:%d", tenant, window.Unix())
	count, err := rateScript.Run(ctx, l.Redis, []string{key}, n, perMinute).Int()
	if err != nil {
		l.Log.Warn("SMS rate limiter unavailable; sending", "err", err)
		return 0, true
	}
	if count >= 0 {
		return 0, true
	}
	return window.Add(time.Minute).Sub(now), false
}
