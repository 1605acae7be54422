package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core/parts"
)

const documentColumns = `d.id, d.kind, d.state, d.from_warehouse_id, d.to_warehouse_id, d.reason, d.reference, d.lines,
	d.created_by, d.version, d.created_at, d.updated_at`

func scanDocument(row pgx.Row) (*parts.Document, error) {
	d := &parts.Document{}
	err := row.Scan(&d.ID, &d.Kind, &d.State, &d.FromWarehouseID, &d.ToWarehouseID, &d.Reason, &d.Reference, &d.Lines,
		&d.CreatedBy, &d.Version, &d.CreatedAt, &d.UpdatedAt)
	if d.Lines == nil {
		d.Lines = []parts.Line{}
	}
	return d, err
}

// InsertDocument implements parts.Repository.
func (r partsRepo) InsertDocument(d *parts.Document) {
	r.u.write(`INSERT INTO stock_documents (tenant_id, id, kind, state, from_warehouse_id, to_warehouse_id, reason, reference, lines,
		created_by, version, created_at, updated_at) VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		d.ID, d.Kind, d.State, d.FromWarehouseID, d.ToWarehouseID, d.Reason, d.Reference, d.Lines, d.CreatedBy, d.Version,
		d.CreatedAt, d.UpdatedAt)
}

// UpdateDocument implements parts.Repository.
func (r partsRepo) UpdateDocument(d *parts.Document) {
	r.u.write(`UPDATE stock_documents SET state = $2, lines = $3, version = $4, updated_at = $5 WHERE id = $1`,
		d.ID, d.State, d.Lines, d.Version, d.UpdatedAt)
}

// LockDocument implements parts.Repository.
func (r partsRepo) LockDocument(ctx context.Context, id uuid.UUID) (*parts.Document, error) {
	return r.document(ctx, id, " FOR UPDATE")
}

// FindDocument implements parts.Repository.
func (r partsRepo) FindDocument(ctx context.Context, id uuid.UUID) (*parts.Document, error) {
	return r.document(ctx, id, "")
}

func (r partsRepo) document(ctx context.Context, id uuid.UUID, lock string) (*parts.Document, error) {
	var d *parts.Document
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) { d, err = scanDocument(row); return err },
		`SELECT `+documentColumns+` FROM stock_documents d WHERE d.id = $1`+lock, id)
	return d, translate(err, "document")
}

// FindDocuments implements parts.Repository: newest first.
func (r partsRepo) FindDocuments(ctx context.Context, f parts.DocumentFilter) ([]*parts.Document, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	at, id, err := decodeCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	a := &sqlArgs{}
	var where []string
	if !f.Within.All {
		where = append(where, `EXISTS (SELECT 1 FROM warehouses w WHERE w.id IN (d.from_warehouse_id, d.to_warehouse_id) AND `+
			warehouseReachSQL("w", f.Within, a)+`)`)
	}
	if at != nil {
		where = append(where, "(d.created_at, d.id) < ("+a.add(*at)+", "+a.add(*id)+")")
	}
	if f.Kind != "" {
		where = append(where, "d.kind = "+a.add(f.Kind))
	}
	if f.State != "" {
		where = append(where, "d.state = "+a.add(f.State))
	}
	if f.WarehouseID != nil {
		p := a.add(*f.WarehouseID)
		where = append(where, "(d.from_warehouse_id = "+p+" OR d.to_warehouse_id = "+p+")")
	}
	if len(where) == 0 {
		where = []string{"true"}
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+documentColumns+` FROM stock_documents d WHERE `+strings.Join(where, " AND ")+
		` ORDER BY d.created_at DESC, d.id DESC LIMIT `+a.add(limit+1), a.list...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.Document, error) { return scanDocument(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(d *parts.Document) string { return encodeCursor(d.CreatedAt, d.ID) })
	return out, next, nil
}

const reservationColumns = `id, key, warehouse_id, part_id, work_order_id, quantity, consumed, released, state, created_by, version,
	created_at, updated_at`

func scanReservation(row pgx.Row) (*parts.Reservation, error) {
	v := &parts.Reservation{}
	return v, row.Scan(&v.ID, &v.Key, &v.WarehouseID, &v.PartID, &v.WorkOrderID, &v.Quantity, &v.Consumed, &v.Released,
		&v.State, &v.CreatedBy, &v.Version, &v.CreatedAt, &v.UpdatedAt)
}

// LockReservationByKey implements parts.Repository.
func (r partsRepo) LockReservationByKey(ctx context.Context, key string) (*parts.Reservation, error) {
	var v *parts.Reservation
	b := &pgx.Batch{}
	// A transaction-scoped advisory lock on the tenant and key: a retry
	// racing the first attempt waits for it, then finds its reservation.
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1, 17))`, fmt.Sprintf("stock:%s:%s", r.u.tenantID, key))
	b.Queue(`SELECT `+reservationColumns+` FROM stock_reservations WHERE key = $1 FOR UPDATE`, key).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var err error
			if v, err = scanReservation(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return v, r.u.read(ctx, b)
}

// LockReservation implements parts.Repository.
func (r partsRepo) LockReservation(ctx context.Context, id uuid.UUID) (*parts.Reservation, error) {
	var v *parts.Reservation
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) { v, err = scanReservation(row); return err },
		`SELECT `+reservationColumns+` FROM stock_reservations WHERE id = $1 FOR UPDATE`, id)
	return v, translate(err, "reservation")
}

// InsertReservation implements parts.Repository.
func (r partsRepo) InsertReservation(v *parts.Reservation) {
	r.u.write(`INSERT INTO stock_reservations (tenant_id, id, key, warehouse_id, part_id, work_order_id, quantity, consumed,
		released, state, created_by, version, created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		v.ID, v.Key, v.WarehouseID, v.PartID, v.WorkOrderID, v.Quantity, v.Consumed, v.Released, v.State, v.CreatedBy,
		v.Version, v.CreatedAt, v.UpdatedAt)
}

// UpdateReservation implements parts.Repository.
func (r partsRepo) UpdateReservation(v *parts.Reservation) {
	r.u.write(`UPDATE stock_reservations SET consumed = $2, released = $3, state = $4, version = $5, updated_at = $6 WHERE id = $1`,
		v.ID, v.Consumed, v.Released, v.State, v.Version, v.UpdatedAt)
}
