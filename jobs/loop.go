package jobs

import (
	"context"
	"log/slog"
	"time"
)

// pollLoop runs round until ctx ends: at once, whenever listen wakes it,
// and every poll. A round that fills a batch is followed by another at
// once; pause is the least time between two wake-ups (notices arriving
// meanwhile are served by one round). The outbox relay and the webhook
// sweeper share it.
func pollLoop(ctx context.Context, listen func(context.Context, func()), poll, pause time.Duration, batch int,
	round func(context.Context) (int, error), log *slog.Logger, what string) {
	wake := make(chan struct{}, 1)
	go listen(ctx, func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		for {
			n, err := round(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				log.Warn(what+" failed; retrying", "err", err)
				break
			}
			if n < batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
		}
		if pause <= 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
	}
}
