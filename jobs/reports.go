package jobs

import (
	"context"
	"log/slog"
	"time"
)

// TypeReports is the periodic refresh of the report aggregates: the days
// that writes (or a rebuild) marked dirty are recomputed from the raw tables.
const TypeReports = "reports:refresh"

// ReportsEvery is how often the aggregates catch up: a fact shows in the
// reports within about this long of its commit.
const ReportsEvery = 15 * time.Second

// ReportRefresher recomputes dirty report days.
type ReportRefresher interface {
	RefreshReports(ctx context.Context, limit int) (int, error)
}

// reportsTask drains the dirty days, a batch at a time, until none is left
// or the period is nearly over (the next period goes on).
func reportsTask(r ReportRefresher, log *slog.Logger) Periodic {
	return Periodic{Type: TypeReports, Every: ReportsEvery, Cron: "@every 15s", Queue: "maintenance",
		Run: func(ctx context.Context, _ time.Time) error {
			deadline := time.Now().Add(ReportsEvery * 2 / 3)
			total := 0
			for time.Now().Before(deadline) {
				n, err := r.RefreshReports(ctx, 100)
				total += n
				if err != nil || n == 0 {
					if total > 0 {
						log.Info("report days recomputed", "count", total)
					}
					return err
				}
			}
			return nil
		}}
}
