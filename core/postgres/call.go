package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
)

type callRepo struct{ u *unit }

// Calls implements call.Store.
func (s *Store) Calls(u core.UnitOfWork) call.Repository { return callRepo{unitOf(u)} }

const callColumns = `c.id, c.pbx_call_id, c.direction, c.caller, c.called, c.agent_extension, c.agent_user_id,
	COALESCE(NULLIF(au.display_name, ''), au.username, ''), c.queue, c.offered_at, c.answered_at, c.ended_at,
	c.duration_seconds, c.outcome, c.recording_url, c.customer_id, COALESCE(cu.name, ''), c.offered_to_agent,
	c.agent_from_answer`

const callFrom = ` FROM calls c LEFT JOIN users au ON au.tenant_id = c.tenant_id AND au.id = c.agent_user_id
	LEFT JOIN customers cu ON cu.tenant_id = c.tenant_id AND cu.id = c.customer_id`

func scanCall(r pgx.Row) (*call.Call, error) {
	c := &call.Call{Links: []call.Link{}}
	err := r.Scan(&c.ID, &c.PBXCallID, &c.Direction, &c.Caller, &c.Called, &c.AgentExtension, &c.AgentUserID, &c.AgentName,
		&c.Queue, &c.OfferedAt, &c.AnsweredAt, &c.EndedAt, &c.DurationSeconds, &c.Outcome, &c.RecordingURL, &c.CustomerID,
		&c.CustomerName, &c.OfferedToAgent, &c.AgentFromAnswer)
	return c, err
}

func (r callRepo) findOne(ctx context.Context, where string, args ...any) (*call.Call, error) {
	var c *call.Call
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		c, err = scanCall(row)
		return err
	}, `SELECT `+callColumns+callFrom+` WHERE `+where, args...)
	return c, translate(err, "call")
}

func (r callRepo) LockCallByPBXID(ctx context.Context, pbxID string) (*call.Call, error) {
	return r.findOne(ctx, `c.pbx_call_id = $1 FOR UPDATE OF c`, pbxID)
}

func (r callRepo) LockCallByID(ctx context.Context, id uuid.UUID) (*call.Call, error) {
	return r.findOne(ctx, `c.id = $1 FOR UPDATE OF c`, id)
}

func (r callRepo) InsertCall(ctx context.Context, c *call.Call) (bool, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return false, err
	}
	tag, err := q.Exec(ctx, `INSERT INTO calls (tenant_id, id, pbx_call_id, direction, caller, called, agent_extension,
		agent_user_id, agent_from_answer, offered_to_agent, queue, offered_at, answered_at, ended_at, duration_seconds, outcome,
		recording_url, customer_id)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (tenant_id, pbx_call_id) DO NOTHING`,
		c.ID, c.PBXCallID, c.Direction, c.Caller, c.Called, c.AgentExtension, c.AgentUserID, c.AgentFromAnswer,
		c.OfferedToAgent, c.Queue, c.OfferedAt, c.AnsweredAt, c.EndedAt, c.DurationSeconds, c.Outcome, c.RecordingURL, c.CustomerID)
	if err != nil {
		return false, translate(err, "call")
	}
	return tag.RowsAffected() == 1, nil
}

func (r callRepo) UpdateCall(ctx context.Context, c *call.Call) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE calls SET direction = $2, caller = $3, called = $4, agent_extension = $5, agent_user_id = $6,
		agent_from_answer = $7, offered_to_agent = $8, queue = $9, offered_at = $10, answered_at = $11, ended_at = $12,
		duration_seconds = $13, outcome = $14, recording_url = $15, customer_id = $16 WHERE id = $1`,
		c.ID, c.Direction, c.Caller, c.Called, c.AgentExtension, c.AgentUserID, c.AgentFromAnswer, c.OfferedToAgent, c.Queue,
		c.OfferedAt, c.AnsweredAt, c.EndedAt, c.DurationSeconds, c.Outcome, c.RecordingURL, c.CustomerID)
	return translate(err, "call")
}

func (r callRepo) InsertLink(ctx context.Context, id uuid.UUID, l call.Link) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO call_links (tenant_id, call_id, kind, ref, created_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4) ON CONFLICT DO NOTHING`, id, l.Kind, l.Ref, l.CreatedAt)
	return translate(err, "call link")
}

