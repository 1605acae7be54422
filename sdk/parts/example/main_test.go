package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/parts"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// The example plugin, built and run the way the platform runs it; every
// method and field crosses the wire.
func TestExamplePlugin(t *testing.T) {
	p := plugintest.Parts(t, plugintest.Build(t, "."), plugintest.Config(config{
		Currency: "CNY", Warehouse: "WH1",
		Parts: []item{{Number: "P-100", Name: "Drain pump", Models: []string{"WM-7"}, UnitFen: 8900, Stock: 12}},
	}))
	ctx := context.Background()

	got, err := p.LookupParts(ctx, parts.LookupRequest{Query: "pump", ProductModel: "WM-7", Limit: 5})
	require.NoError(t, err)
	require.Equal(t, []parts.Part{{Number: "P-100", Name: "Drain pump", Unit: "pcs", ProductModels: []string{"WM-7"}}}, got)

	price, err := p.Price(ctx, parts.PriceRequest{PartNumber: "P-100", Quantity: 2})
	require.NoError(t, err)
	require.Equal(t, parts.Price{PartNumber: "P-100", Currency: "CNY", UnitMinor: 8900, TotalMinor: 17800, Quantity: 2}, price)

	res, err := p.Reserve(ctx, parts.ReserveRequest{PartNumber: "P-100", Warehouse: "WH1", Quantity: 3, WorkOrder: "WO-1", IdempotencyKey: "k"})
	require.NoError(t, err)
	require.Equal(t, parts.Reservation{ID: "R1", PartNumber: "P-100", Warehouse: "WH1", Quantity: 3}, res)

	stock, err := p.Stock(ctx, parts.StockRequest{PartNumber: "P-100"})
	require.NoError(t, err)
	require.Equal(t, []parts.StockLevel{{Warehouse: "WH1", WarehouseName: "Main", OnHand: 12, Available: 9}}, stock)

	req, err := p.CreateRequisition(ctx, parts.RequisitionRequest{WorkOrder: "WO-1", Lines: []parts.RequisitionLine{{PartNumber: "P-100", Quantity: 1}}})
	require.NoError(t, err)
	require.Equal(t, parts.Requisition{ID: "REQ2", Status: "submitted"}, req)

	_, err = p.Price(ctx, parts.PriceRequest{PartNumber: "nope", Quantity: 1})
	require.ErrorIs(t, err, sdk.ErrNotFound)
}
