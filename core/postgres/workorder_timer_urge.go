package postgres

import (
	"context"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// FindSiteSLAMisses implements core.SiteSLAMissService.
func (s *Store) FindSiteSLAMisses(ctx context.Context, siteID uuid.UUID, after string, limit int) ([]*core.SiteSLAMiss, string, *core.SiteSLAMissCounts, error) {
	var cursor *int64
	if after != "" {
		n, err := strconv.ParseInt(after, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", nil, core.FieldError("cursor", "is not a cursor returned by this list")
		}
		cursor = &n
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	limit = clampLimit(limit)
	type row struct {
		id   int64
		miss *core.SiteSLAMiss
	}
	var rows []row
	counts := &core.SiteSLAMissCounts{}
	b := &pgx.Batch{}
	b.Queue(`SELECT m.id, m.work_order_id, w.number, m.kind, m.due_at, m.recorded_at
		FROM site_sla_misses m JOIN work_orders w ON w.tenant_id = m.tenant_id AND w.id = m.work_order_id
		WHERE m.site_id = $1 AND ($2::bigint IS NULL OR m.id < $2)
		ORDER BY m.id DESC LIMIT $3`, siteID, cursor, limit+1).Query(func(rs pgx.Rows) error {
		for rs.Next() {
			r := row{miss: &core.SiteSLAMiss{}}
			if err := rs.Scan(&r.id, &r.miss.WorkOrderID, &r.miss.Number, &r.miss.Kind, &r.miss.DueAt, &r.miss.RecordedAt); err != nil {
				return err
			}
			rows = append(rows, r)
		}
		return rs.Err()
	})
	b.Queue(`SELECT count(*) FILTER (WHERE kind = 'response'), count(*) FILTER (WHERE kind = 'arrival')
		FROM site_sla_misses WHERE site_id = $1`, siteID).QueryRow(func(r pgx.Row) error {
		return r.Scan(&counts.Response, &counts.Arrival)
	})
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, "", nil, err
	}
	rows, next := nextPage(rows, limit, func(r row) string { return strconv.FormatInt(r.id, 10) })
	out := make([]*core.SiteSLAMiss, len(rows))
	for i, r := range rows {
		out[i] = r.miss
	}
	return out, next, counts, nil
}
