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

// Field request states (在线申请备件).
const (
	ReqRequested = "requested" // the technician asked
	ReqRefused   = "refused"   // the parts clerk said no, with a reason
	ReqApproved  = "approved"  // a transfer to the site's warehouse is shipped
	ReqReceived  = "received"  // the site received the transfer
	ReqConsumed  = "consumed"  // the service record used it
	ReqReturned  = "returned"  // the defective part is back
	ReqInspected = "inspected" // and inspected
)

// Inspection results of a returned defective part.
const (
	InspectAccepted = "accepted"
	InspectRejected = "rejected"
)

// DefaultReturnDays is the defective-return window when the tenant sets none.
const DefaultReturnDays = core.DefaultPartReturnDays

// PartRequest is a technician's request for a part for a work order.
type PartRequest struct {
	ID              uuid.UUID  `json:"id"`
	GroupID         uuid.UUID  `json:"group_id" doc:"The request this line belongs to: the lines asked for together share it (a single-part request is its own group)."`
	WorkOrderID     uuid.UUID  `json:"work_order_id"`
	SiteID          uuid.UUID  `json:"site_id"`
	ToWarehouseID   uuid.UUID  `json:"to_warehouse_id" doc:"The site's warehouse the part is shipped to."`
	PartID          uuid.UUID  `json:"part_id"`
	PartNumber      string     `json:"part_number"`
	Quantity        int64      `json:"quantity"`
	State           string     `json:"state" enum:"requested,refused,approved,received,consumed,returned,inspected"`
	Note            string     `json:"note"`
	RefusalReason   string     `json:"refusal_reason"`
	FromWarehouseID *uuid.UUID `json:"from_warehouse_id" nullable:"true"`
	DocumentID      *uuid.UUID `json:"document_id" nullable:"true" doc:"The transfer shipped on approval."`
	Consumed        int64      `json:"consumed"`
	MustReturn      bool       `json:"must_return"`
	ReturnDue       *time.Time `json:"return_due" nullable:"true"`
	ReturnedAt      *time.Time `json:"returned_at" nullable:"true"`
	Overdue         bool       `json:"overdue" doc:"The defective part is due back and late: used, not returned, past return_due."`
	Inspection      string     `json:"inspection" enum:"accepted,rejected,"`
	InspectionNote  string     `json:"inspection_note"`
	RequestedBy     string     `json:"requested_by"`
	DecidedBy       string     `json:"decided_by"`
	Version         int        `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// RequestFilter selects requests, newest first.
type RequestFilter struct {
	Within      Reach
	State       string
	WorkOrderID *uuid.UUID
	// Overdue: only used must-return parts not returned by AsOf's due.
	Overdue bool
	AsOf    time.Time
	After   string
	Limit   int
}

// OrderPost is what a request needs to know of its work order.
type OrderPost struct {
	SiteID          *uuid.UUID
	State           string
	SiteWarehouseID *uuid.UUID // the site's warehouse, nil when it has none
}

// RequestStore gives the field-request use cases their repository.
type RequestStore interface {
	PartRequests(u core.UnitOfWork) RequestRepository
}

// RequestRepository reads and writes one tenant's field requests.
type RequestRepository interface {
	// Order reads the order's site and its warehouse, and locks the
	// order (its timeline's next event number is max+1); ENOTFOUND.
	Order(ctx context.Context, id uuid.UUID) (*OrderPost, error)
	// ReturnDays is the tenant's defective-return window in days.
	ReturnDays(ctx context.Context) (int, error)
	InsertRequest(r *PartRequest)
	UpdateRequest(r *PartRequest)
	// LockRequest reads a request under a row lock, its order locked
	// first; ENOTFOUND.
	LockRequest(ctx context.Context, id uuid.UUID) (*PartRequest, error)
	// LockByDocument and LockByOrder read requests under row locks,
	// their orders locked first.
	LockByDocument(ctx context.Context, doc uuid.UUID) ([]*PartRequest, error)
	LockByOrder(ctx context.Context, order uuid.UUID) ([]*PartRequest, error)
	FindRequests(ctx context.Context, f RequestFilter) ([]*PartRequest, string, error)
	// AppendOrderEvent writes an entry on the order's timeline.
	AppendOrderEvent(order uuid.UUID, typ, actor string, at time.Time, payload map[string]any)
}

// RequestInput is what a technician's request takes.
type RequestInput struct {
	PartID   uuid.UUID
	Quantity int64
	Note     string
}

func (in *RequestInput) validate() error {
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.PartID == uuid.Nil:
		return core.FieldError("part_id", "is required")
	case in.Quantity <= 0:
		return core.FieldError("quantity", "must be positive")
	case in.Quantity > 10_000:
		return core.FieldError("quantity", "at most 10000")
	case utf8.RuneCountInString(in.Note) > 500:
		return core.FieldError("note", "at most 500 characters")
	}
	return nil
}

// MaxLines is the most lines one request takes.
const MaxLines = 50

// Requests runs the field-request chain on top of the stock service.
type Requests struct {
	store   RequestStore
	stock   *Service
	mover   Mover
	returns ReturnRecorder
}

// ReturnRecorder hears of a defective part coming back for an order, in
// the unit of the return: the claims area marks the part line of the
// order's claim returned (claim.Service implements it).
type ReturnRecorder interface {
	PartReturned(ctx context.Context, u core.UnitOfWork, order uuid.UUID, partNumber string, at time.Time, actor string) error
}

// UseReturns passes every return of a defective part on to r. Set once,
// at wiring.
func (q *Requests) UseReturns(r ReturnRecorder) { q.returns = r }

// NewRequests returns the field-request use cases, moving stock through
// the built-in ledger until UseMover says otherwise.
func NewRequests(store RequestStore, stock *Service) *Requests {
	return &Requests{store: store, stock: stock, mover: Ledger{Stock: stock}}
}

// UseMover makes the chain move stock through m (Modes: per the tenant's
// parts mode).
func (q *Requests) UseMover(m Mover) { q.mover = m }

func inReach(ctx context.Context, repo Repository, w uuid.UUID, within Reach) error {
	if _, err := repo.FindWarehouse(ctx, w, within); err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			return core.Errorf(core.ENOTFOUND, "not found")
		}
		return err
	}
	return nil
}

// Request records a technician's request for a part for an order of a
// site within reach, shipped later to the site's warehouse. EINVALID
// names the field; ENOTFOUND for an order out of reach.
func (q *Requests) Request(ctx context.Context, u core.UnitOfWork, order uuid.UUID, in RequestInput, within Reach, actor string) (*PartRequest, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	rs, err := q.request(ctx, u, order, []RequestInput{in}, func(int, string) string { return "part_id" }, within, actor)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// RequestLines records one request of several parts for an order: a line
// per part, each approved, shipped, received and returned on its own,
// all sharing one group_id. EINVALID names the line's field
// (lines[1].quantity); ENOTFOUND for an order out of reach.
func (q *Requests) RequestLines(ctx context.Context, u core.UnitOfWork, order uuid.UUID, lines []RequestInput, within Reach, actor string) ([]*PartRequest, error) {
	switch {
	case len(lines) == 0:
		return nil, core.FieldError("lines", "at least one line")
	case len(lines) > MaxLines:
		return nil, core.FieldError("lines", "at most %d lines", MaxLines)
	}
	for i := range lines {
		if err := lines[i].validate(); err != nil {
			if e, ok := err.(*core.Error); ok {
				for f, m := range e.Fields {
					return nil, core.FieldError(fmt.Sprintf("lines[%d].%s", i, f), "%s", m)
				}
			}
			return nil, err
		}
	}
	return q.request(ctx, u, order, lines, func(i int, f string) string { return fmt.Sprintf("lines[%d].%s", i, f) },
		within, actor)
}

func (q *Requests) request(ctx context.Context, u core.UnitOfWork, order uuid.UUID, lines []RequestInput,
	field func(i int, f string) string, within Reach, actor string) ([]*PartRequest, error) {
	rr, repo := q.store.PartRequests(u), q.stock.store.Parts(u)
	o, err := rr.Order(ctx, order)
	if err != nil {
		return nil, err
	}
	if o.SiteID == nil {
		return nil, core.Errorf(core.ECONFLICT, "the order has no site yet")
	}
	if o.SiteWarehouseID == nil {
		return nil, core.Errorf(core.ECONFLICT, "the order's site has no warehouse")
	}
	if err := inReach(ctx, repo, *o.SiteWarehouseID, within); err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "work order not found")
	}
	switch o.State {
	case core.StateCompleted, core.StateConfirmed, core.StateClosed, core.StateCancelled:
		return nil, core.Errorf(core.ECONFLICT, "the order is %s", o.State)
	}
	found := make([]*Part, len(lines))
	for i, in := range lines {
		p, err := repo.FindPart(ctx, in.PartID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, core.FieldError(field(i, "part_id"), "no such part")
		} else if err != nil {
			return nil, err
		}
		found[i] = p
	}
	now := q.stock.now()
	group := uuid.New()
	out := make([]*PartRequest, len(lines))
	for i, in := range lines {
		p := found[i]
		r := &PartRequest{ID: uuid.New(), GroupID: group, WorkOrderID: order, SiteID: *o.SiteID,
			ToWarehouseID: *o.SiteWarehouseID, PartID: p.ID, PartNumber: p.Number, Quantity: in.Quantity, State: ReqRequested,
			Note: in.Note, MustReturn: p.MustReturn, RequestedBy: actor, Version: 1, CreatedAt: now, UpdatedAt: now}
		if len(lines) == 1 {
			r.GroupID = r.ID
		}
		rr.InsertRequest(r)
		rr.AppendOrderEvent(order, "part_requested", actor, now, map[string]any{"request_id": r.ID, "group_id": r.GroupID,
			"part_number": p.Number, "quantity": r.Quantity})
		out[i] = r
	}
	return out, nil
}
