package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

type stockBundle struct {
	store *postgres.Store
	svc   *parts.Service
	net   *pgtest.Network
	all   parts.Reach
}

func setupStock(t testing.TB) stockBundle {
	t.Helper()
	s := pgtest.NewStore(t, nil)
	n := pgtest.NewNetwork(t, s, "acme", "")
	return stockBundle{store: s, svc: parts.NewService(parts.Config{Store: s}), net: n, all: parts.Reach{All: true}}
}

// in runs fn in a unit of the bundle's tenant: committed on success,
// rolled back on error.
func (b stockBundle) in(t testing.TB, fn func(u core.UnitOfWork) error) error {
	t.Helper()
	return core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, fn)
}

func (b stockBundle) part(t testing.TB, number string) *parts.Part {
	t.Helper()
	var p *parts.Part
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		p, err = b.svc.CreatePart(context.Background(), u, parts.PartInput{Number: number, NameZh: "压缩机 " + number,
			NameEn: "Compressor " + number, Models: []string{"KFR-35"}, CostMinor: 12000, SaleMinor: 18000, WarrantyMonths: 12})
		return err
	}))
	return p
}

func (b stockBundle) warehouse(t testing.TB, in parts.WarehouseInput) *parts.Warehouse {
	t.Helper()
	var w *parts.Warehouse
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		w, err = b.svc.CreateWarehouse(context.Background(), u, in)
		return err
	}))
	return w
}

func (b stockBundle) doc(t testing.TB, in parts.DocumentInput) (*parts.Document, error) {
	t.Helper()
	var d *parts.Document
	err := b.in(t, func(u core.UnitOfWork) (err error) {
		d, err = b.svc.CreateDocument(context.Background(), u, in, b.all, "user:clerk")
		return err
	})
	return d, err
}

func (b stockBundle) balance(t testing.TB, w, p uuid.UUID) parts.Balance {
	t.Helper()
	var rows []*parts.StockRow
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		rows, _, err = b.svc.FindBalances(context.Background(), u, parts.BalanceFilter{Within: b.all, WarehouseID: &w, PartID: &p})
		return err
	}))
	if len(rows) == 0 {
		return parts.Balance{WarehouseID: w, PartID: p}
	}
	return rows[0].Balance
}

func fieldOf(t testing.TB, err error, field string) {
	t.Helper()
	require.Error(t, err)
	var ce *core.Error
	require.ErrorAs(t, err, &ce)
	require.Contains(t, ce.Fields, field, "error %v", err)
}

func TestPartsCatalogueOnPostgres(t *testing.T) {
	t.Parallel()
	b := setupStock(t)
	ctx := context.Background()
	p := b.part(t, "P-100")
	require.Equal(t, []string{"KFR-35"}, p.Models)
	b.part(t, "P-200")

	for _, tc := range []struct {
		name  string
		in    parts.PartInput
		code  string
		field string
	}{
		{"taken number", parts.PartInput{Number: "P-100", NameEn: "x"}, core.ECONFLICT, "number"},
		{"unknown model", parts.PartInput{Number: "P-300", NameEn: "x", Models: []string{"NOPE"}}, core.EINVALID, "models"},
		{"negative cost", parts.PartInput{Number: "P-300", NameEn: "x", CostMinor: -1}, core.EINVALID, "cost_minor"},
		{"bad currency", parts.PartInput{Number: "P-300", NameEn: "x", Currency: "yuan"}, core.EINVALID, "currency"},
		{"no name", parts.PartInput{Number: "P-300"}, core.EINVALID, "name_zh"},
		{"bad number", parts.PartInput{Number: "P 300", NameEn: "x"}, core.EINVALID, "number"},
	} {
		err := b.in(t, func(u core.UnitOfWork) error { _, err := b.svc.CreatePart(ctx, u, tc.in); return err })
		require.Equal(t, tc.code, core.ErrorCode(err), tc.name)
		fieldOf(t, err, tc.field)
	}

	var list []*parts.Part
	var next string
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		list, next, err = b.svc.FindParts(ctx, u, parts.PartFilter{Limit: 1})
		return err
	}))
	require.Len(t, list, 1)
	require.Equal(t, "P-100", list[0].Number)
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		list, next, err = b.svc.FindParts(ctx, u, parts.PartFilter{Limit: 1, After: next})
		return err
	}))
	require.Equal(t, "P-200", list[0].Number)
	require.Empty(t, next)
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		list, _, err = b.svc.FindParts(ctx, u, parts.PartFilter{Query: "compressor p-2", Model: "KFR-35"})
		return err
	}))
	require.Len(t, list, 1)

	// Update with the version read; a stale version is a conflict.
	in := parts.PartInput{Number: "P-100", NameZh: "压缩机", NameEn: "Compressor", SaleMinor: 19900, Version: 1, MustReturn: true}
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) { p, err = b.svc.UpdatePart(ctx, u, p.ID, in); return err }))
	require.Equal(t, 2, p.Version)
	require.True(t, p.MustReturn)
	err := b.in(t, func(u core.UnitOfWork) error { _, err := b.svc.UpdatePart(ctx, u, p.ID, in); return err })
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err))

	// A part that moved stays; one that never did may go.
	wh := b.warehouse(t, parts.WarehouseInput{Code: "C1", Name: "中心库", Kind: parts.KindCentral})
	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &wh.ID, Lines: []parts.LineInput{{PartID: p.ID, Quantity: 1}}})
	require.NoError(t, err)
	err = b.in(t, func(u core.UnitOfWork) error { return b.svc.DeletePart(ctx, u, p.ID) })
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err))
	other := b.part(t, "P-900")
	require.NoError(t, b.in(t, func(u core.UnitOfWork) error { return b.svc.DeletePart(ctx, u, other.ID) }))
}

