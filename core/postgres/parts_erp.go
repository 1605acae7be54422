package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

// PartsMode implements parts.ModeStore: built_in for a tenant that has
// set none.
func (s *Store) PartsMode(ctx context.Context, u core.UnitOfWork) (string, error) {
	mode := core.PartsBuiltIn
	err := unitOf(u).queryRow(ctx, func(row pgx.Row) error { return row.Scan(&mode) },
		`SELECT parts_mode FROM tenant_settings WHERE tenant_id = app_current_tenant()`)
	if err == pgx.ErrNoRows {
		return core.PartsBuiltIn, nil
	}
	return mode, err
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
