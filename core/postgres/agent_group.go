package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/call"
)

type agentGroupRepo struct{ u *unit }

// AgentGroups implements call.GroupStore.
func (s *Store) AgentGroups(u core.UnitOfWork) call.GroupRepository { return agentGroupRepo{unitOf(u)} }

func (r agentGroupRepo) FindAgentGroups(ctx context.Context) ([]*call.AgentGroup, error) {
	return r.find(ctx, nil)
}

func (r agentGroupRepo) FindAgentGroup(ctx context.Context, id uuid.UUID) (*call.AgentGroup, error) {
	gs, err := r.find(ctx, &id)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "agent group not found")
	}
	return gs[0], nil
}

// find reads the groups (one when id is set) and their members with their
// states, in two queries.
func (r agentGroupRepo) find(ctx context.Context, id *uuid.UUID) ([]*call.AgentGroup, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, name, skill, queue, created_at, updated_at FROM agent_groups
		WHERE $1::uuid IS NULL OR id = $1 ORDER BY lower(name), id`, id)
	if err != nil {
		return nil, err
	}
	groups, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*call.AgentGroup, error) {
		g := &call.AgentGroup{Members: []call.GroupMember{}}
		return g, row.Scan(&g.ID, &g.Name, &g.Skill, &g.Queue, &g.CreatedAt, &g.UpdatedAt)
	})
	if err != nil || len(groups) == 0 {
		return groups, err
	}
	byID := map[uuid.UUID]*call.AgentGroup{}
	for _, g := range groups {
		byID[g.ID] = g
	}
	rows, err = q.Query(ctx, `SELECT m.group_id, u.id, COALESCE(NULLIF(u.display_name, ''), u.username), COALESCE(u.cti_extension, ''),
			COALESCE(s.state, 'offline'), COALESCE(s.since, 'epoch'::timestamptz)
		FROM agent_group_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
		LEFT JOIN agent_states s ON s.tenant_id = m.tenant_id AND s.user_id = m.user_id
		WHERE ($1::uuid IS NULL OR m.group_id = $1) AND u.status = 'active'
		ORDER BY lower(COALESCE(NULLIF(u.display_name, ''), u.username)), u.id`, id)
	if err != nil {
		return nil, err
	}
	var gid uuid.UUID
	var m call.GroupMember
	_, err = pgx.ForEachRow(rows, []any{&gid, &m.UserID, &m.Name, &m.Extension, &m.State, &m.Since}, func() error {
		if m.Since.Equal(time.Unix(0, 0)) {
			m.Since = time.Time{}
		}
		if g := byID[gid]; g != nil {
			g.Members = append(g.Members, m)
		}
		return nil
	})
	return groups, err
}

func (r agentGroupRepo) InsertAgentGroup(ctx context.Context, g *call.AgentGroup) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO agent_groups (tenant_id, id, name, skill, queue, created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6)`, g.ID, g.Name, g.Skill, g.Queue, g.CreatedAt, g.UpdatedAt)
	return translate(err, "agent group")
}

func (r agentGroupRepo) UpdateAgentGroup(ctx context.Context, g *call.AgentGroup) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE agent_groups SET name = $2, skill = $3, queue = $4, updated_at = $5 WHERE id = $1`,
		g.ID, g.Name, g.Skill, g.Queue, g.UpdatedAt)
	if err == nil && tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "agent group not found")
	}
	return translate(err, "agent group")
}

func (r agentGroupRepo) DeleteAgentGroup(ctx context.Context, id uuid.UUID) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM agent_groups WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "agent group not found")
	}
	return translate(err, "agent group")
}

func (r agentGroupRepo) SetAgentGroupMembers(ctx context.Context, group uuid.UUID, users []uuid.UUID) error {
	if users == nil {
		users = []uuid.UUID{} // NULL would keep every member
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM agent_group_members WHERE group_id = $1 AND NOT user_id = ANY($2)`, group, users); err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO agent_group_members (tenant_id, group_id, user_id)
		SELECT app_current_tenant(), $1, x FROM unnest($2::uuid[]) x ON CONFLICT DO NOTHING`, group, users)
	return translate(err, "agent group member")
}

func (r agentGroupRepo) FindAgentUsers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT u.id FROM users u WHERE u.id = ANY($1) AND u.status = 'active'
		AND EXISTS (SELECT 1 FROM authz_rules a WHERE a.ptype = 'g' AND a.v0 = 'user:' || u.id AND a.v1 = $2)`,
		ids, core.RoleSubject(core.RoleAgent))
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]bool{}
	var id uuid.UUID
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error { out[id] = true; return nil })
	return out, err
}

func (r agentGroupRepo) ProductLineExists(ctx context.Context, code string) (bool, error) {
	var ok bool
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ok) },
		`SELECT EXISTS (SELECT 1 FROM product_lines WHERE code = $1)`, code)
	return ok, err
}

func (r agentGroupRepo) RequestAgentSync(ctx context.Context) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO agent_syncs (tenant_id, wanted) VALUES (app_current_tenant(), 1)
		ON CONFLICT (tenant_id) DO UPDATE SET wanted = agent_syncs.wanted + 1, changed_at = now(), updated_at = now()`)
	return err
}

func (r agentGroupRepo) LockAgentSync(ctx context.Context) (*call.SyncState, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	// An advisory lock, not the row's: changes bump wanted meanwhile
	// without waiting for the phone system.
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('agent_sync:' || app_current_tenant()::text, 0))`); err != nil {
		return nil, err
	}
	return r.FindAgentSync(ctx)
}

func (r agentGroupRepo) FindAgentSync(ctx context.Context) (*call.SyncState, error) {
	st := &call.SyncState{}
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		var quiet float64
		err := row.Scan(&st.Wanted, &st.Sent, &st.SentHash, &st.Status, &st.Error, &st.SyncedAt, &quiet)
		st.SinceChange = time.Duration(quiet * float64(time.Second))
		return err
	}, `SELECT wanted, sent, sent_hash, status, error, synced_at,
		greatest(extract(epoch FROM clock_timestamp() - changed_at), 0)::float8 FROM agent_syncs`)
	if err == pgx.ErrNoRows {
		return &call.SyncState{}, nil
	}
	return st, err
}

func (r agentGroupRepo) SaveAgentSync(ctx context.Context, s *call.SyncState) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO agent_syncs (tenant_id, sent, sent_hash, status, error, synced_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5)
		ON CONFLICT (tenant_id) DO UPDATE SET sent = EXCLUDED.sent, sent_hash = EXCLUDED.sent_hash, status = EXCLUDED.status,
			error = EXCLUDED.error, synced_at = EXCLUDED.synced_at, updated_at = now()`,
		s.Sent, s.SentHash, s.Status, s.Error, s.SyncedAt)
	return err
}

// StaleAgentSyncs lists, across tenants, at most limit tenants whose agent
// groups wait to be sent (or whose last sync failed) untouched for idle:
// their sync task was lost (jobs' sweep enqueues it again).
func (s *Store) StaleAgentSyncs(ctx context.Context, idle time.Duration, limit int) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id FROM stale_agent_syncs(make_interval(secs => $1), $2)`,
		idle.Seconds(), limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
