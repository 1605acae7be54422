package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/parts"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// TestStockMovements, the real binary against the ERP stand-in: a
// consumption and a return retried with the same idempotency key move
// stock once and answer the same document; a consumption beyond what is
// available is refused as insufficient stock and moves nothing; a
// reservation's parts are consumed without taking stock twice; a movement
// without a key is refused.
func TestStockMovements(t *testing.T) {
	erp, base := newStandIn(t)
	p := plugintest.Parts(t, plugintest.Build(t, "."), plugintest.Config(config{BaseURL: base, APIKey: erp.key}))
	mover, ok := p.(parts.StockMover)
	require.True(t, ok)
	ctx := context.Background()
	available := func(wh string) int {
		t.Helper()
		got, err := p.Stock(ctx, parts.StockRequest{PartNumber: "P-100", Warehouses: []string{wh}})
		require.NoError(t, err)
		return got[0].Available
	}

	use := parts.MovementRequest{PartNumber: "P-100", Warehouse: "WH2", Quantity: 2, WorkOrder: "WO-7", IdempotencyKey: "use-1"}
	m1, err := mover.Consume(ctx, use)
	require.NoError(t, err)
	m2, err := mover.Consume(ctx, use)
	require.NoError(t, err)
	require.Equal(t, m1, m2, "the retry answers the first movement")
	require.Equal(t, parts.Movement{ID: m1.ID, PartNumber: "P-100", Warehouse: "WH2", Quantity: 2}, m1)
	require.Equal(t, 1, available("WH2"), "consumed once")

	_, err = mover.Consume(ctx, parts.MovementRequest{PartNumber: "P-100", Warehouse: "WH2", Quantity: 5, IdempotencyKey: "use-2"})
	require.ErrorIs(t, err, sdk.ErrInsufficientStock)
	require.Contains(t, err.Error(), "only 1 of P-100")
	require.Equal(t, 1, available("WH2"), "the refusal moved nothing")

	r, err := p.Reserve(ctx, parts.ReserveRequest{PartNumber: "P-100", Warehouse: "WH1", Quantity: 4, IdempotencyKey: "rsv-9"})
	require.NoError(t, err)
	require.Equal(t, 8, available("WH1"))
	_, err = mover.Consume(ctx, parts.MovementRequest{PartNumber: "P-100", Warehouse: "WH1", Quantity: 4, ReservationID: r.ID,
		IdempotencyKey: "use-3"})
	require.NoError(t, err)
	require.Equal(t, 8, available("WH1"), "the reservation's stock is not taken twice")

	back := parts.MovementRequest{PartNumber: "P-100", Warehouse: "WH2", Quantity: 1, WorkOrder: "WO-7", IdempotencyKey: "ret-1"}
	for range 2 {
		_, err = mover.Return(ctx, back)
		require.NoError(t, err)
	}
	require.Equal(t, 2, available("WH2"), "returned once")

	_, err = mover.Consume(ctx, parts.MovementRequest{PartNumber: "P-100", Warehouse: "WH2", Quantity: 1})
	require.ErrorIs(t, err, sdk.ErrBadRequest)
	require.Contains(t, err.Error(), "idempotency key")
}
