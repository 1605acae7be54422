package jobs

import (
	"context"
	"log/slog"
	"time"
)

// TypeSMSSurveys is the periodic run of SMS surveys: starts those whose
// next attempt is due, fails the attempts whose question timed out.
const TypeSMSSurveys = "callbacks:sms_surveys"

// SurveyRunner advances SMS surveys across tenants (core/callback's
// Service).
type SurveyRunner interface {
	FireSurveys(ctx context.Context) (int, error)
}

// surveysTask runs the SMS surveys once per minute across replicas; each
// task is re-checked under its row lock, so two runs act once.
func surveysTask(r SurveyRunner, log *slog.Logger) Periodic {
	return Periodic{Type: TypeSMSSurveys, Every: time.Minute, Cron: "* * * * *", Queue: "default",
		Run: func(ctx context.Context, _ time.Time) error {
			n, err := r.FireSurveys(ctx)
			if n > 0 {
				log.Info("SMS surveys advanced", "count", n)
			}
			return err
		}}
}
