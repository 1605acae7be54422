package postgres

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const userColumns = `id, tenant_id, username, display_name, phone, email, status, coalesce(cti_extension, ''), version, created_at, updated_at`

func scanUser(row pgx.Row) (*core.User, error) {
	u := &core.User{}
	err := row.Scan(&u.ID, &u.TenantID, &u.Username, &u.DisplayName, &u.Phone, &u.Email, &u.Status, &u.CTIExtension, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// queryUser reads one user row through the unit.
func (r identityRepo) queryUser(ctx context.Context, sql string, args ...any) (*core.User, error) {
	var u *core.User
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		u, err = scanUser(row)
		return err
	}, sql, args...)
	return u, err
}

func (r identityRepo) InsertUser(ctx context.Context, nu *core.User, passwordHash string) (*core.User, error) {
	u, err := r.queryUser(ctx, `INSERT INTO users (tenant_id, id, username, display_name, phone, email, password_hash, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8) RETURNING `+userColumns,
		r.u.tenantID, nu.ID, nu.Username, nu.DisplayName, nu.Phone, nu.Email, passwordHash, nu.CreatedAt)
	return u, translate(err, "user "+nu.Username)
}

func (r identityRepo) FindUsers(ctx context.Context, f core.UserFilter) ([]*core.User, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
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
	return users, next, loadUserAccess(ctx, q, users...)
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

func (r identityRepo) FindUserByID(ctx context.Context, id uuid.UUID) (*core.User, error) {
	u, err := r.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	if err != nil {
		return nil, translate(err, "user")
	}
	return u, r.loadUserAccess(ctx, u)
}

func (r identityRepo) LockUser(ctx context.Context, id uuid.UUID) (*core.User, error) {
	u, err := r.queryUser(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 FOR UPDATE`, id)
	return u, translate(err, "user")
}

func (r identityRepo) UpdateUser(ctx context.Context, up *core.User, passwordHash string) (*core.User, error) {
	u, err := r.queryUser(ctx, `UPDATE users SET display_name = $2, phone = $3, email = $4, status = $5,
		password_hash = CASE WHEN $6 = '' THEN password_hash ELSE $6 END, version = version + 1, updated_at = $7
		WHERE id = $1 RETURNING `+userColumns, up.ID, up.DisplayName, up.Phone, up.Email, up.Status, passwordHash, up.UpdatedAt)
	if err != nil {
		return nil, translate(err, "user")
	}
	return u, r.loadUserAccess(ctx, u)
}

func (r identityRepo) loadUserAccess(ctx context.Context, users ...*core.User) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	return loadUserAccess(ctx, q, users...)
}

func loadUserAccess(ctx context.Context, q querier, users ...*core.User) error {
	return loadAccessOf(ctx, q, users, func(u *core.User) string { return core.UserSubject(u.ID) },
		func(u *core.User, a *subjectAccess) { u.Roles, u.Scope = a.Roles, a.Scope })
}
