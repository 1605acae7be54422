package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const followUpColumns = `f.id, f.work_order_id, w.number, f.customer_id, f.site_id, f.reason, f.score, f.status, f.note,
	f.created_at, f.done_at, COALESCE(f.done_by, '')`

const followUpFrom = ` FROM follow_up_tasks f JOIN work_orders w ON w.tenant_id = f.tenant_id AND w.id = f.work_order_id`

func scanFollowUp(r pgx.Row) (*core.FollowUp, error) {
	f := &core.FollowUp{}
	err := r.Scan(&f.ID, &f.WorkOrderID, &f.OrderNumber, &f.CustomerID, &f.SiteID, &f.Reason, &f.Score, &f.Status, &f.Note,
		&f.CreatedAt, &f.DoneAt, &f.DoneBy)
	return f, err
}

// OpenFollowUp implements core.FollowUpService.
func (s *Store) OpenFollowUp(ctx context.Context, workOrderID uuid.UUID, reason string, score *int) (*core.FollowUp, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	_, err = q.Exec(ctx, `INSERT INTO follow_up_tasks (tenant_id, id, work_order_id, customer_id, site_id, reason, score, created_at)
		SELECT app_current_tenant(), $2, w.id, w.customer_id, w.site_id, $3, $4, $5 FROM work_orders w WHERE w.id = $1
		ON CONFLICT (tenant_id, work_order_id, reason) DO NOTHING`, workOrderID, uuid.New(), reason, score, s.now())
	if err != nil {
		return nil, translate(err, "follow-up")
	}
	f, err := scanFollowUp(q.QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+` WHERE f.work_order_id = $1 AND f.reason = $2`,
		workOrderID, reason))
	return f, translate(err, "work order")
}

// FindFollowUps implements core.FollowUpService.
func (s *Store) FindFollowUps(ctx context.Context, f core.FollowUpFilter) ([]*core.FollowUp, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		where = append(where, "f.status = "+arg(f.Status))
	}
	at, id, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	if at != nil {
		where = append(where, "(f.created_at, f.id) < ("+arg(*at)+", "+arg(*id)+")")
	}
	if !f.Within.All {
		where = append(where, `f.site_id IN (SELECT s.id FROM sites s WHERE s.id = ANY(`+arg(f.Within.Sites)+`)
			OR s.region_id IN (WITH RECURSIVE sub AS (SELECT id FROM regions WHERE id = ANY(`+arg(f.Within.Regions)+`)
				UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) SELECT id FROM sub))`)
	}
	sql := `SELECT ` + followUpColumns + followUpFrom
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := q.Query(ctx, sql+" ORDER BY f.created_at DESC, f.id DESC LIMIT "+arg(limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.FollowUp, error) { return scanFollowUp(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.FollowUp) string { return encodeCursor(r.CreatedAt, r.ID) })
	return out, next, nil
}

// FindFollowUpByID implements core.FollowUpService.
func (s *Store) FindFollowUpByID(ctx context.Context, id uuid.UUID) (*core.FollowUp, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	f, err := scanFollowUp(q.QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+` WHERE f.id = $1`, id))
	return f, translate(err, "follow-up")
}

// CompleteFollowUp implements core.FollowUpService.
func (s *Store) CompleteFollowUp(ctx context.Context, id uuid.UUID, note, actor string) (*core.FollowUp, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	tag, err := q.Exec(ctx, `UPDATE follow_up_tasks SET status = 'done', note = $2, done_at = $3, done_by = $4
		WHERE id = $1 AND status = 'open'`, id, note, s.now(), actor)
	if err != nil {
		return nil, translate(err, "follow-up")
	}
	f, err := s.FindFollowUpByID(ctx, id)
	if err == nil && tag.RowsAffected() == 0 {
		return nil, core.Errorf(core.ECONFLICT, "the follow-up is done already")
	}
	return f, err
}
