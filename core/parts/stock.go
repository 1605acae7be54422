package parts

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// post checks refs (fields naming the warehouses and the lines), applies
// movements to the balances under their row locks and appends them to
// the ledger; a movement that would make stock negative is refused
// naming its field, and the caller rolls the unit back.
func post(ctx context.Context, repo Repository, refs Refs, fields refFields, ms []Movement) error {
	facts, locked, err := repo.LockBalances(ctx, refs, keysOf(ms))
	if err != nil {
		return err
	}
	for id, f := range fields.warehouses {
		if !facts.Warehouses[id] {
			return core.FieldError(f, "no such warehouse")
		}
	}
	if len(facts.UnknownParts) > 0 {
		return core.FieldError(fields.parts[facts.UnknownParts[0]], "no such part")
	}
	changed, err := apply(locked, ms)
	if err != nil {
		return err
	}
	repo.SaveBalances(changed)
	repo.AppendMovements(ms)
	return nil
}

// refFields names the input field of each warehouse and part a change
// refers to.
type refFields struct {
	warehouses map[uuid.UUID]string
	parts      map[uuid.UUID]string
}

// documentRefs is what a new document asks about its warehouses and
// parts: the warehouse it changes within reach (for a transfer the
// source; the destination need only exist).
func documentRefs(in DocumentInput, within Reach) (Refs, refFields) {
	refs := Refs{Within: within}
	f := refFields{warehouses: map[uuid.UUID]string{}, parts: map[uuid.UUID]string{}}
	if in.Kind == DocTransfer {
		refs.InReach = []uuid.UUID{*in.FromWarehouseID}
		refs.Exist = []uuid.UUID{*in.ToWarehouseID}
		f.warehouses[*in.FromWarehouseID], f.warehouses[*in.ToWarehouseID] = "from_warehouse_id", "to_warehouse_id"
	} else {
		w := in.FromWarehouseID
		if w == nil {
			w = in.ToWarehouseID
		}
		refs.InReach = []uuid.UUID{*w}
		f.warehouses[*w] = "warehouse_id"
	}
	for i, l := range in.Lines {
		refs.Parts = append(refs.Parts, l.PartID)
		f.parts[l.PartID] = fmt.Sprintf("lines[%d].part_id", i)
	}
	return refs, f
}

// CreateDocument records a stock document and posts it: a receipt, a
// return, an issue or an adjustment at once; a transfer ships its lines
// (available at the source → in transit at the destination). The
// warehouses must be within reach (for a transfer, the source; the
// destination need only exist). EINVALID names the field: an unknown part
// or warehouse, or a line that would make stock negative.
func (s *Service) CreateDocument(ctx context.Context, u core.UnitOfWork, in DocumentInput, within Reach, actor string) (*Document, error) {
	repo := s.store.Parts(u)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	d := &Document{ID: uuid.New(), Kind: in.Kind, State: StatePosted, FromWarehouseID: in.FromWarehouseID,
		ToWarehouseID: in.ToWarehouseID, Reason: in.Reason, Reference: in.Reference, CreatedBy: actor, Version: 1,
		CreatedAt: now, UpdatedAt: now}
	if d.Kind == DocTransfer {
		d.State = StateInTransit
	}
	for _, l := range in.Lines {
		d.Lines = append(d.Lines, Line{PartID: l.PartID, Quantity: l.Quantity})
	}
	refs, fields := documentRefs(in, within)
	if err := post(ctx, repo, refs, fields, d.movements(actor, now)); err != nil {
		return nil, err
	}
	repo.InsertDocument(d)
	return d, nil
}

// ReceiveTransfer receives lines of a transfer at its destination (in
// transit → available), partly or in full. The destination must be within
// reach. EINVALID names the line that receives more than is still in
// transit or a part not on the transfer; ECONFLICT when the transfer is
// not in transit any more.
func (s *Service) ReceiveTransfer(ctx context.Context, u core.UnitOfWork, id uuid.UUID, lines []LineInput, within Reach, actor string) (*Document, error) {
	repo := s.store.Parts(u)
	if err := validLines(lines, false); err != nil {
		return nil, err
	}
	d, err := repo.LockDocument(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Kind != DocTransfer {
		return nil, core.Errorf(core.ECONFLICT, "only a transfer is received; this is a %s", d.Kind)
	}
	if _, err := repo.FindWarehouse(ctx, *d.ToWarehouseID, within); err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			err = core.Errorf(core.ENOTFOUND, "document not found")
		}
		return nil, err
	}
	if d.State == StateReceived {
		return nil, core.Errorf(core.ECONFLICT, "the transfer is received in full")
	}
	now := s.now()
	var ms []Movement
	for i, in := range lines {
		j := lineOf(d, in.PartID)
		if j < 0 {
			return nil, core.FieldError(fmt.Sprintf("lines[%d].part_id", i), "the part is not on this transfer")
		}
		l := &d.Lines[j]
		if left := l.Quantity - l.Received; in.Quantity > left {
			return nil, core.FieldError(fmt.Sprintf("lines[%d].quantity", i), "more than is in transit (%d)", left)
		}
		l.Received += in.Quantity
		ms = append(ms, Movement{PartID: in.PartID, Quantity: in.Quantity, From: internal(*d.ToWarehouseID, BucketInTransit),
			To: internal(*d.ToWarehouseID, BucketAvailable), Reason: "received", DocumentKind: DocTransfer, DocumentID: d.ID,
			Actor: actor, At: now, field: fmt.Sprintf("lines[%d].quantity", i)})
	}
	if err := post(ctx, repo, Refs{}, refFields{}, ms); err != nil {
		return nil, err
	}
	d.State = StateReceived
	for _, l := range d.Lines {
		if l.Received < l.Quantity {
			d.State = StatePartiallyReceived
		}
	}
	d.Version++
	d.UpdatedAt = now
	repo.UpdateDocument(d)
	return d, nil
}

func lineOf(d *Document, part uuid.UUID) int {
	for i, l := range d.Lines {
		if l.PartID == part {
			return i
		}
	}
	return -1
}

// FindDocument reads a document whose warehouses are within reach
// (either end); ENOTFOUND otherwise.
func (s *Service) FindDocument(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach) (*Document, error) {
	repo := s.store.Parts(u)
	d, err := repo.FindDocument(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, w := range []*uuid.UUID{d.FromWarehouseID, d.ToWarehouseID} {
		if w == nil {
			continue
		}
		if _, err := repo.FindWarehouse(ctx, *w, within); err == nil {
			return d, nil
		} else if core.ErrorCode(err) != core.ENOTFOUND {
			return nil, err
		}
	}
	return nil, core.Errorf(core.ENOTFOUND, "document not found")
}

// FindDocuments lists documents within reach, newest first.
func (s *Service) FindDocuments(ctx context.Context, u core.UnitOfWork, f DocumentFilter) ([]*Document, string, error) {
	return s.store.Parts(u).FindDocuments(ctx, f)
}

// FindBalances lists stock rows within reach.
func (s *Service) FindBalances(ctx context.Context, u core.UnitOfWork, f BalanceFilter) ([]*StockRow, string, error) {
	return s.store.Parts(u).FindBalances(ctx, f)
}

// FindMovements lists ledger records within reach.
func (s *Service) FindMovements(ctx context.Context, u core.UnitOfWork, f MovementFilter) ([]*Movement, int64, error) {
	return s.store.Parts(u).FindMovements(ctx, f)
}
