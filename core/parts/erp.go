package parts

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// retryERP is the Retry-After, in seconds, of a step refused because the
// ERP could not be reached.
const retryERP = 30

// PartsPlugins gives the tenant's parts plugin (core/plugin.Service):
// ECONFLICT when the tenant has bound none.
type PartsPlugins interface {
	PartsPlugin(ctx context.Context, u core.UnitOfWork) (core.PartsPlugin, error)
}

// ERPMove is a step the ERP took, journalled once per key in the unit of
// the change it belongs to.
type ERPMove struct {
	Key           string     `json:"key"`
	Kind          string     `json:"kind" enum:"reserve,consume,return"`
	PartNumber    string     `json:"part_number"`
	WarehouseCode string     `json:"warehouse_code"`
	Quantity      int64      `json:"quantity"`
	ERPID         string     `json:"erp_id" doc:"The ERP's reservation or movement."`
	WorkOrderID   *uuid.UUID `json:"work_order_id" nullable:"true"`
	Actor         string     `json:"actor"`
	At            time.Time  `json:"at"`
}

// ERPMoveStore gives the journal of ERP steps within a unit of work.
type ERPMoveStore interface {
	ERPMoves(u core.UnitOfWork) ERPMoveRepository
}

// ERPMoveRepository reads and writes one tenant's journal of ERP steps.
type ERPMoveRepository interface {
	// FindERPMove reads the step made with key; ENOTFOUND.
	FindERPMove(ctx context.Context, key string) (*ERPMove, error)
	// InsertERPMove journals a step; a key journalled before is kept.
	InsertERPMove(m *ERPMove)
}

// ERP is the Mover of a tenant in erp mode: its ERP, reached through its
// parts plugin, is the truth; the platform's warehouse codes are the
// ERP's, and the ledger is left alone. Every call carries the step's key,
// so a retried step moves nothing more in the ERP.
type ERP struct {
	Plugins PartsPlugins
	Moves   ERPMoveStore
	Stock   *Service // the catalogue and the warehouses
}

// Ship implements Mover: a reservation at From in the ERP.
func (e ERP) Ship(ctx context.Context, u core.UnitOfWork, m Move) (*Shipped, error) {
	code, err := e.warehouseCode(ctx, u, m.From, m.Within, "from_warehouse_id")
	if err != nil {
		return nil, err
	}
	pp, err := e.plugin(ctx, u)
	if err != nil {
		return nil, err
	}
	order := m.WorkOrderID
	r, err := pp.ReservePart(ctx, core.PartReservation{PartCode: m.PartNumber, WarehouseCode: code, Quantity: int(m.Quantity),
		WorkOrderID: &order, RequestedBy: m.Actor, IdempotencyKey: m.Key})
	if err != nil {
		return nil, e.refusal(ctx, pp, m, code, "reservation", err)
	}
	e.journal(u, m, "reserve", code, r.ID)
	return &Shipped{ERPID: r.ID}, nil
}

// Consume implements Mover: a consumption at From in the ERP, of the
// reservation Ship made there.
func (e ERP) Consume(ctx context.Context, u core.UnitOfWork, m Move) error {
	reservation := ""
	if m.ShipKey != "" {
		shipped, err := e.Moves.ERPMoves(u).FindERPMove(ctx, m.ShipKey)
		switch {
		case err == nil:
			reservation = shipped.ERPID
		case core.ErrorCode(err) != core.ENOTFOUND:
			return err
		}
	}
	return e.move(ctx, u, m, "consume", reservation)
}

// Return implements Mover: the part back to From in the ERP.
func (e ERP) Return(ctx context.Context, u core.UnitOfWork, m Move) error {
	return e.move(ctx, u, m, "return", "")
}

func (e ERP) move(ctx context.Context, u core.UnitOfWork, m Move, kind, reservation string) error {
	code, err := e.warehouseCode(ctx, u, m.From, Reach{All: true}, "from_warehouse_id")
	if err != nil {
		return err
	}
	pp, err := e.plugin(ctx, u)
	if err != nil {
		return err
	}
	mover, ok := pp.(core.PartsStockMover)
	if !ok {
		return unavailable("the tenant's parts plugin does not post stock movements")
	}
	order := m.WorkOrderID
	pm := core.PartMovement{PartCode: m.PartNumber, WarehouseCode: code, Quantity: int(m.Quantity), WorkOrderID: &order,
		ReservationID: reservation, IdempotencyKey: m.Key}
	do := mover.ConsumeParts
	if kind == "return" {
		do = mover.ReturnParts
	}
	res, err := do(ctx, pm)
	if err != nil {
		return e.refusal(ctx, pp, m, code, kind, err)
	}
	e.journal(u, m, kind, code, res.ID)
	return nil
}

