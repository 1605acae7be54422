package postgres

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aftersales/aftersales/core"
)

const tenantColumns = `id, slug, name, locale, timezone, status, status_reason, created_at, updated_at`

func scanTenant(row pgx.Row) (*core.Tenant, error) {
	t := &core.Tenant{}
	err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.Locale, &t.TimeZone, &t.Status, &t.StatusReason, &t.CreatedAt, &t.UpdatedAt)
	return t, err
}

// CreateTenant implements core.TenantStore. It runs in the platform unit
// u and binds the new tenant for the tenant-owned rows. The tenant, its
// roles, rules, admin and default catalogue go to the server in one round
// trip, set-based, with the unit's pending writes.
func (s *Store) CreateTenant(ctx context.Context, u core.UnitOfWork, t *core.Tenant, admin *core.User, passwordHash string,
	roles map[string][]core.Permission, rules []core.AuthzRule, invite ...core.Invitation) error {
	tx, err := unitOf(u).begin(ctx)
	if err != nil {
		return err
	}
	b := unitOf(u).takePending()
	b.Queue(`INSERT INTO tenants (`+tenantColumns+`) VALUES ($1,$2,$3,$4,$5,$6,'',$7,$8)`,
		t.ID, t.Slug, t.Name, t.Locale, t.TimeZone, t.Status, t.CreatedAt, t.UpdatedAt)
	b.Queue(`SELECT set_config('app.tenant_id', $1, true)`, t.ID.String())
	names := make([]string, 0, len(roles))
	for name := range roles {
		names = append(names, name)
	}
	b.Queue(`INSERT INTO roles (tenant_id, name, builtin) SELECT $1, unnest($2::text[]), true`, t.ID, names)
	ptypes, v0s, v1s, v2s := make([]string, len(rules)), make([]string, len(rules)), make([]string, len(rules)), make([]string, len(rules))
	for i, r := range rules {
		ptypes[i], v0s[i], v1s[i], v2s[i] = r.PType, r.V[0], r.V[1], v2(r)
	}
	b.Queue(`INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])`,
		t.ID, ptypes, v0s, v1s, v2s)
	b.Queue(`INSERT INTO users (tenant_id, id, username, display_name, phone, email, status, password_hash, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, t.ID, admin.ID, admin.Username, admin.DisplayName,
		admin.Phone, admin.Email, admin.Status, passwordHash, admin.CreatedAt, admin.UpdatedAt)
	for _, inv := range invite {
		b.Queue(`UPDATE users SET invite_token_hash = $2, invite_expires_at = $3 WHERE id = $1`, admin.ID, inv.Hash, inv.ExpiresAt)
	}
	// The default catalogue, in the same transaction, bound to the new tenant.
	b.Queue(addServiceTypesSQL, addServiceTypesArgs(t.ID, core.DefaultServiceTypes())...)
	b.Queue(`SELECT set_config('app.tenant_id', '', true)`)
	err = tx.SendBatch(ctx, b).Close()
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.TableName == "tenants" {
		return translate(err, "tenant with slug "+t.Slug)
	}
	return translate(err, "tenant")
}

// ReinviteAdmin implements core.TenantStore.
func (s *Store) ReinviteAdmin(ctx context.Context, u core.UnitOfWork, tenant uuid.UUID, inv core.Invitation) (uuid.UUID, string, error) {
	tx, err := unitOf(u).begin(ctx)
	if err != nil {
		return uuid.Nil, "", err
	}
	b := unitOf(u).takePending()
	b.Queue(`SELECT set_config('app.tenant_id', $1, true)`, tenant.String())
	var id uuid.UUID
	var username string
	b.Queue(`UPDATE users SET invite_token_hash = $2, invite_expires_at = $3
		WHERE tenant_id = $1 AND id = (SELECT id FROM users WHERE tenant_id = $1 AND password_hash = '' AND status = 'active'
			ORDER BY created_at, id LIMIT 1)
		RETURNING id, username`, tenant, inv.Hash, inv.ExpiresAt).QueryRow(func(r pgx.Row) error { return r.Scan(&id, &username) })
	b.Queue(`SELECT set_config('app.tenant_id', '', true)`)
	err = tx.SendBatch(ctx, b).Close()
	return id, username, translate(err, "admin awaiting an invitation")
}

func v2(r core.AuthzRule) string {
	if len(r.V) > 2 {
		return r.V[2]
	}
	return ""
}

// FindTenants implements core.TenantStore.
func (s *Store) FindTenants(ctx context.Context, f core.TenantFilter) ([]*core.Tenant, string, error) {
	limit := clampLimit(f.Limit)
	rows, err := s.pool.Query(ctx, `SELECT `+tenantColumns+` FROM tenants
		WHERE ($1 = '' OR status = $1) AND slug > $2 ORDER BY slug LIMIT $3`, f.Status, f.After, limit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []*core.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Tenant) string { return r.Slug })
	return out, next, nil
}

// FindTenantByID implements core.TenantStore.
func (s *Store) FindTenantByID(ctx context.Context, id uuid.UUID) (*core.Tenant, error) {
	t, err := scanTenant(s.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id))
	return t, translate(err, "tenant")
}

// FindTenantBySlug implements core.TenantStore.
func (s *Store) FindTenantBySlug(ctx context.Context, slug string) (*core.Tenant, error) {
	t, err := scanTenant(s.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE slug = $1`, slug))
	return t, translate(err, "tenant "+slug)
}

// SetTenantStatus implements core.TenantStore.
func (s *Store) SetTenantStatus(ctx context.Context, u core.UnitOfWork, id uuid.UUID, status, reason string) (*core.Tenant, error) {
	var t *core.Tenant
	err := unitOf(u).queryRow(ctx, func(row pgx.Row) (err error) {
		t, err = scanTenant(row)
		return err
	}, `UPDATE tenants SET status = $2, status_reason = $3, updated_at = $4
		WHERE id = $1 RETURNING `+tenantColumns, id, status, reason, s.now())
	return t, translate(err, "tenant")
}
