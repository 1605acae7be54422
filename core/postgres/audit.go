package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// auditRepo implements audit.Repository on a unit of work.
type auditRepo struct{ u *unit }

// Audit implements audit.Store.
func (s *Store) Audit(u core.UnitOfWork) audit.Repository { return auditRepo{unitOf(u)} }

const auditColumns = `seq, id, tenant_id, at, actor_kind, actor_id, actor_name, client, request_id, action, resource_type,
	resource_id, before, after`

func (r auditRepo) InsertEvent(e *audit.Event) {
	r.u.write(`INSERT INTO audit_events (tenant_id, id, at, actor_kind, actor_id, actor_name, client, request_id, action,
			resource_type, resource_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.TenantID, e.ID, e.At, e.ActorKind, e.ActorID, e.ActorName, e.Client, e.RequestID, e.Action,
		e.ResourceType, e.ResourceID, e.Before, e.After)
}

func (r auditRepo) FindEvents(ctx context.Context, f audit.Filter) ([]*audit.Event, string, error) {
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.TenantID != nil {
		conds = append(conds, `tenant_id = `+arg(*f.TenantID))
	}
	if f.ActorID != nil {
		conds = append(conds, `actor_id = `+arg(*f.ActorID))
	}
	for col, v := range map[string]string{"action": f.Action, "resource_type": f.ResourceType, "resource_id": f.ResourceID} {
		if v != "" {
			conds = append(conds, col+` = `+arg(v))
		}
	}
	if f.From != nil {
		conds = append(conds, `at >= `+arg(*f.From))
	}
	if f.To != nil {
		conds = append(conds, `at < `+arg(*f.To))
	}
	if f.After != "" {
		seq, err := strconv.ParseInt(f.After, 10, 64)
		if err != nil {
			return nil, "", core.FieldError("cursor", "is not a cursor of this list")
		}
		conds = append(conds, `seq < `+arg(seq))
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	limit := clampLimit(f.Limit)
	out, err := queryAll(ctx, r.u, scanAuditEvent,
		`SELECT `+auditColumns+` FROM audit_events`+where+` ORDER BY seq DESC LIMIT `+arg(limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(e *audit.Event) string { return strconv.FormatInt(e.Seq, 10) })
	return out, next, nil
}

func scanAuditEvent(row pgx.Row) (*audit.Event, error) {
	e := &audit.Event{}
	err := row.Scan(&e.Seq, &e.ID, &e.TenantID, &e.At, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Client, &e.RequestID,
		&e.Action, &e.ResourceType, &e.ResourceID, &e.Before, &e.After)
	return e, err
}

// PurgeAuditEvents implements audit.Purger, through the one function
// allowed to delete events (migration 00017).
func (s *Store) PurgeAuditEvents(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT audit_purge($1)`, before).Scan(&n)
	return n, err
}
