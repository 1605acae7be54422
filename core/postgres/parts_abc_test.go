package postgres_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/jobs"
)

// TestABCJobClassifiesAYearOfConsumption: the periodic task classifies
// each tenant's parts from the consumption of the last 365 days only: a
// large issue 400 days ago counts for nothing.
func TestABCJobClassifiesAYearOfConsumption(t *testing.T) {
	t.Parallel()
	b := setupStock(t)
	ctx := context.Background()
	clock := &coretest.Clock{}
	clock.Advance(-400 * 24 * time.Hour)
	svc := parts.NewService(parts.Config{Store: b.store, Clock: clock})
	old, big, small := b.part(t, "P-OLD"), b.part(t, "P-BIG"), b.part(t, "P-SMALL")
	wh := b.warehouse(t, parts.WarehouseInput{Code: "C1", Name: "中心库", Kind: parts.KindCentral})
	post := func(kind string, lines ...any) {
		var ls []parts.LineInput
		for i := 0; i < len(lines); i += 2 {
			ls = append(ls, parts.LineInput{PartID: lines[i].(uuid.UUID), Quantity: int64(lines[i+1].(int))})
		}
		require.NoError(t, b.in(t, func(u core.UnitOfWork) error {
			_, err := svc.CreateDocument(ctx, u, parts.DocumentInput{Kind: kind, WarehouseID: &wh.ID, Lines: ls}, b.all, "test")
			return err
		}))
	}
	post(parts.DocReceipt, old.ID, 100, big.ID, 100, small.ID, 100)
	post(parts.DocIssue, old.ID, 100) // 400 days before the run
	clock.Advance(400 * 24 * time.Hour)
	post(parts.DocIssue, big.ID, 50, small.ID, 1)

	planning := &parts.PlanningService{Store: b.store, Units: b.store, Tenants: b.store.PlanningTenants, Clock: clock}
	task := jobs.ABCTask(planning, slog.New(slog.DiscardHandler))
	require.NoError(t, task.Run(ctx, clock.Now()))
	var got []parts.PartClass
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		got, err = planning.Classes(ctx, u, "")
		return err
	}))
	class := map[string]parts.PartClass{}
	for _, c := range got {
		class[c.PartNumber] = c
	}
	require.Equal(t, "A", class["P-BIG"].Class)
	require.EqualValues(t, 50*12000, class["P-BIG"].ValueMinor)
	require.Equal(t, "C", class["P-SMALL"].Class, "1/51 of the value, after the 80% and 15% shares")
	require.Equal(t, "C", class["P-OLD"].Class, "consumed more than a year ago")
	require.EqualValues(t, 0, class["P-OLD"].ValueMinor)
}