// Availability implements Mover: the ERP's stock of the part in the
// warehouses within reach whose codes it names (it keeps no reserved or
// in-transit figures apart: reserved is on hand minus available).
func (e ERP) Availability(ctx context.Context, u core.UnitOfWork, part uuid.UUID, within Reach) ([]*StockRow, error) {
	repo := e.Stock.store.Parts(u)
	p, err := repo.FindPart(ctx, part)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.FieldError("part_id", "no such part")
	} else if err != nil {
		return nil, err
	}
	pp, err := e.plugin(ctx, u)
	if err != nil {
		return nil, err
	}
	levels, err := pp.PartStock(ctx, p.Number)
	if err != nil {
		return nil, e.refusal(ctx, pp, Move{PartNumber: p.Number}, "", "stock query", err)
	}
	byCode := map[string]*Warehouse{}
	f := WarehouseFilter{Within: within, Limit: 500}
	for {
		ws, next, err := repo.FindWarehouses(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			byCode[w.Code] = w
		}
		if next == "" {
			break
		}
		f.After = next
	}
	out := []*StockRow{}
	for _, l := range levels {
		w := byCode[l.WarehouseCode]
		if w == nil {
			continue
		}
		out = append(out, &StockRow{Balance: Balance{WarehouseID: w.ID, PartID: p.ID, OnHand: int64(l.OnHand),
			Reserved: int64(l.OnHand - l.Available), Available: int64(l.Available)}, WarehouseCode: w.Code,
			WarehouseName: w.Name, WarehouseKind: w.Kind, PartNumber: p.Number, PartNameZh: p.NameZh, PartNameEn: p.NameEn})
	}
	return out, nil
}

func (e ERP) warehouseCode(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach, field string) (string, error) {
	w, err := e.Stock.store.Parts(u).FindWarehouse(ctx, id, within)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return "", core.FieldError(field, "no such warehouse")
	}
	if err != nil {
		return "", err
	}
	return w.Code, nil
}

func (e ERP) plugin(ctx context.Context, u core.UnitOfWork) (core.PartsPlugin, error) {
	pp, err := e.Plugins.PartsPlugin(ctx, u)
	if err != nil && core.ErrorCode(err) != core.ECONFLICT {
		return nil, unavailable("the tenant's parts plugin cannot be started: " + core.ErrorMessage(err))
	}
	return pp, err
}

func (e ERP) journal(u core.UnitOfWork, m Move, kind, code, erpID string) {
	order := m.WorkOrderID
	e.Moves.ERPMoves(u).InsertERPMove(&ERPMove{Key: m.Key, Kind: kind, PartNumber: m.PartNumber, WarehouseCode: code,
		Quantity: m.Quantity, ERPID: erpID, WorkOrderID: &order, Actor: m.Actor, At: e.Stock.now()})
}

// refusal turns the plugin's error for a step into the platform's
// answer: insufficient stock is ECONFLICT naming the part and what the
// ERP has available; an answer about the input (an unknown part or
// warehouse in the ERP) is ECONFLICT with the ERP's reason; anything else
// means the ERP cannot be reached: EUNAVAILABLE with a retry delay.
func (e ERP) refusal(ctx context.Context, pp core.PartsPlugin, m Move, code, step string, err error) error {
	ce, ok := err.(*core.Error)
	if !ok {
		return unavailable("the ERP failed the " + step)
	}
	switch ce.Code {
	case core.ECONFLICT:
		if _, short := ce.Fields["quantity"]; short {
			msg := fmt.Sprintf("insufficient stock of part %s in warehouse %s: %s available, %d asked for",
				m.PartNumber, code, e.available(ctx, pp, m.PartNumber, code), m.Quantity)
			return &core.Error{Code: core.ECONFLICT, Message: msg, Fields: map[string]string{"quantity": msg}}
		}
		return core.Errorf(core.ECONFLICT, "the ERP refused the %s: %s", step, ce.Message)
	case core.EINVALID, core.ENOTFOUND:
		return core.Errorf(core.ECONFLICT, "the ERP refused the %s of part %s: %s", step, m.PartNumber, ce.Message)
	}
	return unavailable(fmt.Sprintf("the ERP did not take the %s: %s", step, ce.Message))
}

// available is what the ERP says is available of part in warehouse code,
// "an unknown number" when it does not say.
func (e ERP) available(ctx context.Context, pp core.PartsPlugin, part, code string) string {
	levels, err := pp.PartStock(ctx, part)
	if err != nil {
		return "an unknown number"
	}
	for _, l := range levels {
		if l.WarehouseCode == code {
			return fmt.Sprint(l.Available)
		}
	}
	return "0"
}

func unavailable(msg string) error {
	return &core.Error{Code: core.EUNAVAILABLE, Message: msg + "; nothing was changed, retry later", RetryAfterSeconds: retryERP}
}
