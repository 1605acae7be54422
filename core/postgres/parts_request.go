package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/workorder"
)

type partRequestsRepo struct{ u *unit }

// PartRequests implements parts.RequestStore.
func (s *Store) PartRequests(u core.UnitOfWork) parts.RequestRepository {
	return partRequestsRepo{unitOf(u)}
}

const requestColumns = `r.id, r.group_id, r.work_order_id, r.site_id, r.to_warehouse_id, r.part_id, p.number, r.quantity, r.state, r.note,
	r.refusal_reason, r.from_warehouse_id, r.document_id, r.consumed, r.must_return, r.return_due, r.returned_at, r.inspection,
	r.inspection_note, r.requested_by, r.decided_by, r.version, r.created_at, r.updated_at`

const requestFrom = ` FROM part_requests r JOIN parts p ON p.tenant_id = r.tenant_id AND p.id = r.part_id`

func scanRequest(row pgx.Row) (*parts.PartRequest, error) {
	r := &parts.PartRequest{}
	return r, row.Scan(&r.ID, &r.GroupID, &r.WorkOrderID, &r.SiteID, &r.ToWarehouseID, &r.PartID, &r.PartNumber, &r.Quantity, &r.State,
		&r.Note, &r.RefusalReason, &r.FromWarehouseID, &r.DocumentID, &r.Consumed, &r.MustReturn, &r.ReturnDue, &r.ReturnedAt,
		&r.Inspection, &r.InspectionNote, &r.RequestedBy, &r.DecidedBy, &r.Version, &r.CreatedAt, &r.UpdatedAt)
}

// Order implements parts.RequestRepository.
func (r partRequestsRepo) Order(ctx context.Context, id uuid.UUID) (*parts.OrderPost, error) {
	o := &parts.OrderPost{}
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&o.SiteID, &o.State, &o.SiteWarehouseID) },
		`SELECT w.site_id, w.state, (SELECT h.id FROM warehouses h WHERE h.site_id = w.site_id AND h.kind = 'site'
			ORDER BY h.code LIMIT 1) FROM work_orders w WHERE w.id = $1 FOR UPDATE OF w`, id)
	return o, translate(err, "work order")
}

// ReturnDays implements parts.RequestRepository.
func (r partRequestsRepo) ReturnDays(ctx context.Context) (int, error) {
	days := parts.DefaultReturnDays
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&days) },
		`SELECT part_return_days FROM tenant_settings WHERE tenant_id = app_current_tenant()`)
	if err == pgx.ErrNoRows {
		return parts.DefaultReturnDays, nil
	}
	return days, err
}

// InsertRequest implements parts.RequestRepository.
func (r partRequestsRepo) InsertRequest(q *parts.PartRequest) {
	r.u.write(`INSERT INTO part_requests (tenant_id, id, work_order_id, site_id, to_warehouse_id, part_id, quantity, state, note,
		must_return, requested_by, version, created_at, updated_at, group_id)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		q.ID, q.WorkOrderID, q.SiteID, q.ToWarehouseID, q.PartID, q.Quantity, q.State, q.Note, q.MustReturn, q.RequestedBy,
		q.Version, q.CreatedAt, q.UpdatedAt, q.GroupID)
}

// UpdateRequest implements parts.RequestRepository.
func (r partRequestsRepo) UpdateRequest(q *parts.PartRequest) {
	r.u.write(`UPDATE part_requests SET state = $2, refusal_reason = $3, from_warehouse_id = $4, document_id = $5, consumed = $6,
		return_due = $7, returned_at = $8, inspection = $9, inspection_note = $10, decided_by = $11, version = $12, updated_at = $13
		WHERE id = $1`, q.ID, q.State, q.RefusalReason, q.FromWarehouseID, q.DocumentID, q.Consumed, q.ReturnDue, q.ReturnedAt,
		q.Inspection, q.InspectionNote, q.DecidedBy, q.Version, q.UpdatedAt)
}

// lockOrders locks the work orders of the requests matching cond, in id
// order, before the requests themselves: a request's change appends to
// its order's timeline (event number max+1), as every action on the
// order does under the order's lock, and the order is always locked
// before its requests (completing an order consumes its requests).
func (r partRequestsRepo) lockOrders(ctx context.Context, cond string, id uuid.UUID) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `SELECT 1 FROM work_orders WHERE id IN (SELECT r.work_order_id FROM part_requests r WHERE `+cond+`)
		ORDER BY id FOR UPDATE`, id)
	return err
}

// LockRequest implements parts.RequestRepository.
func (r partRequestsRepo) LockRequest(ctx context.Context, id uuid.UUID) (*parts.PartRequest, error) {
	if err := r.lockOrders(ctx, "r.id = $1", id); err != nil {
		return nil, err
	}
	var q *parts.PartRequest
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) { q, err = scanRequest(row); return err },
		`SELECT `+requestColumns+requestFrom+` WHERE r.id = $1 FOR UPDATE OF r`, id)
	return q, translate(err, "part request")
}

func (r partRequestsRepo) lockWhere(ctx context.Context, cond string, id uuid.UUID) ([]*parts.PartRequest, error) {
	if err := r.lockOrders(ctx, cond, id); err != nil {
		return nil, err
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+requestColumns+requestFrom+` WHERE `+cond+` ORDER BY r.created_at, r.id FOR UPDATE OF r`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.PartRequest, error) { return scanRequest(row) })
}

// LockByDocument implements parts.RequestRepository.
func (r partRequestsRepo) LockByDocument(ctx context.Context, doc uuid.UUID) ([]*parts.PartRequest, error) {
	return r.lockWhere(ctx, "r.document_id = $1", doc)
}

// LockByOrder implements parts.RequestRepository.
func (r partRequestsRepo) LockByOrder(ctx context.Context, order uuid.UUID) ([]*parts.PartRequest, error) {
	return r.lockWhere(ctx, "r.work_order_id = $1", order)
}

// FindRequests implements parts.RequestRepository: newest first, those
// shipped to a warehouse within reach.
func (r partRequestsRepo) FindRequests(ctx context.Context, f parts.RequestFilter) ([]*parts.PartRequest, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	at, id, err := decodeCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	a := &sqlArgs{}
	where := []string{"true"}
	if !f.Within.All {
		where = append(where, `EXISTS (SELECT 1 FROM warehouses w WHERE w.id = r.to_warehouse_id AND `+
			warehouseReachSQL("w", f.Within, a)+`)`)
	}
	if at != nil {
		where = append(where, "(r.created_at, r.id) < ("+a.add(*at)+", "+a.add(*id)+")")
	}
	if f.State != "" {
		where = append(where, "r.state = "+a.add(f.State))
	}
	if f.WorkOrderID != nil {
		where = append(where, "r.work_order_id = "+a.add(*f.WorkOrderID))
	}
	if f.Overdue {
		where = append(where, "r.state = 'consumed' AND r.must_return AND r.return_due < "+a.add(f.AsOf))
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+requestColumns+requestFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY r.created_at DESC, r.id DESC LIMIT `+a.add(limit+1), a.list...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.PartRequest, error) { return scanRequest(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(q *parts.PartRequest) string { return encodeCursor(q.CreatedAt, q.ID) })
	return out, next, nil
}

// AppendOrderEvent implements parts.RequestRepository.
func (r partRequestsRepo) AppendOrderEvent(order uuid.UUID, typ, actor string, at time.Time, payload map[string]any) {
	r.u.write(eventSQL, eventArgs(workorder.Event{WorkOrderID: order, Type: typ, Actor: actor, At: at, Payload: payload})...)
}
