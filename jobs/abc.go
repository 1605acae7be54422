package jobs

import (
	"context"
	"log/slog"
	"time"
)

// TypeABC is the periodic recomputation of the parts' ABC classes from a
// year's consumption value (core/parts.Classify); the stocktake cadence
// reads them.
const TypeABC = "parts:abc"

// ABCEvery is how often the classes follow the ledger.
const ABCEvery = 24 * time.Hour

// ABCRefresher recomputes every tenant's ABC classes.
type ABCRefresher interface {
	RecomputeABC(ctx context.Context) (int, error)
}

// ABCTask is the daily task that recomputes the ABC classes.
func ABCTask(r ABCRefresher, log *slog.Logger) Periodic {
	return Periodic{Type: TypeABC, Every: ABCEvery, Cron: "0 0 * * *", Queue: "maintenance",
		Run: func(ctx context.Context, _ time.Time) error {
			n, err := r.RecomputeABC(ctx)
			if n > 0 {
				log.Info("parts ABC classes recomputed", "parts", n)
			}
			return err
		}}
}
