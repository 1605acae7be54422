package parts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk/parts"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// TestPluginWithoutStockMovements: a plugin written before Consume and
// Return existed (the example implements only Plugin) keeps serving its
// methods, and the host's client reports that it does not post stock
// movements, every time, without breaking the process.
func TestPluginWithoutStockMovements(t *testing.T) {
	p := plugintest.Parts(t, plugintest.Build(t, "./example"), plugintest.Config(map[string]any{
		"currency": "CNY", "warehouse": "WH1",
		"parts": []map[string]any{{"number": "P-100", "name": "Drain pump", "unit_fen": 8900, "stock": 12}}}))
	ctx := context.Background()
	mover, ok := p.(parts.StockMover)
	require.True(t, ok, "the host's client offers the movements for every plugin")
	for range 3 {
		_, err := mover.Consume(ctx, parts.MovementRequest{PartNumber: "P-100", Warehouse: "WH1", Quantity: 1, IdempotencyKey: "k"})
		require.ErrorIs(t, err, parts.ErrMovementsNotSupported)
		_, err = mover.Return(ctx, parts.MovementRequest{PartNumber: "P-100", Warehouse: "WH1", Quantity: 1, IdempotencyKey: "k"})
		require.ErrorIs(t, err, parts.ErrMovementsNotSupported)
	}
	r, err := p.Reserve(ctx, parts.ReserveRequest{PartNumber: "P-100", Warehouse: "WH1", Quantity: 2, IdempotencyKey: "r"})
	require.NoError(t, err)
	require.Equal(t, 2, r.Quantity)
}
