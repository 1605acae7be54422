package postgres

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

// LockBalances implements parts.Repository in one round trip: it answers
// refs, creates the missing rows (of existing warehouses and parts), then
// locks them all in the order of keys (sorted by the caller), so two
// units never wait on each other in a cycle.
func (r partsRepo) LockBalances(ctx context.Context, refs parts.Refs, keys []parts.BalanceKey) (*parts.RefFacts, map[parts.BalanceKey]*parts.LockedBalance, error) {
	ws, ps := make([]uuid.UUID, len(keys)), make([]uuid.UUID, len(keys))
	for i, k := range keys {
		ws[i], ps[i] = k.WarehouseID, k.PartID
	}
	facts := &parts.RefFacts{Warehouses: map[uuid.UUID]bool{}}
	out := make(map[parts.BalanceKey]*parts.LockedBalance, len(keys))
	b := &pgx.Batch{}
	if len(refs.InReach)+len(refs.Exist)+len(refs.Parts) > 0 {
		a := &sqlArgs{}
		inReach, exist := a.add(nonNilIDs(refs.InReach)), a.add(nonNilIDs(refs.Exist))
		reach := warehouseReachSQL("w", refs.Within, a)
		b.Queue(`SELECT ARRAY(SELECT w.id FROM warehouses w WHERE (w.id = ANY(`+inReach+`) AND `+reach+`) OR w.id = ANY(`+exist+`)),
			ARRAY(SELECT i FROM unnest(`+a.add(nonNilIDs(refs.Parts))+`::uuid[]) i WHERE NOT EXISTS (SELECT 1 FROM parts p WHERE p.id = i))`,
			a.list...).QueryRow(func(row pgx.Row) error {
			var found []uuid.UUID
			if err := row.Scan(&found, &facts.UnknownParts); err != nil {
				return err
			}
			for _, id := range found {
				facts.Warehouses[id] = true
			}
			return nil
		})
	}
	b.Queue(`INSERT INTO stock_balances (tenant_id, warehouse_id, part_id)
		SELECT app_current_tenant(), k.w, k.p FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k (w, p, n)
		WHERE EXISTS (SELECT 1 FROM warehouses w WHERE w.id = k.w) AND EXISTS (SELECT 1 FROM parts p WHERE p.id = k.p)
		ORDER BY k.n
		ON CONFLICT DO NOTHING`, ws, ps)
	b.Queue(`SELECT b.warehouse_id, b.part_id, b.available, b.reserved, b.in_transit, w.allow_negative
		FROM stock_balances b JOIN warehouses w ON w.id = b.warehouse_id
		WHERE (b.warehouse_id, b.part_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))
		ORDER BY b.warehouse_id, b.part_id FOR UPDATE OF b`, ws, ps).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			l := &parts.LockedBalance{}
			if err := rows.Scan(&l.WarehouseID, &l.PartID, &l.Available, &l.Reserved, &l.InTransit, &l.AllowNegative); err != nil {
				return err
			}
			l.OnHand = l.Available + l.Reserved
			out[parts.BalanceKey{WarehouseID: l.WarehouseID, PartID: l.PartID}] = l
		}
		return rows.Err()
	})
	if err := r.u.read(ctx, b); err != nil {
		return nil, nil, translate(err, "stock")
	}
	return facts, out, nil
}

// SaveBalances implements parts.Repository.
func (r partsRepo) SaveBalances(bs []parts.Balance) {
	if len(bs) == 0 {
		return
	}
	ws, ps := make([]uuid.UUID, len(bs)), make([]uuid.UUID, len(bs))
	av, re, tr := make([]int64, len(bs)), make([]int64, len(bs)), make([]int64, len(bs))
	for i, b := range bs {
		ws[i], ps[i], av[i], re[i], tr[i] = b.WarehouseID, b.PartID, b.Available, b.Reserved, b.InTransit
	}
	r.u.write(`UPDATE stock_balances b SET available = v.a, reserved = v.r, in_transit = v.t
		FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[], $5::bigint[]) AS v (w, p, a, r, t)
		WHERE b.warehouse_id = v.w AND b.part_id = v.p`, ws, ps, av, re, tr)
}

