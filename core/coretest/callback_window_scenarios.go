package coretest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

func clockOf(minute int) string { return fmt.Sprintf("%02d:%02d", minute/60, minute%60) }

func callbackWindowScenarios() []CallbackScenario {
	return []CallbackScenario{
		{"a weekly time window selects by day and time in the tenant's zone, and the preview equals what the rule does",
			func(t *testing.T, e CallbackEnv) {
				ctx := context.Background()
				q := e.saveSurvey(t)
				base := e.Clock.Now().AddDate(0, 0, -20).Truncate(time.Minute)
				a := e.SeedOrder("repair", base)
				b := e.SeedOrder("repair", base.AddDate(0, 0, 1))    // another day, same time
				c := e.SeedOrder("repair", base.Add(3*time.Hour))    // outside the hour
				d := e.SeedOrder("repair", base.AddDate(0, 0, 7))    // the same day a week later
				x := e.SeedOrder("repair", base.Add(90*time.Minute)) // outside the hour too
				probeIn := ruleFor(q)
				probeIn.Enabled = false // never runs: only its preview reads the facts
				probe := e.saveRule(t, nil, probeIn)
				facts, err := cb(e, func(s *callback.Service, u core.UnitOfWork) ([]*callback.Facts, error) {
					fs, _, err := s.Preview(ctx, u, probe.ID)
					return fs, err
				})
				check(t).NoError(err)
				var fa *callback.Facts
				for _, f := range facts {
					if f.OrderID == a {
						fa = f
					}
				}
				check(t).NotNil(fa)
				check(t).True(fa.Weekday >= 1 && fa.Weekday <= 7, fa.Weekday)

				in := ruleFor(q)
				in.Name = "Weekly hour"
				in.Weekdays = []int{fa.Weekday}
				in.TimeFrom, in.TimeUntil = clockOf(fa.Minute), clockOf((fa.Minute+60)%1440)
				bad := in
				bad.Weekdays = []int{8}
				_, err = cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Rule, error) {
					return s.SaveRule(ctx, u, nil, bad)
				})
				requireField(t, err, "weekdays")
				bad = in
				bad.TimeUntil = "25:00"
				_, err = cb(e, func(s *callback.Service, u core.UnitOfWork) (*callback.Rule, error) {
					return s.SaveRule(ctx, u, nil, bad)
				})
				requireField(t, err, "time_until")
				r := e.saveRule(t, nil, in)

				previewed, err := cb(e, func(s *callback.Service, u core.UnitOfWork) ([]uuid.UUID, error) {
					fs, _, err := s.Preview(ctx, u, r.ID)
					ids := make([]uuid.UUID, len(fs))
					for i, f := range fs {
						ids[i] = f.OrderID
					}
					return ids, err
				})
				check(t).NoError(err)
				check(t).ElementsMatch([]uuid.UUID{a, d}, previewed)
				var opened []uuid.UUID
				for _, o := range []uuid.UUID{a, b, c, d, x} {
					for _, task := range e.evaluate(t, o) {
						opened = append(opened, task.WorkOrderID)
					}
				}
				slices.SortFunc(opened, func(p, q uuid.UUID) int { return slices.Compare(p[:], q[:]) })
				check(t).ElementsMatch(previewed, opened, "the preview is what the rule does")
			}},
	}
}
