package jobs

import (
	"context"
	"log/slog"
	"time"
)

// TypeReputation is the periodic recomputation of the site reputations
// from the report aggregates (core/report.Score); dispatch reads them.
const TypeReputation = "reports:reputation"

// ReputationEvery is how often the scores follow the aggregates.
const ReputationEvery = 5 * time.Minute

// ReputationRefresher recomputes every tenant's site reputations.
type ReputationRefresher interface {
	RefreshReputations(ctx context.Context) (int, error)
}

// ReputationTask is the periodic task that recomputes the reputations.
func ReputationTask(r ReputationRefresher, log *slog.Logger) Periodic {
	return Periodic{Type: TypeReputation, Every: ReputationEvery, Cron: "*/5 * * * *", Queue: "maintenance",
		Run: func(ctx context.Context, _ time.Time) error {
			n, err := r.RefreshReputations(ctx)
			if n > 0 {
				log.Info("site reputations recomputed", "sites", n)
			}
			return err
		}}
}