// AppendMovements implements parts.Repository.
func (r partsRepo) AppendMovements(ms []parts.Movement) {
	for _, m := range ms {
		r.u.write(`INSERT INTO stock_movements (tenant_id, part_id, quantity, from_warehouse_id, from_bucket, to_warehouse_id,
			to_bucket, reason, document_kind, document_id, actor, at)
			VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			m.PartID, m.Quantity, m.From.Warehouse, m.From.Bucket, m.To.Warehouse, m.To.Bucket, m.Reason, m.DocumentKind,
			m.DocumentID, m.Actor, m.At)
	}
}

// FindMovements implements parts.Repository.
func (r partsRepo) FindMovements(ctx context.Context, f parts.MovementFilter) ([]*parts.Movement, int64, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, 0, err
	}
	a := &sqlArgs{}
	var where []string
	if !f.Within.All {
		reach := warehouseReachSQL("w", f.Within, a)
		where = append(where, `EXISTS (SELECT 1 FROM warehouses w WHERE w.id IN (m.from_warehouse_id, m.to_warehouse_id) AND `+reach+`)`)
	}
	if f.WarehouseID != nil {
		p := a.add(*f.WarehouseID)
		where = append(where, "(m.from_warehouse_id = "+p+" OR m.to_warehouse_id = "+p+")")
	}
	if f.PartID != nil {
		where = append(where, "m.part_id = "+a.add(*f.PartID))
	}
	if f.After > 0 {
		where = append(where, "m.seq > "+a.add(f.After))
	}
	if len(where) == 0 {
		where = []string{"true"}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := q.Query(ctx, `SELECT m.seq, m.part_id, m.quantity, m.from_warehouse_id, m.from_bucket, m.to_warehouse_id, m.to_bucket,
		m.reason, m.document_kind, m.document_id, m.actor, m.at FROM stock_movements m WHERE `+strings.Join(where, " AND ")+
		` ORDER BY m.seq LIMIT `+a.add(limit+1), a.list...)
	if err != nil {
		return nil, 0, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.Movement, error) {
		m := &parts.Movement{}
		return m, row.Scan(&m.Seq, &m.PartID, &m.Quantity, &m.From.Warehouse, &m.From.Bucket, &m.To.Warehouse, &m.To.Bucket,
			&m.Reason, &m.DocumentKind, &m.DocumentID, &m.Actor, &m.At)
	})
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Seq
	}
	return out, next, nil
}

// FindBalances implements parts.Repository: warehouse code, part number
// order; the cursor is the last row's "code\x1fnumber".
func (r partsRepo) FindBalances(ctx context.Context, f parts.BalanceFilter) ([]*parts.StockRow, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	a := &sqlArgs{}
	where := []string{warehouseReachSQL("w", f.Within, a)}
	if f.WarehouseID != nil {
		where = append(where, "b.warehouse_id = "+a.add(*f.WarehouseID))
	}
	if f.PartID != nil {
		where = append(where, "b.part_id = "+a.add(*f.PartID))
	}
	if f.NonZero {
		where = append(where, "(b.available <> 0 OR b.reserved <> 0 OR b.in_transit <> 0)")
	}
	if f.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(f.After)
		code, number, ok := strings.Cut(string(raw), "\x1f")
		if err != nil || !ok {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
		where = append(where, `(w.code COLLATE "C", p.number COLLATE "C") > (`+a.add(code)+", "+a.add(number)+")")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := q.Query(ctx, `SELECT b.warehouse_id, b.part_id, b.available, b.reserved, b.in_transit, w.code, w.name, w.kind,
		p.number, p.name_zh, p.name_en
		FROM stock_balances b JOIN warehouses w ON w.id = b.warehouse_id JOIN parts p ON p.id = b.part_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY w.code COLLATE "C", p.number COLLATE "C" LIMIT `+a.add(limit+1), a.list...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*parts.StockRow, error) {
		s := &parts.StockRow{}
		err := row.Scan(&s.WarehouseID, &s.PartID, &s.Available, &s.Reserved, &s.InTransit, &s.WarehouseCode, &s.WarehouseName,
			&s.WarehouseKind, &s.PartNumber, &s.PartNameZh, &s.PartNameEn)
		s.OnHand = s.Available + s.Reserved
		return s, err
	})
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(s *parts.StockRow) string {
		return base64.RawURLEncoding.EncodeToString([]byte(s.WarehouseCode + "\x1f" + s.PartNumber))
	})
	return out, next, nil
}
