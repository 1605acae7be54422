package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

type stocktakeRepo struct{ u *unit }

// Stocktakes implements parts.StocktakeStore.
func (s *Store) Stocktakes(u core.UnitOfWork) parts.StocktakeRepository {
	return stocktakeRepo{unitOf(u)}
}

const stocktakeColumns = `s.id, s.warehouse_id, s.state, s.note, s.opened_by, s.posted_by, s.posted_at, s.document_id, s.version,
	s.created_at, s.updated_at`

func scanStocktake(row pgx.Row) (*parts.Stocktake, error) {
	st := &parts.Stocktake{Lines: []parts.StocktakeLine{}}
	return st, row.Scan(&st.ID, &st.WarehouseID, &st.State, &st.Note, &st.OpenedBy, &st.PostedBy, &st.PostedAt, &st.DocumentID,
		&st.Version, &st.CreatedAt, &st.UpdatedAt)
}

// InsertStocktake implements parts.StocktakeRepository.
func (r stocktakeRepo) InsertStocktake(ctx context.Context, st *parts.Stocktake) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `INSERT INTO stocktakes (tenant_id, id, warehouse_id, state, note, opened_by, version, created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant_id, warehouse_id) WHERE state = 'open' DO NOTHING`,
		st.ID, st.WarehouseID, st.State, st.Note, st.OpenedBy, st.Version, st.CreatedAt, st.UpdatedAt)
	if err != nil {
		return translate(err, "stocktake")
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ECONFLICT, "the warehouse has an open stocktake")
	}
	// The snapshot: on hand of every part the warehouse holds now. A
	// movement committed after it is counted in the variance through the
	// current balance (see parts.Stocktake).
	if _, err := q.Exec(ctx, `INSERT INTO stocktake_lines (tenant_id, stocktake_id, part_id, expected)
		SELECT app_current_tenant(), $1, b.part_id, b.available + b.reserved FROM stock_balances b
		WHERE b.warehouse_id = $2 AND b.available + b.reserved <> 0`, st.ID, st.WarehouseID); err != nil {
		return translate(err, "stocktake")
	}
	got, err := r.FindStocktake(ctx, st.ID, false)
	if err != nil {
		return err
	}
	st.Lines = got.Lines
	return nil
}

// FindStocktake implements parts.StocktakeRepository.
func (r stocktakeRepo) FindStocktake(ctx context.Context, id uuid.UUID, lock bool) (*parts.Stocktake, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	sql := `SELECT ` + stocktakeColumns + ` FROM stocktakes s WHERE s.id = $1`
	if lock {
		sql += " FOR UPDATE"
	}
	st, err := scanStocktake(q.QueryRow(ctx, sql, id))
	if err != nil {
		return nil, translate(err, "stocktake")
	}
	rows, err := q.Query(ctx, `SELECT l.part_id, p.number, p.name_zh, p.name_en, l.expected,
		COALESCE(b.available + b.reserved, 0), l.counted, l.counted_by, l.counted_at
		FROM stocktake_lines l JOIN parts p ON p.id = l.part_id
		LEFT JOIN stock_balances b ON b.warehouse_id = $2 AND b.part_id = l.part_id
		WHERE l.stocktake_id = $1 ORDER BY p.number`, id, st.WarehouseID)
	if err != nil {
		return nil, err
	}
	st.Lines, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (parts.StocktakeLine, error) {
		var l parts.StocktakeLine
		var exp, onHand int64
		err := row.Scan(&l.PartID, &l.PartNumber, &l.PartNameZh, &l.PartNameEn, &exp, &onHand, &l.Counted, &l.CountedBy, &l.CountedAt)
		l.Expected, l.OnHand = &exp, &onHand
		return l, err
	})
	if st.Lines == nil {
		st.Lines = []parts.StocktakeLine{}
	}
	return st, err
}

// FindStocktakes implements parts.StocktakeRepository: newest first,
// without lines.
func (r stocktakeRepo) FindStocktakes(ctx context.Context, f parts.StocktakeFilter) ([]*parts.Stocktake, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	at, id, err := decodeCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	a := &sqlArgs{}
	where := []string{`EXISTS (SELECT 1 FROM warehouses w WHERE w.id = s.warehouse_id AND ` + warehouseReachSQL("w", f.Within, a) + `)`}
	if at != nil {
		where = append(where, "(s.created_at, s.id) < ("+a.add(*at)+", "+a.add(*id)+")")
	}
	if f.State != "" {
		where = append(where, "s.state = "+a.add(f.State))
	}
	if f.WarehouseID != nil {
		where = append(where, "s.warehouse_id = "+a.add(*f.WarehouseID))
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+stocktakeColumns+` FROM stocktakes s WHERE `+strings.Join(where, " AND ")+
		` ORDER BY s.created_at DESC, s.id DESC LIMIT `+a.add(limit+1), a.list...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.Stocktake, error) { return scanStocktake(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(s *parts.Stocktake) string { return encodeCursor(s.CreatedAt, s.ID) })
	return out, next, nil
}

// SaveCounts implements parts.StocktakeRepository.
func (r stocktakeRepo) SaveCounts(ctx context.Context, id uuid.UUID, counts []parts.CountInput, by string, at time.Time) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	ps, cs := make([]uuid.UUID, len(counts)), make([]int64, len(counts))
	for i, c := range counts {
		ps[i], cs[i] = c.PartID, c.Counted
	}
	_, err = q.Exec(ctx, `INSERT INTO stocktake_lines (tenant_id, stocktake_id, part_id, expected, counted, counted_by, counted_at)
		SELECT app_current_tenant(), $1, c.p, 0, c.n, $4, $5 FROM unnest($2::uuid[], $3::bigint[]) AS c (p, n)
		ON CONFLICT (tenant_id, stocktake_id, part_id) DO UPDATE
		SET counted = EXCLUDED.counted, counted_by = EXCLUDED.counted_by, counted_at = EXCLUDED.counted_at`,
		id, ps, cs, by, at)
	return translate(err, "stocktake")
}

// UpdateStocktake implements parts.StocktakeRepository.
func (r stocktakeRepo) UpdateStocktake(ctx context.Context, st *parts.Stocktake) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE stocktakes SET state = $2, posted_by = $3, posted_at = $4, document_id = $5, version = $6,
		updated_at = $7 WHERE id = $1`, st.ID, st.State, st.PostedBy, st.PostedAt, st.DocumentID, st.Version, st.UpdatedAt)
	return translate(err, "stocktake")
}
