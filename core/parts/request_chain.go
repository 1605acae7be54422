package parts

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// lock reads a request whose site warehouse is within reach.
func (q *Requests) lock(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach) (*PartRequest, error) {
	r, err := q.store.PartRequests(u).LockRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := inReach(ctx, q.stock.store.Parts(u), r.ToWarehouseID, within); err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "part request not found")
	}
	r.markOverdue(q.stock.now())
	return r, nil
}

func (q *Requests) save(u core.UnitOfWork, r *PartRequest, typ, actor string, at time.Time, payload map[string]any) {
	r.Version++
	r.UpdatedAt = at
	rr := q.store.PartRequests(u)
	rr.UpdateRequest(r)
	if payload == nil {
		payload = map[string]any{}
	}
	payload["request_id"], payload["part_number"] = r.ID, r.PartNumber
	rr.AppendOrderEvent(r.WorkOrderID, typ, actor, at, payload)
}

// Approve sets the requested quantity aside for the site from a
// warehouse within reach, through the tenant's stock (Mover.Ship): built
// in, a transfer shipped to the site's warehouse; in erp mode, a
// reservation in the ERP, which the consumption later uses up. EINVALID
// names from_warehouse_id (unknown, or not enough stock in the ledger);
// ECONFLICT unless requested, or naming the part and what the ERP has
// available; EUNAVAILABLE when the ERP cannot be reached.
func (q *Requests) Approve(ctx context.Context, u core.UnitOfWork, id, from uuid.UUID, within Reach, actor string) (*PartRequest, error) {
	r, err := q.lock(ctx, u, id, within)
	if err != nil {
		return nil, err
	}
	if r.State != ReqRequested {
		return nil, &core.Error{Code: core.ECONFLICT, Message: "state: the request is " + r.State,
			Fields: map[string]string{"state": "the request is " + r.State}}
	}
	if from == uuid.Nil {
		return nil, core.FieldError("from_warehouse_id", "is required")
	}
	if from == r.ToWarehouseID {
		return nil, core.FieldError("from_warehouse_id", "must differ from the site's warehouse")
	}
	mv := q.move(r, 1, "reserve", r.Quantity, within, actor)
	mv.From = from
	shipped, err := q.mover.Ship(ctx, u, mv)
	if err != nil {
		if e, ok := err.(*core.Error); ok && e.Fields != nil {
			if _, q := e.Fields["lines[0].quantity"]; q {
				return nil, core.FieldError("from_warehouse_id", "not enough stock of the part there")
			}
		}
		return nil, err
	}
	now := q.stock.now()
	r.State, r.FromWarehouseID, r.DocumentID, r.DecidedBy = ReqApproved, &from, shipped.DocumentID, actor
	payload := map[string]any{"from_warehouse_id": from, "quantity": r.Quantity}
	if shipped.DocumentID != nil {
		payload["document_id"] = *shipped.DocumentID
	}
	if shipped.ERPID != "" {
		payload["erp_reservation"] = shipped.ERPID
	}
	q.save(u, r, "part_request_approved", actor, now, payload)
	return r, nil
}

// Refuse turns a request down with a reason.
func (q *Requests) Refuse(ctx context.Context, u core.UnitOfWork, id uuid.UUID, reason string, within Reach, actor string) (*PartRequest, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, core.FieldError("reason", "must be 1-500 characters")
	}
	r, err := q.lock(ctx, u, id, within)
	if err != nil {
		return nil, err
	}
	if r.State != ReqRequested {
		return nil, &core.Error{Code: core.ECONFLICT, Message: "state: the request is " + r.State,
			Fields: map[string]string{"state": "the request is " + r.State}}
	}
	r.State, r.RefusalReason, r.DecidedBy = ReqRefused, reason, actor
	q.save(u, r, "part_request_refused", actor, q.stock.now(), map[string]any{"reason": reason})
	return r, nil
}

