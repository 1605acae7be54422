package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

func (r networkRepo) FindSiteSLAMisses(ctx context.Context, site uuid.UUID, before int64, limit int) ([]*core.SiteSLAMiss, int64, *core.SiteSLAMissCounts, error) {
	limit = clampLimit(limit)
	var ids []int64
	var misses []*core.SiteSLAMiss
	counts := &core.SiteSLAMissCounts{}
	b := &pgx.Batch{}
	b.Queue(`SELECT m.id, m.work_order_id, w.number, m.kind, m.due_at, m.recorded_at
		FROM site_sla_misses m JOIN work_orders w ON w.tenant_id = m.tenant_id AND w.id = m.work_order_id
		WHERE m.site_id = $1 AND ($2 = 0 OR m.id < $2)
		ORDER BY m.id DESC LIMIT $3`, site, before, limit+1).Query(func(rs pgx.Rows) error {
		for rs.Next() {
			var id int64
			m := &core.SiteSLAMiss{}
			if err := rs.Scan(&id, &m.WorkOrderID, &m.Number, &m.Kind, &m.DueAt, &m.RecordedAt); err != nil {
				return err
			}
			ids, misses = append(ids, id), append(misses, m)
		}
		return rs.Err()
	})
	b.Queue(`SELECT count(*) FILTER (WHERE kind = 'response'), count(*) FILTER (WHERE kind = 'arrival')
		FROM site_sla_misses WHERE site_id = $1`, site).QueryRow(func(r pgx.Row) error {
		return r.Scan(&counts.Response, &counts.Arrival)
	})
	if err := r.u.read(ctx, b); err != nil {
		return nil, 0, nil, err
	}
	if len(misses) <= limit {
		return misses, 0, counts, nil
	}
	return misses[:limit], ids[limit-1], counts, nil
}