func TestWarehousesAndReachOnPostgres(t *testing.T) {
	t.Parallel()
	b := setupStock(t)
	ctx := context.Background()
	central := b.warehouse(t, parts.WarehouseInput{Code: "C1", Name: "中心库", Kind: parts.KindCentral})
	regional := b.warehouse(t, parts.WarehouseInput{Code: "R1", Name: "华南库", Kind: parts.KindRegional, RegionID: &b.net.Region})
	site := b.warehouse(t, parts.WarehouseInput{Code: "S1", Name: "网点库", Kind: parts.KindSite, SiteID: &b.net.Site})

	missing := uuid.New()
	for _, tc := range []struct {
		name  string
		in    parts.WarehouseInput
		field string
	}{
		{"unknown site", parts.WarehouseInput{Code: "X", Name: "x", Kind: parts.KindSite, SiteID: &missing}, "site_id"},
		{"unknown region", parts.WarehouseInput{Code: "X", Name: "x", Kind: parts.KindRegional, RegionID: &missing}, "region_id"},
		{"regional without region", parts.WarehouseInput{Code: "X", Name: "x", Kind: parts.KindRegional}, "region_id"},
		{"bad kind", parts.WarehouseInput{Code: "X", Name: "x", Kind: "moon"}, "kind"},
		{"taken code", parts.WarehouseInput{Code: "C1", Name: "x", Kind: parts.KindCentral}, "code"},
	} {
		err := b.in(t, func(u core.UnitOfWork) error { _, err := b.svc.CreateWarehouse(ctx, u, tc.in); return err })
		fieldOf(t, err, tc.field)
	}

	codes := func(r parts.Reach) []string {
		var ws []*parts.Warehouse
		require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
			ws, _, err = b.svc.FindWarehouses(ctx, u, parts.WarehouseFilter{Within: r})
			return err
		}))
		var out []string
		for _, w := range ws {
			out = append(out, w.Code)
		}
		return out
	}
	require.Equal(t, []string{"C1", "R1", "S1"}, codes(b.all))
	require.Equal(t, []string{"S1"}, codes(parts.Reach{Sites: []uuid.UUID{b.net.Site}}), "a site sees only its warehouses")
	require.Equal(t, []string{"R1", "S1"}, codes(parts.Reach{Regions: []uuid.UUID{b.net.Region}}), "a region manager their subtree")
	require.Empty(t, codes(parts.Reach{Sites: []uuid.UUID{uuid.New()}}))
	require.Empty(t, codes(parts.Reach{}))

	// Outside reach a warehouse is not found, and a document naming it is refused.
	siteReach := parts.Reach{Sites: []uuid.UUID{b.net.Site}}
	err := b.in(t, func(u core.UnitOfWork) error {
		_, err := b.svc.FindWarehouse(ctx, u, central.ID, siteReach)
		return err
	})
	require.Equal(t, core.ENOTFOUND, core.ErrorCode(err))
	p := b.part(t, "P-1")
	err = b.in(t, func(u core.UnitOfWork) error {
		_, err := b.svc.CreateDocument(ctx, u, parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &central.ID,
			Lines: []parts.LineInput{{PartID: p.ID, Quantity: 1}}}, siteReach, "user:site")
		return err
	})
	fieldOf(t, err, "warehouse_id")
	_ = regional
	_ = site
}

