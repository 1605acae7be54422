package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/settings"
)

// partsModeLock is the advisory lock key of a tenant's parts mode: every
// reader of the mode holds it shared until its unit commits, a switch
// holds it exclusively, so no movement runs in a mode being switched.
const partsModeLock = `hashtextextended('parts_mode/' || app_current_tenant()::text, 0)`

// PartsMode implements parts.ModeStore: built_in for a tenant that has
// set none. It holds the mode (a shared advisory lock) until the unit
// commits, so a switch of the mode waits for the movements already
// deciding by it, and they see it switched once it is.
func (s *Store) PartsMode(ctx context.Context, u core.UnitOfWork) (string, error) {
	mode := core.PartsBuiltIn
	q := unitOf(u)
	// Two statements: the mode is read after the lock is granted, in a
	// snapshot that sees a switch that held it.
	if err := q.queryRow(ctx, func(row pgx.Row) error { return row.Scan() },
		`SELECT FROM pg_advisory_xact_lock_shared(`+partsModeLock+`)`); err != nil {
		return "", err
	}
	err := q.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&mode) },
		`SELECT parts_mode FROM tenant_settings WHERE tenant_id = app_current_tenant()`)
	if err == pgx.ErrNoRows {
		return core.PartsBuiltIn, nil
	}
	return mode, err
}

// StockMovingRequests implements settings.FieldRequests: it takes the
// parts mode exclusively (waiting for the movements deciding by it) and
// lists the requests a movement is still to come for, oldest first.
func (s *Store) StockMovingRequests(ctx context.Context, u core.UnitOfWork, limit int) ([]settings.FieldRequest, int, error) {
	q := unitOf(u)
	if err := q.queryRow(ctx, func(row pgx.Row) error { return row.Scan() },
		`SELECT FROM pg_advisory_xact_lock(`+partsModeLock+`)`); err != nil {
		return nil, 0, err
	}
	c, err := q.conn(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows, err := c.Query(ctx, `SELECT r.id, w.number, r.state, count(*) OVER () FROM part_requests r
		JOIN work_orders w ON w.tenant_id = r.tenant_id AND w.id = r.work_order_id
		WHERE r.state IN ('approved', 'received')
			OR r.state = 'consumed' AND (r.consumed < r.quantity OR r.must_return AND r.returned_at IS NULL)
		ORDER BY r.created_at, r.id LIMIT $1`, limit)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (settings.FieldRequest, error) {
		var x settings.FieldRequest
		return x, row.Scan(&x.ID, &x.OrderNumber, &x.State, &total)
	})
	return out, total, err
}

type erpMovesRepo struct{ u *unit }

// ERPMoves implements parts.ERPMoveStore.
func (s *Store) ERPMoves(u core.UnitOfWork) parts.ERPMoveRepository { return erpMovesRepo{unitOf(u)} }

// FindERPMove implements parts.ERPMoveRepository.
func (r erpMovesRepo) FindERPMove(ctx context.Context, key string) (*parts.ERPMove, error) {
	m := &parts.ERPMove{}
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&m.Key, &m.Kind, &m.PartNumber, &m.WarehouseCode, &m.Quantity, &m.ERPID, &m.WorkOrderID, &m.Actor, &m.At)
	}, `SELECT key, kind, part_number, warehouse_code, quantity, erp_id, work_order_id, actor, at FROM erp_stock_moves
		WHERE key = $1`, key)
	return m, translate(err, "ERP stock move")
}

// InsertERPMove implements parts.ERPMoveRepository.
func (r erpMovesRepo) InsertERPMove(m *parts.ERPMove) {
	r.u.write(`INSERT INTO erp_stock_moves (tenant_id, key, kind, part_number, warehouse_code, quantity, erp_id, work_order_id,
		actor, at) VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, key) DO NOTHING`,
		m.Key, m.Kind, m.PartNumber, m.WarehouseCode, m.Quantity, m.ERPID, m.WorkOrderID, m.Actor, m.At)
}
