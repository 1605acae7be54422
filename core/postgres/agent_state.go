package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core/call"
)

func (r callRepo) SetAgentState(ctx context.Context, agent uuid.UUID, state string, since time.Time) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO agent_states (tenant_id, user_id, state, since) VALUES (app_current_tenant(), $1, $2, $3)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since`, agent, state, since)
	return translate(err, "agent")
}

func (r callRepo) FindAgentState(ctx context.Context, agent uuid.UUID) (*call.AgentState, error) {
	st := &call.AgentState{UserID: agent, State: call.StateOffline}
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&st.State, &st.Since) },
		`SELECT state, since FROM agent_states WHERE user_id = $1`, agent)
	if err == pgx.ErrNoRows {
		return st, nil
	}
	return st, translate(err, "agent")
}

func (r callRepo) FindAgentStates(ctx context.Context) ([]call.AgentState, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT u.id, COALESCE(NULLIF(u.display_name, ''), u.username), u.cti_extension,
			COALESCE(s.state, 'offline'), COALESCE(s.since, 'epoch'::timestamptz)
		FROM users u LEFT JOIN agent_states s ON s.tenant_id = u.tenant_id AND s.user_id = u.id
		WHERE u.cti_extension IS NOT NULL AND u.status = 'active' ORDER BY u.cti_extension, u.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (call.AgentState, error) {
		var a call.AgentState
		err := row.Scan(&a.UserID, &a.Name, &a.Extension, &a.State, &a.Since)
		if a.Since.Equal(time.Unix(0, 0)) {
			a.Since = time.Time{}
		}
		return a, err
	})
}

func (r callRepo) FindWaitingCalls(ctx context.Context) ([]call.QueueWaiting, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT queue, count(*), min(offered_at) FROM calls
		WHERE outcome = 'ringing' AND NOT offered_to_agent AND queue <> '' GROUP BY queue ORDER BY queue`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (call.QueueWaiting, error) {
		var w call.QueueWaiting
		return w, row.Scan(&w.Queue, &w.Waiting, &w.Oldest)
	})
}