// TestStockDocumentsOnPostgres walks every document kind, partial
// receipts and reservations, and the refusals that change nothing.
func TestStockDocumentsOnPostgres(t *testing.T) {
	t.Parallel()
	b := setupStock(t)
	ctx := context.Background()
	p := b.part(t, "P-1")
	c := b.warehouse(t, parts.WarehouseInput{Code: "C1", Name: "中心库", Kind: parts.KindCentral})
	s := b.warehouse(t, parts.WarehouseInput{Code: "S1", Name: "网点库", Kind: parts.KindSite, SiteID: &b.net.Site})
	line := func(q int64) []parts.LineInput { return []parts.LineInput{{PartID: p.ID, Quantity: q}} }

	_, err := b.doc(t, parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &c.ID, Reference: "DN-1", Lines: line(20)})
	require.NoError(t, err)
	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocIssue, WarehouseID: &c.ID, Lines: line(3)})
	require.NoError(t, err)
	require.Equal(t, parts.Balance{WarehouseID: c.ID, PartID: p.ID, OnHand: 17, Available: 17}, b.balance(t, c.ID, p.ID))

	// Bad input: field named, nothing changed.
	for _, tc := range []struct {
		name  string
		in    parts.DocumentInput
		field string
	}{
		{"negative stock", parts.DocumentInput{Kind: parts.DocIssue, WarehouseID: &c.ID, Lines: line(18)}, "lines[0].quantity"},
		{"negative quantity", parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &c.ID, Lines: line(-1)}, "lines[0].quantity"},
		{"unknown part", parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: &c.ID,
			Lines: []parts.LineInput{{PartID: p.ID, Quantity: 1}, {PartID: uuid.New(), Quantity: 1}}}, "lines[1].part_id"},
		{"unknown warehouse", parts.DocumentInput{Kind: parts.DocReceipt, WarehouseID: ptr(uuid.New()), Lines: line(1)}, "warehouse_id"},
		{"adjustment without reason", parts.DocumentInput{Kind: parts.DocAdjustment, WarehouseID: &c.ID, Lines: line(-1)}, "reason"},
		{"adjustment below zero", parts.DocumentInput{Kind: parts.DocAdjustment, WarehouseID: &c.ID, Reason: "lost",
			Lines: line(-18)}, "lines[0].quantity"},
		{"transfer to itself", parts.DocumentInput{Kind: parts.DocTransfer, FromWarehouseID: &c.ID, ToWarehouseID: &c.ID,
			Lines: line(1)}, "to_warehouse_id"},
		{"transfer of too much", parts.DocumentInput{Kind: parts.DocTransfer, FromWarehouseID: &c.ID, ToWarehouseID: &s.ID,
			Lines: line(100)}, "lines[0].quantity"},
	} {
		_, err := b.doc(t, tc.in)
		require.Equal(t, core.EINVALID, core.ErrorCode(err), tc.name)
		fieldOf(t, err, tc.field)
	}
	require.Equal(t, int64(17), b.balance(t, c.ID, p.ID).OnHand)

	// Adjustments both ways, a return.
	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocAdjustment, WarehouseID: &c.ID, Reason: "count", Lines: line(-2)})
	require.NoError(t, err)
	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocAdjustment, WarehouseID: &c.ID, Reason: "found", Lines: line(1)})
	require.NoError(t, err)
	_, err = b.doc(t, parts.DocumentInput{Kind: parts.DocReturn, WarehouseID: &c.ID, Lines: line(4)})
	require.NoError(t, err)
	require.Equal(t, int64(20), b.balance(t, c.ID, p.ID).Available)

	// Transfer: shipped → in transit → received in two parts; over-receipt refused.
	tr, err := b.doc(t, parts.DocumentInput{Kind: parts.DocTransfer, FromWarehouseID: &c.ID, ToWarehouseID: &s.ID, Lines: line(8)})
	require.NoError(t, err)
	require.Equal(t, parts.StateInTransit, tr.State)
	require.Equal(t, int64(12), b.balance(t, c.ID, p.ID).Available)
	require.Equal(t, parts.Balance{WarehouseID: s.ID, PartID: p.ID, InTransit: 8}, b.balance(t, s.ID, p.ID))
	siteReach := parts.Reach{Sites: []uuid.UUID{b.net.Site}}
	receive := func(q int64) (*parts.Document, error) {
		var d *parts.Document
		err := b.in(t, func(u core.UnitOfWork) (err error) {
			d, err = b.svc.ReceiveTransfer(ctx, u, tr.ID, line(q), siteReach, "user:site")
			return err
		})
		return d, err
	}
	d, err := receive(5)
	require.NoError(t, err)
	require.Equal(t, parts.StatePartiallyReceived, d.State)
	_, err = receive(4)
	fieldOf(t, err, "lines[0].quantity")
	require.Equal(t, parts.Balance{WarehouseID: s.ID, PartID: p.ID, OnHand: 5, Available: 5, InTransit: 3}, b.balance(t, s.ID, p.ID))
	d, err = receive(3)
	require.NoError(t, err)
	require.Equal(t, parts.StateReceived, d.State)
	_, err = receive(1)
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err))
	// The source's side may not receive at the destination it cannot reach.
	err = b.in(t, func(u core.UnitOfWork) error {
		_, err := b.svc.ReceiveTransfer(ctx, u, tr.ID, line(1), parts.Reach{Sites: []uuid.UUID{uuid.New()}}, "x")
		return err
	})
	require.Equal(t, core.ENOTFOUND, core.ErrorCode(err))

	// Reservations: a retry with the same key moves nothing twice.
	reserve := func(key string, q int64) (*parts.Reservation, error) {
		var r *parts.Reservation
		err := b.in(t, func(u core.UnitOfWork) (err error) {
			r, _, err = b.svc.Reserve(ctx, u, parts.ReservationInput{Key: key, WarehouseID: s.ID, PartID: p.ID, Quantity: q}, siteReach, "user:tech")
			return err
		})
		return r, err
	}
	r1, err := reserve("k1", 3)
	require.NoError(t, err)
	again, err := reserve("k1", 3)
	require.NoError(t, err)
	require.Equal(t, r1.ID, again.ID)
	require.Equal(t, parts.Balance{WarehouseID: s.ID, PartID: p.ID, OnHand: 8, Available: 5, Reserved: 3}, b.balance(t, s.ID, p.ID))
	_, err = reserve("k1", 4)
	fieldOf(t, err, "key")
	_, err = reserve("k2", 6)
	fieldOf(t, err, "quantity")
	settle := func(consume bool, q int64) (*parts.Reservation, error) {
		var r *parts.Reservation
		err := b.in(t, func(u core.UnitOfWork) (err error) {
			if consume {
				r, err = b.svc.Consume(ctx, u, r1.ID, q, siteReach, "user:tech")
			} else {
				r, err = b.svc.Release(ctx, u, r1.ID, q, siteReach, "user:tech")
			}
			return err
		})
		return r, err
	}
	r, err := settle(true, 2)
	require.NoError(t, err)
	require.Equal(t, int64(2), r.Consumed)
	_, err = settle(false, 2)
	fieldOf(t, err, "quantity")
	r, err = settle(false, 0)
	require.NoError(t, err)
	require.Equal(t, "closed", r.State)
	r, err = settle(false, 0)
	require.NoError(t, err, "releasing a settled reservation again changes nothing")
	require.Equal(t, parts.Balance{WarehouseID: s.ID, PartID: p.ID, OnHand: 6, Available: 6}, b.balance(t, s.ID, p.ID))

	assertLedgerReplays(t, b)
}

func ptr[T any](v T) *T { return &v }
