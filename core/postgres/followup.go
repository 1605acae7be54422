package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// Follow-ups are the callback tasks a low SMS score opens (source
// low_satisfaction): the old endpoints read and write them in the callback
// model, a given-up task showing as done.
const followUpColumns = `f.id, f.work_order_id, w.number, f.customer_id, f.site_id, f.source, f.score,
	CASE f.status WHEN 'open' THEN 'open' ELSE 'done' END, f.note, f.created_at, f.done_at, COALESCE(f.done_by, '')`

const followUpFrom = ` FROM callback_tasks f JOIN work_orders w ON w.tenant_id = f.tenant_id AND w.id = f.work_order_id`

func scanFollowUp(r pgx.Row) (*core.FollowUp, error) {
	f := &core.FollowUp{}
	err := r.Scan(&f.ID, &f.WorkOrderID, &f.OrderNumber, &f.CustomerID, &f.SiteID, &f.Reason, &f.Score, &f.Status, &f.Note,
		&f.CreatedAt, &f.DoneAt, &f.DoneBy)
	return f, err
}

// InsertFollowUp implements messaging.Repository.
func (r messagingRepo) InsertFollowUp(f *core.FollowUp) {
	r.u.write(`INSERT INTO callback_tasks (tenant_id, id, work_order_id, customer_id, site_id, source, score, status, note, created_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (tenant_id, work_order_id) WHERE source = 'low_satisfaction' DO NOTHING`,
		f.ID, f.WorkOrderID, f.CustomerID, f.SiteID, f.Reason, f.Score, f.Status, f.Note, f.CreatedAt)
}

// findFollowUp reads one follow-up matching where.
func (r messagingRepo) findFollowUp(ctx context.Context, where string, args ...any) (*core.FollowUp, error) {
	var f *core.FollowUp
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		f, err = scanFollowUp(row)
		return err
	}, `SELECT `+followUpColumns+followUpFrom+` WHERE `+where, args...)
	return f, translate(err, "follow-up")
}

// FindFollowUp implements messaging.Repository.
func (r messagingRepo) FindFollowUp(ctx context.Context, workOrderID uuid.UUID, reason string) (*core.FollowUp, error) {
	return r.findFollowUp(ctx, `f.work_order_id = $1 AND f.source = $2`, workOrderID, reason)
}

// FindFollowUpByID implements messaging.Repository.
func (r messagingRepo) FindFollowUpByID(ctx context.Context, id uuid.UUID) (*core.FollowUp, error) {
	return r.findFollowUp(ctx, `f.id = $1 AND f.source = 'low_satisfaction'`, id)
}

// LockFollowUp implements messaging.Repository.
func (r messagingRepo) LockFollowUp(ctx context.Context, id uuid.UUID) (*core.FollowUp, error) {
	return r.findFollowUp(ctx, `f.id = $1 AND f.source = 'low_satisfaction' FOR UPDATE OF f`, id)
}

// UpdateFollowUp implements messaging.Repository.
func (r messagingRepo) UpdateFollowUp(f *core.FollowUp) {
	r.u.write(`UPDATE callback_tasks SET status = $2, note = $3, done_at = $4, done_by = $5 WHERE id = $1`,
		f.ID, f.Status, f.Note, f.DoneAt, f.DoneBy)
}

// FindFollowUps implements messaging.Repository.
func (r messagingRepo) FindFollowUps(ctx context.Context, f core.FollowUpFilter) ([]*core.FollowUp, string, error) {
	limit := clampLimit(f.Limit)
	where := []string{"f.source = 'low_satisfaction'"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Status {
	case core.FollowUpOpen:
		where = append(where, "f.status = 'open'")
	case core.FollowUpDone:
		where = append(where, "f.status <> 'open'")
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
	sql := `SELECT ` + followUpColumns + followUpFrom + " WHERE " + strings.Join(where, " AND ")
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
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
