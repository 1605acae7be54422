package jobs

import (
	"context"
	"log/slog"
	"time"
)

// TypeStatements is the monthly generation of the sites' settlement
// statements (core/claim.Monthly). It runs hourly: each tenant's
// statements of last month are generated once, in the first hour of the
// 1st in the tenant's time zone that the job runs.
const TypeStatements = "claims:statements-monthly"

// StatementGenerator generates the statements due at now.
type StatementGenerator interface {
	Run(ctx context.Context, now time.Time) (int, error)
}

// StatementsTask is the periodic task that generates the due statements.
func StatementsTask(g StatementGenerator, log *slog.Logger) Periodic {
	return Periodic{Type: TypeStatements, Every: time.Hour, Cron: "0 * * * *", Queue: "maintenance",
		Run: func(ctx context.Context, period time.Time) error {
			n, err := g.Run(ctx, period)
			if n > 0 {
				log.Info("monthly statements generated", "statements", n)
			}
			return err
		}}
}
