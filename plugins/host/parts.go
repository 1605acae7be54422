package host

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/sdk/parts"
)

// Parts returns the binding's parts (ERP) plugin. Calls run under
// CallTimeout.
func (h *Host) Parts(_ context.Context, b *core.PluginBinding) (core.PartsPlugin, error) {
	i, err := h.instanceFor(b, core.PluginParts, false)
	if err != nil {
		return nil, err
	}
	return partsClient{i}, nil
}

type partsClient struct{ i *instance }

// partsCall runs one parts method and validates its answer.
func partsCall[T any](ctx context.Context, c partsClient, method string, fn func(context.Context, parts.Plugin) (T, error)) (T, error) {
	var out T
	err := c.i.call(ctx, method, c.i.h.opts.CallTimeout, func(ctx context.Context, raw any) error {
		var err error
		out, err = fn(ctx, raw.(parts.Plugin))
		return err
	})
	return out, err
}

// FindParts implements core.PartsPlugin. The ERP's lookup carries no
// price: PriceCents stays 0 and Currency empty.
func (c partsClient) FindParts(ctx context.Context, q core.PartQuery) ([]core.Part, error) {
	return partsCall(ctx, c, "LookupParts", func(ctx context.Context, p parts.Plugin) ([]core.Part, error) {
		got, err := p.LookupParts(ctx, parts.LookupRequest{Query: q.Query, ProductModel: q.Model, Limit: q.Limit})
		if err != nil {
			return nil, err
		}
		return checkParts(got, q.Limit)
	})
}

// PartStock implements core.PartsPlugin.
func (c partsClient) PartStock(ctx context.Context, code string) ([]core.StockLevel, error) {
	return partsCall(ctx, c, "Stock", func(ctx context.Context, p parts.Plugin) ([]core.StockLevel, error) {
		got, err := p.Stock(ctx, parts.StockRequest{PartNumber: code})
		if err != nil {
			return nil, err
		}
		return checkStock(got)
	})
}

// ReservePart implements core.PartsPlugin. Each call carries the caller's
// idempotency key, or a fresh one, so a retry cannot reserve twice.
func (c partsClient) ReservePart(ctx context.Context, r core.PartReservation) (*core.Reservation, error) {
	return partsCall(ctx, c, "Reserve", func(ctx context.Context, p parts.Plugin) (*core.Reservation, error) {
		got, err := p.Reserve(ctx, parts.ReserveRequest{PartNumber: r.PartCode, Warehouse: r.WarehouseCode,
			Quantity: r.Quantity, WorkOrder: idText(r.WorkOrderID), IdempotencyKey: keyOr(r.IdempotencyKey)})
		if err != nil {
			return nil, err
		}
		return checkReservation(got, r)
	})
}

// CreateRequisition implements core.PartsPlugin.
func (c partsClient) CreateRequisition(ctx context.Context, r core.PartRequisition) (*core.Requisition, error) {
	req := parts.RequisitionRequest{WorkOrder: idText(r.WorkOrderID), Site: r.DeliverTo, Note: r.Note,
		IdempotencyKey: uuid.NewString(), Lines: make([]parts.RequisitionLine, len(r.Lines))}
	for k, l := range r.Lines {
		req.Lines[k] = parts.RequisitionLine{PartNumber: l.PartCode, Quantity: l.Quantity}
	}
	return partsCall(ctx, c, "CreateRequisition", func(ctx context.Context, p parts.Plugin) (*core.Requisition, error) {
		got, err := p.CreateRequisition(ctx, req)
		if err != nil {
			return nil, err
		}
		if err := checkText("requisition ID", got.ID, true); err != nil {
			return nil, err
		}
		if err := checkText("requisition status", got.Status, false); err != nil {
			return nil, err
		}
		return &core.Requisition{ID: got.ID, Number: got.ID, Status: got.Status}, nil
	})
}

// ConsumeParts implements core.PartsStockMover.
func (c partsClient) ConsumeParts(ctx context.Context, m core.PartMovement) (*core.PartMovementResult, error) {
	return c.move(ctx, "Consume", m)
}

// ReturnParts implements core.PartsStockMover.
func (c partsClient) ReturnParts(ctx context.Context, m core.PartMovement) (*core.PartMovementResult, error) {
	return c.move(ctx, "Return", m)
}

// move posts a movement with the caller's key; a plugin that does not
// post movements answers parts.ErrMovementsNotSupported, which is an
// answer, not a failure of the plugin.
func (c partsClient) move(ctx context.Context, method string, m core.PartMovement) (*core.PartMovementResult, error) {
	if m.IdempotencyKey == "" {
		return nil, core.FieldError("idempotency_key", "a stock movement needs an idempotency key")
	}
	req := parts.MovementRequest{PartNumber: m.PartCode, Warehouse: m.WarehouseCode, Quantity: m.Quantity,
		WorkOrder: idText(m.WorkOrderID), ReservationID: m.ReservationID, IdempotencyKey: m.IdempotencyKey}
	return partsCall(ctx, c, method, func(ctx context.Context, p parts.Plugin) (*core.PartMovementResult, error) {
		mover := p.(parts.StockMover) // the SDK's client offers it for every plugin
		do := mover.Consume
		if method == "Return" {
			do = mover.Return
		}
		got, err := do(ctx, req)
		if err != nil {
			return nil, err
		}
		if err := checkText("movement ID", got.ID, true); err != nil {
			return nil, err
		}
		if got.PartNumber != m.PartCode || got.Quantity != m.Quantity {
			return nil, invalidAnswer("moved %d of %q, asked for %d of %q", got.Quantity, clip(got.PartNumber), m.Quantity, clip(m.PartCode))
		}
		return &core.PartMovementResult{ID: got.ID, Quantity: got.Quantity}, nil
	})
}

func keyOr(k string) string {
	if k == "" {
		return uuid.NewString()
	}
	return k
}

func idText(id *uuid.UUID) string {
	if id == nil {
		return ""
	}
	return id.String()
}
