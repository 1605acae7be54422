package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/parts"
	"github.com/aftersales/aftersales/sdk/pluginhost"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// The real binary against the ERP stand-in.
func TestAgainstTheERP(t *testing.T) {
	erp, base := newStandIn(t)
	p := plugintest.Parts(t, plugintest.Build(t, "."), plugintest.Config(config{BaseURL: base, APIKey: erp.key}))
	ctx := context.Background()

	t.Run("lookup", func(t *testing.T) {
		got, err := p.LookupParts(ctx, parts.LookupRequest{Query: "pump", ProductModel: "WM-8"})
		require.NoError(t, err)
		require.Equal(t, []parts.Part{{Number: "P-100", Name: "Drain pump", Unit: "pcs", ProductModels: []string{"WM-7", "WM-8"}}}, got)
		got, err = p.LookupParts(ctx, parts.LookupRequest{ProductModel: "WM-7", Limit: 1})
		require.NoError(t, err)
		require.Len(t, got, 1)
	})

	t.Run("stock per warehouse", func(t *testing.T) {
		got, err := p.Stock(ctx, parts.StockRequest{PartNumber: "P-100", Warehouses: []string{"WH2"}})
		require.NoError(t, err)
		require.Equal(t, []parts.StockLevel{{Warehouse: "WH2", WarehouseName: "Warehouse WH2", OnHand: 4, Available: 3}}, got)
	})

	t.Run("price in fen", func(t *testing.T) {
		got, err := p.Price(ctx, parts.PriceRequest{PartNumber: "P-100", Quantity: 3, Customer: "VIP1"})
		require.NoError(t, err)
		require.Equal(t, parts.Price{PartNumber: "P-100", Currency: "CNY", UnitMinor: 8000, TotalMinor: 24000, Quantity: 3}, got)
	})

	t.Run("reserve is idempotent", func(t *testing.T) {
		req := parts.ReserveRequest{PartNumber: "P-100", Warehouse: "WH1", Quantity: 5, WorkOrder: "WO-1", IdempotencyKey: "idem-1"}
		r1, err := p.Reserve(ctx, req)
		require.NoError(t, err)
		require.Equal(t, parts.Reservation{ID: "RSV-1", PartNumber: "P-100", Warehouse: "WH1", Quantity: 5,
			ExpiresAt: time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)}, r1)
		r2, err := p.Reserve(ctx, req)
		require.NoError(t, err)
		require.Equal(t, r1.ID, r2.ID)
		stock, err := p.Stock(ctx, parts.StockRequest{PartNumber: "P-100", Warehouses: []string{"WH1"}})
		require.NoError(t, err)
		require.Equal(t, 7, stock[0].Available, "reserved once")
	})

	t.Run("requisition", func(t *testing.T) {
		got, err := p.CreateRequisition(ctx, parts.RequisitionRequest{WorkOrder: "WO-1", Site: "S-9", Note: "urgent",
			Lines: []parts.RequisitionLine{{PartNumber: "P-200", Quantity: 2}}, IdempotencyKey: "idem-2"})
		require.NoError(t, err)
		require.Equal(t, "submitted", got.Status)
		erp.mu.Lock()
		defer erp.mu.Unlock()
		require.Equal(t, map[string]any{"reference": "WO-1", "site": "S-9", "note": "urgent",
			"lines": []any{map[string]any{"part_number": "P-200", "quantity": 2.0}}}, erp.lastBody)
	})

	for _, tc := range []struct {
		name string
		call func() error
		want error
		says string
	}{
		{"unknown part", func() error { _, err := p.Stock(ctx, parts.StockRequest{PartNumber: "NOPE"}); return err }, sdk.ErrNotFound, "unknown part NOPE"},
		{"not enough stock", func() error {
			_, err := p.Reserve(ctx, parts.ReserveRequest{PartNumber: "P-100", Warehouse: "WH2", Quantity: 50, IdempotencyKey: "idem-3"})
			return err
		}, sdk.ErrInsufficientStock, "only 3 of P-100"},
		{"ERP down", func() error { _, err := p.Stock(ctx, parts.StockRequest{PartNumber: "BOOM"}); return err }, sdk.ErrUnavailable, "database is down"},
		{"unreadable price", func() error { _, err := p.Price(ctx, parts.PriceRequest{PartNumber: "ODD", Quantity: 1}); return err }, sdk.ErrUnavailable, "unreadable price"},
		{"no quantity", func() error { _, err := p.Price(ctx, parts.PriceRequest{PartNumber: "P-100"}); return err }, sdk.ErrBadRequest, "quantity"},
		{"empty requisition", func() error { _, err := p.CreateRequisition(ctx, parts.RequisitionRequest{}); return err }, sdk.ErrBadRequest, "at least one line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, tc.want)
			require.Contains(t, err.Error(), tc.says)
		})
	}
}

func TestERPUnreachableSlowOrKeyRefused(t *testing.T) {
	erp, base := newStandIn(t)
	bin := plugintest.Build(t, ".")
	ctx := context.Background()

	slow := plugintest.Parts(t, bin, plugintest.Config(config{BaseURL: base, APIKey: erp.key, TimeoutMS: 100}))
	_, err := slow.Stock(ctx, parts.StockRequest{PartNumber: "SLOW"})
	require.ErrorIs(t, err, sdk.ErrUnavailable)
	require.Contains(t, err.Error(), "did not answer GET parts/SLOW/stock within 100ms")

	wrongKey := plugintest.Parts(t, bin, plugintest.Config(config{BaseURL: base, APIKey: "wrong"}))
	_, err = wrongKey.Stock(ctx, parts.StockRequest{PartNumber: "P-100"})
	require.ErrorIs(t, err, sdk.ErrUnavailable)
	require.Contains(t, err.Error(), "api_key")

	gone := plugintest.Parts(t, bin, plugintest.Config(config{BaseURL: "http://127.0.0.1:1/api", APIKey: "k"}))
	_, err = gone.Stock(ctx, parts.StockRequest{PartNumber: "P-100"})
	require.ErrorIs(t, err, sdk.ErrUnavailable)
	require.Contains(t, err.Error(), "cannot be reached")
}

func TestBadConfiguration(t *testing.T) {
	p := plugintest.Launch(t, pluginhost.Parts, plugintest.Build(t, ".")).Plugin.(parts.Plugin)
	for _, c := range []string{`{}`, `{"base_url":"erp.local","api_key":"k"}`, `{"base_url":"http://erp","api_key":""}`,
		`{"base_url":"http://erp","api_key":"k","timeout":5}`, `{"base_url":"http://erp","api_key":"k","timeout_ms":-1}`} {
		require.ErrorIs(t, p.Configure(context.Background(), []byte(c)), sdk.ErrBadRequest, c)
	}
	_, err := p.Stock(context.Background(), parts.StockRequest{PartNumber: "P-100"})
	require.ErrorIs(t, err, sdk.ErrBadRequest, "unconfigured")
}
