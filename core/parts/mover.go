package parts

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Move is one stock-moving step of a document (a field request's
// approval, consumption or return), as the tenant's stock keeps it.
type Move struct {
	// Key is the step's idempotency key, derived from the document
	// (MoveKey): the ERP moves stock once per key, however often a step
	// is retried.
	Key         string
	WorkOrderID uuid.UUID
	PartID      uuid.UUID
	PartNumber  string
	Quantity    int64
	// From is where the stock is set aside (the source of the shipment:
	// in the ERP, the warehouse it is reserved and consumed in); To is
	// the site's warehouse it goes to and is used in.
	From, To  uuid.UUID
	Reference string // the document's reference, such as the field request's ID
	// ShipKey is, for Consume, the Key of the Ship whose stock it uses
	// (in the ERP: the reservation it uses up).
	ShipKey string
	Within  Reach // the reach the caller sees From in (Ship)
	Actor   string
}

// MoveKey is the idempotency key of a step of a line of a document.
func MoveKey(document uuid.UUID, line int, step string) string {
	return fmt.Sprintf("part-request:%s:%d:%s", document, line, step)
}

// Shipped is what Ship set aside.
type Shipped struct {
	DocumentID *uuid.UUID // built-in: the transfer shipped to the site
	ERPID      string     // erp: the ERP's reservation
}

// Mover is the one port the stock use cases move stock through; its
// adapters are the built-in ledger (Ledger) and the tenant's ERP through
// its parts plugin (ERP), and Modes picks one per tenant. Every method
// works in the unit of work it is given; on an error the caller rolls it
// back, so nothing of a refused step stays.
type Mover interface {
	// Ship sets the stock of a step aside for the site: EINVALID naming
	// lines[0].quantity (built-in) or ECONFLICT naming quantity with the
	// part number and what is available (erp) when there is too little;
	// EUNAVAILABLE (with a retry delay) when the ERP cannot be reached.
	Ship(ctx context.Context, u core.UnitOfWork, m Move) (*Shipped, error)
	// Consume takes stock used on the order out; its errors are Ship's.
	Consume(ctx context.Context, u core.UnitOfWork, m Move) error
	// Return posts a defective part going back; the built-in ledger keeps
	// no defective stock, so only the ERP moves anything.
	Return(ctx context.Context, u core.UnitOfWork, m Move) error
	// Availability is a part's stock in the warehouses within reach, as
	// the tenant's source of truth says.
	Availability(ctx context.Context, u core.UnitOfWork, part uuid.UUID, within Reach) ([]*StockRow, error)
}

// ModeStore reads the tenant's parts mode (core.PartsBuiltIn or
// core.PartsERP) in a unit of work.
type ModeStore interface {
	PartsMode(ctx context.Context, u core.UnitOfWork) (string, error)
}

// Modes is the Mover of every tenant: it moves through ERP for a tenant
// in erp mode and through BuiltIn otherwise.
type Modes struct {
	Store   ModeStore
	BuiltIn Mover
	ERP     Mover
}

func (m Modes) pick(ctx context.Context, u core.UnitOfWork) (Mover, error) {
	mode, err := m.Store.PartsMode(ctx, u)
	if err != nil {
		return nil, err
	}
	if mode == core.PartsERP {
		if m.ERP == nil {
			return nil, &core.Error{Code: core.EUNAVAILABLE, Message: "the ERP is not reachable from this server", RetryAfterSeconds: retryERP}
		}
		return m.ERP, nil
	}
	return m.BuiltIn, nil
}

// ERPMode says whether the tenant keeps its stock in its ERP.
func (m Modes) ERPMode(ctx context.Context, u core.UnitOfWork) (bool, error) {
	mode, err := m.Store.PartsMode(ctx, u)
	return mode == core.PartsERP, err
}

// LedgerOnly refuses (ECONFLICT) a movement posted to the platform's own
// ledger (documents, reservations) for a tenant in erp mode: its ERP is
// the truth, and a ledger movement there would count stock twice.
func (m Modes) LedgerOnly(ctx context.Context, u core.UnitOfWork) error {
	erp, err := m.ERPMode(ctx, u)
	if err == nil && erp {
		err = core.Errorf(core.ECONFLICT, "the tenant keeps its stock in its ERP (parts_mode erp): post stock movements there, "+
			"or through field part requests, which reserve, consume and return in the ERP")
	}
	return err
}

// Ship implements Mover.
func (m Modes) Ship(ctx context.Context, u core.UnitOfWork, mv Move) (*Shipped, error) {
	to, err := m.pick(ctx, u)
	if err != nil {
		return nil, err
	}
	return to.Ship(ctx, u, mv)
}

// Consume implements Mover.
func (m Modes) Consume(ctx context.Context, u core.UnitOfWork, mv Move) error {
	to, err := m.pick(ctx, u)
	if err != nil {
		return err
	}
	return to.Consume(ctx, u, mv)
}

// Return implements Mover.
func (m Modes) Return(ctx context.Context, u core.UnitOfWork, mv Move) error {
	to, err := m.pick(ctx, u)
	if err != nil {
		return err
	}
	return to.Return(ctx, u, mv)
}

// Availability implements Mover.
func (m Modes) Availability(ctx context.Context, u core.UnitOfWork, part uuid.UUID, within Reach) ([]*StockRow, error) {
	to, err := m.pick(ctx, u)
	if err != nil {
		return nil, err
	}
	return to.Availability(ctx, u, part, within)
}

// Ledger is the built-in Mover: the platform's stock ledger is the truth.
type Ledger struct{ Stock *Service }

// Ship implements Mover: a transfer from From to the site's warehouse.
func (l Ledger) Ship(ctx context.Context, u core.UnitOfWork, m Move) (*Shipped, error) {
	d, err := l.Stock.CreateDocument(ctx, u, DocumentInput{Kind: DocTransfer, FromWarehouseID: &m.From, ToWarehouseID: &m.To,
		Reason: "field request", Reference: m.Reference, Lines: []LineInput{{PartID: m.PartID, Quantity: m.Quantity}}}, m.Within, m.Actor)
	if err != nil {
		return nil, err
	}
	return &Shipped{DocumentID: &d.ID}, nil
}

// Consume implements Mover: an issue from the site's warehouse.
func (l Ledger) Consume(ctx context.Context, u core.UnitOfWork, m Move) error {
	_, err := l.Stock.CreateDocument(ctx, u, DocumentInput{Kind: DocIssue, FromWarehouseID: &m.To, Reason: "used on work order",
		Reference: m.Reference, Lines: []LineInput{{PartID: m.PartID, Quantity: m.Quantity}}}, Reach{All: true}, m.Actor)
	return err
}

// Return implements Mover: the ledger keeps no defective stock.
func (Ledger) Return(context.Context, core.UnitOfWork, Move) error { return nil }

// Availability implements Mover: the ledger's balances of the part.
func (l Ledger) Availability(ctx context.Context, u core.UnitOfWork, part uuid.UUID, within Reach) ([]*StockRow, error) {
	var out []*StockRow
	f := BalanceFilter{Within: within, PartID: &part, Limit: 1000}
	for {
		rows, next, err := l.Stock.FindBalances(ctx, u, f)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if next == "" {
			return out, nil
		}
		f.After = next
	}
}