// Received marks the requests shipped by transfer d as received once d
// is received in full, with an entry on their orders' timelines. The API
// calls it after every receipt of a transfer.
func (q *Requests) Received(ctx context.Context, u core.UnitOfWork, d *Document, actor string) error {
	if d == nil || d.Kind != DocTransfer || d.State != StateReceived {
		return nil
	}
	rs, err := q.store.PartRequests(u).LockByDocument(ctx, d.ID)
	if err != nil {
		return err
	}
	now := q.stock.now()
	for _, r := range rs {
		if r.State == ReqApproved {
			r.State = ReqReceived
			q.save(u, r, "part_request_received", actor, now, map[string]any{"document_id": d.ID})
		}
	}
	return nil
}

// UsedPart is a part line of a service record: the barcode is the part
// number.
type UsedPart struct {
	Barcode  string
	Quantity int64
}

// ConsumeRecord posts the consumption of the order's received requests
// whose part numbers the service record's barcodes name, from the site's
// warehouse. Idempotent: a request's consumed quantity is set to what
// the record says, and only the difference is posted, so saving the same
// record twice consumes once. EINVALID names record.parts when a barcode
// uses more than was received for it. A must-return part gets its
// defective-return due date.
func (q *Requests) ConsumeRecord(ctx context.Context, u core.UnitOfWork, order uuid.UUID, used []UsedPart, actor string) error {
	rr := q.store.PartRequests(u)
	rs, err := rr.LockByOrder(ctx, order)
	if err != nil || len(rs) == 0 {
		return err
	}
	want := map[string]int64{}
	for _, p := range used {
		want[p.Barcode] += p.Quantity
	}
	days, err := rr.ReturnDays(ctx)
	if err != nil {
		return err
	}
	now := q.stock.now()
	for i, p := range used {
		var have int64
		for _, r := range rs {
			if r.PartNumber == p.Barcode && r.State != ReqRequested && r.State != ReqRefused && (r.State != ReqApproved || r.onSite()) {
				have += r.Quantity
			}
		}
		if have > 0 && want[p.Barcode] > have {
			return core.FieldError(fmt.Sprintf("record.parts[%d].quantity", i), "more than was received for %s (%d)", p.Barcode, have)
		}
	}
	for _, r := range rs {
		if !r.onSite() && r.State != ReqConsumed {
			continue
		}
		n := min(want[r.PartNumber], r.Quantity)
		want[r.PartNumber] -= n
		if n <= r.Consumed {
			continue
		}
		delta := n - r.Consumed
		mv := q.move(r, 1, fmt.Sprintf("consume-%d", n), delta, Reach{All: true}, actor)
		mv.ShipKey = MoveKey(r.ID, 1, "reserve")
		if err := q.mover.Consume(ctx, u, mv); err != nil {
			return err
		}
		r.Consumed, r.State = n, ReqConsumed
		payload := map[string]any{"quantity": delta}
		if r.MustReturn && r.ReturnDue == nil {
			due := now.AddDate(0, 0, days)
			r.ReturnDue = &due
			payload["return_due"] = due
		}
		q.save(u, r, "part_consumed", actor, now, payload)
	}
	return nil
}

