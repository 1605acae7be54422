package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// TypeTimers is the periodic check of work-order timers: SLA breaches,
// urges near a deadline, acceptance timeouts.
const TypeTimers = "timers:work_orders"

// TimersEvery is how often the timers run: a breach is flagged, and an
// unaccepted order moved on, within about a minute of its deadline.
const TimersEvery = time.Minute

// timersTask runs the timers once per minute across replicas. Each timer
// is idempotent on its own (the store re-checks it under the order's row
// lock), so even two runs at once would have one effect.
func timersTask(store core.TimerStore, log *slog.Logger) Periodic {
	return Periodic{Type: TypeTimers, Every: TimersEvery, Cron: "* * * * *", Queue: "default",
		Run: func(ctx context.Context, _ time.Time) error {
			n, err := store.FireDueTimers(ctx)
			if n > 0 {
				log.Info("work-order timers fired", "count", n)
			}
			return err
		}}
}

// purgeTask deletes expired rows once per hour across replicas, and the
// audit events older than the retention period (0: the default) when log
// is set.
func purgeTask(h core.Housekeeper, log audit.Purger, retention time.Duration, clock core.Clock, l *slog.Logger) Periodic {
	if retention <= 0 {
		retention = audit.DefaultRetention
	}
	return Periodic{Type: TypePurgeExpired, Every: time.Hour, Cron: "@hourly", Queue: "maintenance",
		Run: func(ctx context.Context, _ time.Time) error {
			now := clock.Now()
			n, err := h.PurgeExpired(ctx, now)
			if err == nil && log != nil {
				var m int64
				m, err = log.PurgeAuditEvents(ctx, now.Add(-retention))
				n += m
			}
			if err == nil && n > 0 {
				l.Info("purged expired rows", "rows", n)
			}
			return err
		}}
}
