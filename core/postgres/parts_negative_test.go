package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

// TestStockGoesNegativeOnlyWhereAllowed: a warehouse that allows it may
// issue and transfer out more than it has (its available stock goes
// below zero and the ledger still replays), a receipt brings it back;
// a warehouse that does not refuses the same, naming the line, and
// reservations never overdraw either.
func TestStockGoesNegativeOnlyWhereAllowed(t *testing.T) {
	t.Parallel()
	b := setupStock(t)
	ctx := context.Background()
	p := b.part(t, "P-NEG")
	strict := b.warehouse(t, parts.WarehouseInput{Code: "C1", Name: "中心库", Kind: parts.KindCentral})
	loose := b.warehouse(t, parts.WarehouseInput{Code: "S1", Name: "网点库", Kind: parts.KindSite, SiteID: &b.net.Site, AllowNegative: true})
	line := func(q int64) []parts.LineInput { return []parts.LineInput{{PartID: p.ID, Quantity: q}} }

	_, err := b.doc(t, parts.DocumentInput{Kind: parts.DocIssue, WarehouseID: &strict.ID, Lines: line(2)})
	require.Equal(t, core.EINVALID, core.ErrorCode(err))
	fieldOf(t, err, "lines[0].quantity")
	require.Equal(t, parts.Balance{WarehouseID: strict.ID, PartID: p.ID}, b.balance(t, strict.ID, p.ID))

	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocIssue, WarehouseID: &loose.ID, Lines: line(2)})
	require.NoError(t, err)
	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocTransfer, FromWarehouseID: &loose.ID, ToWarehouseID: &strict.ID, Lines: line(1)})
	require.NoError(t, err)
	require.Equal(t, parts.Balance{WarehouseID: loose.ID, PartID: p.ID, OnHand: -3, Available: -3}, b.balance(t, loose.ID, p.ID))

	// Reservations take only what is there, even where stock may go negative.
	err = b.in(t, func(u core.UnitOfWork) error {
		_, _, err := b.svc.Reserve(ctx, u, parts.ReservationInput{Key: "neg-1", WarehouseID: loose.ID, PartID: p.ID, Quantity: 1}, b.all, "user:tech")
		return err
	})
	fieldOf(t, err, "quantity")

	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &loose.ID, Lines: line(5)})
	require.NoError(t, err)
	require.Equal(t, parts.Balance{WarehouseID: loose.ID, PartID: p.ID, OnHand: 2, Available: 2}, b.balance(t, loose.ID, p.ID))
	assertLedgerReplays(t, b)
}
