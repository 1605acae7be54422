package host

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestPartsStockMovements, through the real plugin process: a consumption
// retried with its key moves stock once and answers the same document; one
// beyond the stock is refused as insufficient stock (ECONFLICT naming the
// quantity), an answer that does not open the breaker; a return is
// idempotent too; a movement without a key never reaches the plugin; a
// plugin that does not post movements (built before them) answers
// EUNPROCESSABLE every time and keeps serving the rest.
func TestPartsStockMovements(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	b := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "erp", map[string]string{"api_key": "k"})
	p, err := tb.h.Parts(bg, b.PluginBinding)
	require.NoError(t, err)
	mover, ok := p.(core.PartsStockMover)
	require.True(t, ok, "the host's parts plugins post movements")
	wo := uuid.New()

	use := core.PartMovement{PartCode: "A-1", WarehouseCode: "W1", Quantity: 6, WorkOrderID: &wo, IdempotencyKey: "use-1"}
	first, err := mover.ConsumeParts(bg, use)
	require.NoError(t, err)
	again, err := mover.ConsumeParts(bg, use)
	require.NoError(t, err)
	require.Equal(t, first, again, "the retry answers the first movement")

	_, err = mover.ConsumeParts(bg, core.PartMovement{PartCode: "A-1", WarehouseCode: "W1", Quantity: 5, IdempotencyKey: "use-2"})
	require.Equal(t, core.ECONFLICT, errCode(err))
	require.ErrorContains(t, err, "insufficient stock: only 4 of A-1 left", "the retry above consumed nothing")
	var ce *core.Error
	require.ErrorAs(t, err, &ce)
	require.Contains(t, ce.Fields, "quantity")

	for range 2 {
		_, err = mover.ReturnParts(bg, core.PartMovement{PartCode: "A-1", WarehouseCode: "W1", Quantity: 3, IdempotencyKey: "ret-1"})
		require.NoError(t, err)
	}
	got, err := mover.ConsumeParts(bg, core.PartMovement{PartCode: "A-1", WarehouseCode: "W1", Quantity: 7, IdempotencyKey: "use-3"})
	require.NoError(t, err, "4 left plus 3 returned once")
	require.Equal(t, 7, got.Quantity)

	_, err = mover.ConsumeParts(bg, core.PartMovement{PartCode: "A-1", WarehouseCode: "W1", Quantity: 1})
	require.Equal(t, core.EINVALID, errCode(err))

	st := tb.h.Status(bg, b.ID)
	require.Equal(t, core.BreakerClosed, st.Breaker)
	require.Empty(t, st.LastError, "insufficient stock is an answer, not a failure")

	// A plugin that does not post movements: refused every time, no
	// failure recorded, the rest still served.
	b.setMode(t, "old")
	for range 3 {
		_, err = mover.ConsumeParts(bg, core.PartMovement{PartCode: "A-1", WarehouseCode: "W1", Quantity: 1, IdempotencyKey: "old-1"})
		require.Equal(t, core.EUNPROCESSABLE, errCode(err))
		require.ErrorContains(t, err, "does not post stock movements")
	}
	levels, err := p.PartStock(bg, "A-1")
	require.NoError(t, err)
	require.Len(t, levels, 1)
	st = tb.h.Status(bg, b.ID)
	require.Equal(t, core.BreakerClosed, st.Breaker)
	require.Empty(t, st.LastError)
}