// Return records the defective part of a consumed must-return request
// as returned, and tells the ReturnRecorder (the order's claim line of
// the part is returned with it). ECONFLICT otherwise.
func (q *Requests) Return(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach, actor string) (*PartRequest, error) {
	r, err := q.lock(ctx, u, id, within)
	if err != nil {
		return nil, err
	}
	if r.State != ReqConsumed || !r.MustReturn {
		return nil, &core.Error{Code: core.ECONFLICT, Message: "state: only a consumed must-return part is returned",
			Fields: map[string]string{"state": "the request is " + r.State}}
	}
	if err := q.mover.Return(ctx, u, q.move(r, 1, "return", r.Consumed, within, actor)); err != nil {
		return nil, err
	}
	now := q.stock.now()
	r.State, r.ReturnedAt, r.Overdue = ReqReturned, &now, false
	q.save(u, r, "part_returned", actor, now, map[string]any{"late": r.ReturnDue != nil && now.After(*r.ReturnDue)})
	if q.returns != nil {
		if err := q.returns.PartReturned(ctx, u, r.WorkOrderID, r.PartNumber, now, actor); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Inspect records the inspection of a returned defective part.
func (q *Requests) Inspect(ctx context.Context, u core.UnitOfWork, id uuid.UUID, result, note string, within Reach, actor string) (*PartRequest, error) {
	note = strings.TrimSpace(note)
	if result != InspectAccepted && result != InspectRejected {
		return nil, core.FieldError("result", "must be accepted or rejected")
	}
	if utf8.RuneCountInString(note) > 500 {
		return nil, core.FieldError("note", "at most 500 characters")
	}
	r, err := q.lock(ctx, u, id, within)
	if err != nil {
		return nil, err
	}
	if r.State != ReqReturned {
		return nil, &core.Error{Code: core.ECONFLICT, Message: "state: the request is " + r.State,
			Fields: map[string]string{"state": "the request is " + r.State}}
	}
	r.State, r.Inspection, r.InspectionNote = ReqInspected, result, note
	q.save(u, r, "part_inspected", actor, q.stock.now(), map[string]any{"result": result})
	return r, nil
}

// Find reads a request within reach.
func (q *Requests) Find(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach) (*PartRequest, error) {
	return q.lock(ctx, u, id, within)
}

// FindRequests lists requests within reach, newest first; with
// f.Overdue only the defective parts late as of now.
func (q *Requests) FindRequests(ctx context.Context, u core.UnitOfWork, f RequestFilter) ([]*PartRequest, string, error) {
	now := q.stock.now()
	if f.Overdue {
		f.AsOf = now
	}
	rs, next, err := q.store.PartRequests(u).FindRequests(ctx, f)
	for _, r := range rs {
		r.markOverdue(now)
	}
	return rs, next, err
}

// markOverdue sets Overdue: a used must-return part not back by its due.
func (r *PartRequest) markOverdue(now time.Time) {
	r.Overdue = r.State == ReqConsumed && r.MustReturn && r.ReturnDue != nil && now.After(*r.ReturnDue)
}

// ConsumeCompleted is the work-order completion hook: the completed
// order's service record consumes its field requests (ConsumeRecord).
func (q *Requests) ConsumeCompleted(ctx context.Context, u core.UnitOfWork, w *core.WorkOrder, rec *core.ServiceRecord) error {
	if rec == nil || len(rec.Parts) == 0 {
		return nil
	}
	used := make([]UsedPart, len(rec.Parts))
	for i, p := range rec.Parts {
		used[i] = UsedPart{Barcode: p.Barcode, Quantity: int64(p.Quantity)}
	}
	return q.ConsumeRecord(ctx, u, w.ID, used, ConsumeActor)
}

// ConsumeActor is the actor of consumptions posted by a service record.
const ConsumeActor = "system:parts"

// move is a stock step of line of request r, keyed by the request, the
// line and the step.
func (q *Requests) move(r *PartRequest, line int, step string, quantity int64, within Reach, actor string) Move {
	m := Move{Key: MoveKey(r.ID, line, step), WorkOrderID: r.WorkOrderID, PartID: r.PartID, PartNumber: r.PartNumber,
		Quantity: quantity, To: r.ToWarehouseID, Reference: r.ID.String(), Within: within, Actor: actor}
	if r.FromWarehouseID != nil {
		m.From = *r.FromWarehouseID
	}
	return m
}

// onSite says whether a request's parts are at the site's disposal:
// received, or approved in erp mode, where the ERP's reservation leaves
// nothing in transit for the site to receive.
func (r *PartRequest) onSite() bool {
	return r.State == ReqReceived || r.State == ReqApproved && r.DocumentID == nil
}