func (r callRepo) FindAgentsByExtension(ctx context.Context, extension string) ([]uuid.UUID, error) {
	return pluginRepo{u: r.u}.FindUsersByCTIExtension(ctx, extension)
}

func (r callRepo) FindCustomerByPhone(ctx context.Context, phone string) (*uuid.UUID, error) {
	var id *uuid.UUID
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&id) },
		`SELECT (SELECT c.id FROM customer_phones p JOIN customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
			WHERE p.phone = $1 ORDER BY c.name, c.id LIMIT 1)`, phone)
	return id, translate(err, "customer")
}

func (r callRepo) FindLatestCallOfAgent(ctx context.Context, agent uuid.UUID, endedSince time.Time) (*call.Call, error) {
	return r.findOne(ctx, `c.agent_user_id = $1 AND (c.ended_at IS NULL OR c.ended_at >= $2)
		ORDER BY c.offered_at DESC, c.id DESC LIMIT 1`, agent, endedSince)
}

// callSightSQL is the condition for a call being in within or taken by
// self.
func callSightSQL(within core.CustomerReach, self *uuid.UUID, arg func(any) string) string {
	if within.All {
		return "true"
	}
	or := []string{customerReachSQL("c.customer_id", within, arg)}
	if self != nil {
		or = append(or, "c.agent_user_id = "+arg(*self))
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

func (r callRepo) FindCalls(ctx context.Context, f call.Filter) ([]*call.Call, string, error) {
	at, id, err := decodeCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{callSightSQL(f.Within, f.Self, arg)}
	if at != nil {
		where = append(where, "(c.offered_at, c.id) < ("+arg(*at)+", "+arg(*id)+")")
	}
	if f.Number != "" {
		p := arg("%" + f.Number + "%")
		where = append(where, "(regexp_replace(c.caller, '[^0-9]', '', 'g') LIKE "+p+
			" OR regexp_replace(c.called, '[^0-9]', '', 'g') LIKE "+p+")")
	}
	if f.Agent != nil {
		where = append(where, "c.agent_user_id = "+arg(*f.Agent))
	}
	if f.Customer != nil {
		where = append(where, "c.customer_id = "+arg(*f.Customer))
	}
	if f.WorkOrder != nil {
		where = append(where, "c.id IN (SELECT l.call_id FROM call_links l WHERE l.kind = 'work_order' AND l.ref = "+
			arg(*f.WorkOrder)+")")
	}
	if f.Outcome != "" {
		where = append(where, "c.outcome = "+arg(f.Outcome))
	}
	if f.Direction != "" {
		where = append(where, "c.direction = "+arg(f.Direction))
	}
	if f.From != nil {
		where = append(where, "c.offered_at >= "+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, "c.offered_at < "+arg(*f.To))
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, err := q.Query(ctx, `SELECT `+callColumns+callFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.offered_at DESC, c.id DESC LIMIT `+strconv.Itoa(limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*call.Call, error) { return scanCall(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(c *call.Call) string { return encodeCursor(c.OfferedAt, c.ID) })
	return out, next, r.loadLinks(ctx, q, out)
}

func (r callRepo) loadLinks(ctx context.Context, q querier, calls []*call.Call) error {
	if len(calls) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(calls))
	byID := make(map[uuid.UUID]*call.Call, len(calls))
	for i, c := range calls {
		ids[i], byID[c.ID] = c.ID, c
	}
	rows, err := q.Query(ctx, `SELECT call_id, kind, ref, created_at FROM call_links WHERE call_id = ANY($1)
		ORDER BY created_at, kind, ref`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var l call.Link
		if err := rows.Scan(&id, &l.Kind, &l.Ref, &l.CreatedAt); err != nil {
			return err
		}
		byID[id].Links = append(byID[id].Links, l)
	}
	return rows.Err()
}

func (r callRepo) FindCallByID(ctx context.Context, id uuid.UUID, within core.CustomerReach, self *uuid.UUID) (*call.Call, error) {
	args := []any{id}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	c, err := r.findOne(ctx, `c.id = $1 AND `+callSightSQL(within, self, arg), args...)
	if err != nil {
		return nil, err
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	return c, r.loadLinks(ctx, q, []*call.Call{c})
}
