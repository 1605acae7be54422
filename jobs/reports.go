package jobs

import (
	"context"
	"log/slog"
	"time"
)

// TypeReports is the periodic refresh of the report aggregates: the source
// rows that writes touched are applied to them (their new facts minus
// their old), the days a rebuild marked recomputed from the raw tables (a
// small day at once, a larger one's rows queued and applied in batches
// over the following runs, each tenant's batches in turn).
const TypeReports = "reports:refresh"

// ReportsEvery is how often the aggregates catch up: a fact shows in the
// reports within about this long of its commit.
const ReportsEvery = 15 * time.Second

// ReportRefresher brings the report aggregates up to date, a step a call
// (0: nothing was left).
type ReportRefresher interface {
	RefreshReports(ctx context.Context, limit int) (int, error)
}

// reportsTask drains the touched rows and dirty days, a batch at a time, until none is left
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
						log.Info("report aggregates refreshed", "days_and_rows", total)
					}
					return err
				}
			}
			return nil
		}}
}
