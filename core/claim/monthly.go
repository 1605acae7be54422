package claim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// TaskStatements keys the monthly statement runs in the periodic store,
// one key per tenant (task:tenant), one period per statement month.
const TaskStatements = "claims:statements"

// Monthly generates every tenant's statements of last month on the 1st of
// the month in the tenant's time zone, once per tenant and month: the run
// of a (tenant, month) is claimed in the periodic store, so replicas and
// hourly repeats do not generate it twice; a failed run is given back and
// retried by the next. Statements of a later regeneration on demand are
// remade as GenerateStatements says (drafts remade, approved ones stand).
type Monthly struct {
	Claims  *Service
	Units   core.UnitsOfWork
	Periods core.PeriodicStore
	// Tenants lists the tenants to settle.
	Tenants func(ctx context.Context) ([]uuid.UUID, error)
}

// Run generates the due statements at now and returns how many it made.
func (m Monthly) Run(ctx context.Context, now time.Time) (int, error) {
	tenants, err := m.Tenants(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, t := range tenants {
		n, err := m.runTenant(ctx, t, now)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", t, err))
		}
	}
	return total, errors.Join(errs...)
}

func (m Monthly) runTenant(ctx context.Context, tenant uuid.UUID, now time.Time) (int, error) {
	var period string
	err := core.InUnitOfWork(ctx, m.Units, tenant, func(u core.UnitOfWork) error {
		_, _, loc, err := m.Claims.tenant(ctx, m.Claims.store.Claims(u))
		if err != nil {
			return err
		}
		if local := now.In(loc); local.Day() == 1 {
			period = local.AddDate(0, 0, -1).Format("2006-01")
		}
		return nil
	})
	if err != nil || period == "" {
		return 0, err
	}
	task := TaskStatements + ":" + tenant.String()
	month, _ := time.Parse("2006-01", period)
	ok, err := m.Periods.ClaimPeriod(ctx, task, month, "statements", time.Hour)
	if err != nil || !ok {
		return 0, err
	}
	n := 0
	err = core.InUnitOfWork(ctx, m.Units, tenant, func(u core.UnitOfWork) error {
		sts, err := m.Claims.GenerateStatements(ctx, u, period)
		n = len(sts)
		return err
	})
	if err != nil {
		return 0, errors.Join(err, m.Periods.ReleasePeriod(context.WithoutCancel(ctx), task, month))
	}
	return n, m.Periods.FinishPeriod(ctx, task, month)
}
