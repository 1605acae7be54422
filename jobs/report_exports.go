package jobs

import (
	"context"
	"log/slog"
	"time"
)

// TypeReportExports runs the due scheduled report exports
// (core/report.ExportService). Each due schedule runs once: the run locks
// its row, and the commit that stores it moves next_run_at on.
const TypeReportExports = "reports:exports"

// ReportExporter runs the due scheduled exports of every tenant.
type ReportExporter interface {
	RunDue(ctx context.Context) (int, error)
}

// ReportExportsTask is the periodic task that runs them, every minute.
func ReportExportsTask(e ReportExporter, log *slog.Logger) Periodic {
	return Periodic{Type: TypeReportExports, Every: time.Minute, Cron: "* * * * *", Queue: "maintenance",
		Run: func(ctx context.Context, _ time.Time) error {
			n, err := e.RunDue(ctx)
			if n > 0 {
				log.Info("scheduled report exports run", "exports", n)
			}
			return err
		}}
}
