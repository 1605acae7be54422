package postgres

import (
	"context"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const userColumns = `id, tenant_id, username, display_name, phone, email, status, version, created_at, updated_at`

func scanUser(row pgx.Row) (*core.User, error) {
	u := &core.User{}
	err := row.Scan(&u.ID, &u.TenantID, &u.Username, &u.DisplayName, &u.Phone, &u.Email, &u.Status, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// CreateUser implements core.UserService.
func (s *Store) CreateUser(ctx context.Context, nu core.NewUser) (*core.User, error) {
	if err := nu.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u, err := scanUser(q.QueryRow(ctx, `INSERT INTO users (tenant_id, id, username, display_name, phone, email, password_hash, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8) RETURNING `+userColumns,
		tenantOf(ctx), uuid.New(), nu.Username, nu.DisplayName, nu.Phone, nu.Email, core.HashPassword(nu.Password), now))
	if err != nil {
		return nil, translate(err, "user "+nu.Username)
	}
	subject := core.UserSubject(u.ID)
	if err := s.setRoles(ctx, q, subject, nu.Roles); err != nil {
		return nil, err
	}
	if err := s.setScope(ctx, q, subject, nu.Scope); err != nil {
		return nil, err
	}
	u.Roles, u.Scope = sortedCopy(nu.Roles), normalizeScope(nu.Scope)
	return u, nil
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// FindUsers implements core.UserService.
func (s *Store) FindUsers(ctx context.Context, f core.UserFilter) ([]*core.User, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	if len(f.Query) > 100 {
		return nil, "", core.FieldError("q", "must be at most 100 characters")
	}
	// A scoped caller sees the users whose scope grants all lie inside
	// their own visible regions and sites.
	rows, err := q.Query(ctx, `WITH RECURSIVE vis_regions AS (
			SELECT id FROM regions WHERE NOT $6 AND id = ANY($7)
			UNION SELECT r.id FROM regions r JOIN vis_regions v ON r.parent_id = v.id),
		visible AS (
			SELECT 'region:' || id AS obj FROM vis_regions
			UNION SELECT 'site:' || id FROM sites WHERE NOT $6 AND (id = ANY($8) OR region_id IN (SELECT id FROM vis_regions)))
		SELECT `+userColumns+` FROM users u
		WHERE lower(username) > lower($1)
		  AND ($2 = '' OR status = $2)
		  AND ($3 = '' OR EXISTS (SELECT 1 FROM authz_rules r WHERE r.tenant_id = u.tenant_id AND r.ptype = 'g'
		                          AND r.v0 = 'user:' || u.id AND r.v1 = 'role:' || $3))
		  AND ($4 = '' OR username ILIKE '%' || $4 || '%' OR display_name ILIKE '%' || $4 || '%')
		  AND ($6 OR (EXISTS (SELECT 1 FROM authz_rules r WHERE r.ptype = 'g2' AND r.v0 = 'user:' || u.id)
		       AND NOT EXISTS (SELECT 1 FROM authz_rules r WHERE r.ptype = 'g2' AND r.v0 = 'user:' || u.id
		                       AND r.v1 NOT IN (SELECT obj FROM visible))))
		ORDER BY lower(username) LIMIT $5`, f.After, f.Status, f.Role, escapeLike(f.Query), limit+1,
		f.Within.All, nonNilIDs(f.Within.Regions), nonNilIDs(f.Within.Sites))
	if err != nil {
		return nil, "", err
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.User, error) { return scanUser(r) })
	if err != nil {
		return nil, "", err
	}
	users, next := nextPage(users, limit, func(r *core.User) string { return strings.ToLower(r.Username) })
	return users, next, s.loadAccess(ctx, q, users...)
}

func nonNilIDs(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindUserByID implements core.UserService.
func (s *Store) FindUserByID(ctx context.Context, id uuid.UUID) (*core.User, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, translate(err, "user")
	}
	return u, s.loadAccess(ctx, q, u)
}

func (s *Store) loadAccess(ctx context.Context, q querier, users ...*core.User) error {
	return loadAccessOf(ctx, q, users, func(u *core.User) string { return core.UserSubject(u.ID) },
		func(u *core.User, a *subjectAccess) { u.Roles, u.Scope = a.Roles, a.Scope })
}

// UpdateUser implements core.UserService.
func (s *Store) UpdateUser(ctx context.Context, id uuid.UUID, up core.UserUpdate) (*core.User, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return nil, translate(err, "user")
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, staleVersion("user", cur.Version, up.Version)
	}
	set := func(p *string, v string) string {
		if p != nil {
			return *p
		}
		return v
	}
	hash := ""
	if up.Password != nil {
		hash = core.HashPassword(*up.Password)
	}
	u, err := scanUser(q.QueryRow(ctx, `UPDATE users SET display_name = $2, phone = $3, email = $4, status = $5,
		password_hash = CASE WHEN $6 = '' THEN password_hash ELSE $6 END, version = version + 1, updated_at = $7
		WHERE id = $1 RETURNING `+userColumns, id, set(up.DisplayName, cur.DisplayName), set(up.Phone, cur.Phone),
		set(up.Email, cur.Email), set(up.Status, cur.Status), hash, s.now()))
	if err != nil {
		return nil, translate(err, "user")
	}
	subject := core.UserSubject(id)
	if up.Roles != nil {
		if err := s.setRoles(ctx, q, subject, *up.Roles); err != nil {
			return nil, err
		}
	}
	if up.Scope != nil {
		if err := s.setScope(ctx, q, subject, *up.Scope); err != nil {
			return nil, err
		}
	}
	if up.Password != nil || u.Status == core.UserDisabled {
		if _, err := q.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, id, s.now()); err != nil {
			return nil, err
		}
	}
	return u, s.loadAccess(ctx, q, u)
}
