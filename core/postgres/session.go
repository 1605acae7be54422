package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/identity"
)

func (r identityRepo) LockLoginCounters(ctx context.Context, username, client string) (identity.LoginCounters, error) {
	var c identity.LoginCounters
	b := &pgx.Batch{}
	b.Queue(`SELECT username, client, failures, last_failure_at, succeeded_at IS NOT NULL FROM login_attempts
		WHERE (username, client) IN ((lower($1), $2), ('', $2), (lower($1), '')) FOR UPDATE`, username, client).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var user, from string
			var a identity.LoginAttempts
			var succeeded bool
			if err := rows.Scan(&user, &from, &a.Failures, &a.LastFailureAt, &succeeded); err != nil {
				return err
			}
			switch {
			case user != "" && from != "":
				c.Pair, c.Familiar = a, succeeded
			case user == "":
				c.Client = a
			default:
				c.Account = a
			}
		}
		return rows.Err()
	})
	return c, r.u.read(ctx, b)
}

func (r identityRepo) FindCredentials(ctx context.Context, username string) (identity.Credentials, error) {
	var c identity.Credentials
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&c.UserID, &c.PasswordHash, &c.Status)
	}, `SELECT id, password_hash, status FROM users WHERE lower(username) = lower($1)`, username)
	return c, translate(err, "user")
}

func (r identityRepo) SaveLoginCounter(k identity.LoginKey, a identity.LoginAttempts) {
	r.u.write(`INSERT INTO login_attempts (tenant_id, username, client, failures, last_failure_at)
		VALUES ($1, lower($2), $3, $4, $5) ON CONFLICT (tenant_id, username, client) DO UPDATE
		SET failures = $4, last_failure_at = $5`, r.u.tenantID, k.Username, k.Client, a.Failures, a.LastFailureAt)
}

func (r identityRepo) RememberLoginSuccess(username, client string, at time.Time) {
	r.u.write(`INSERT INTO login_attempts (tenant_id, username, client, failures, succeeded_at)
		VALUES ($1, lower($2), $3, 0, $4) ON CONFLICT (tenant_id, username, client) DO UPDATE
		SET failures = 0, last_failure_at = NULL, succeeded_at = $4`, r.u.tenantID, username, client, at)
	r.u.write(`DELETE FROM login_attempts WHERE username = '' AND client = $1`, client)
}

func (r identityRepo) FindInvitation(ctx context.Context, hash []byte) (identity.Invitation, error) {
	var inv identity.Invitation
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&inv.UserID, &inv.Username, &inv.Hash, &inv.ExpiresAt)
	}, `SELECT id, username, invite_token_hash, invite_expires_at FROM users
		WHERE invite_token_hash = $1 AND status = 'active' FOR UPDATE`, hash)
	return inv, translate(err, "invitation")
}

func (r identityRepo) ConsumeInvitation(user uuid.UUID, passwordHash string, at time.Time) {
	r.u.write(`UPDATE users SET password_hash = $2, invite_token_hash = NULL, invite_expires_at = NULL,
		version = version + 1, updated_at = $3 WHERE id = $1`, user, passwordHash, at)
}

func (r identityRepo) InsertSession(s identity.Session) {
	r.u.write(`INSERT INTO sessions (tenant_id, id, user_id, token_hash, created_at, expires_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $5, $6, $5)`, r.u.tenantID, s.ID, s.UserID, s.TokenHash, s.CreatedAt, s.ExpiresAt)
}

func (r identityRepo) RevokeSession(id uuid.UUID, at time.Time) {
	r.u.write(`UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, at)
}

func (r identityRepo) RevokeUserSessions(user uuid.UUID, at time.Time) {
	r.u.write(`UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, user, at)
}

func (r identityRepo) TouchSession(id uuid.UUID, at time.Time) {
	r.u.write(`UPDATE sessions SET last_seen_at = $2 WHERE id = $1`, id, at)
}

func (r identityRepo) TouchAPIKey(id uuid.UUID, at time.Time) {
	r.u.write(`UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, id, at)
}

const authSessionSQL = `SELECT s.id, u.id, u.username, u.display_name, coalesce(u.cti_extension, ''), t.slug, t.status, t.status_reason, t.locale, t.timezone, s.last_seen_at, tc.id, tc.site_id
	FROM sessions s
	JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
	JOIN tenants t ON t.id = s.tenant_id
	LEFT JOIN technicians tc ON tc.tenant_id = s.tenant_id AND tc.user_id = u.id
	WHERE s.tenant_id = $1 AND s.token_hash = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND u.status = 'active'`

const authKeySQL = `SELECT k.id, k.name, t.slug, t.status, t.status_reason, t.locale, t.timezone, k.last_used_at
	FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
	WHERE k.tenant_id = $1 AND k.token_hash = $2 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $3)`

// FindPrincipal implements identity.Store. The tenant is set and the
// token looked up in one round trip (the role too): a pipelined batch runs as one
// implicit transaction, so the local setting holds for the lookup. A
// session's lookup also reads the user's technician record (the unique
// (tenant_id, user_id) index), which a request's viewer needs.
func (s *Store) FindPrincipal(ctx context.Context, t core.Token, now time.Time) (*core.Principal, error) {
	p := &core.Principal{Kind: t.Kind, TenantID: t.TenantID}
	b := &pgx.Batch{}
	b.Queue(asAppRole+`, set_config('app.tenant_id', $1, true)`, t.TenantID.String())
	switch t.Kind {
	case core.PrincipalUser:
		b.Queue(authSessionSQL, t.TenantID, t.Hash, now).QueryRow(func(r pgx.Row) error {
			var ls time.Time
			var tech, site *uuid.UUID
			err := r.Scan(&p.SessionID, &p.ID, &p.Name, &p.DisplayName, &p.CTIExtension, &p.TenantSlug, &p.TenantStatus, &p.TenantReason, &p.Locale, &p.TimeZone, &ls, &tech, &site)
			p.LastUsedAt = &ls
			if tech != nil && site != nil {
				p.Technician = &core.FieldTechnician{ID: *tech, SiteID: *site}
			}
			p.TechnicianRead = err == nil
			return err
		})
	case core.PrincipalAPIKey:
		b.Queue(authKeySQL, t.TenantID, t.Hash, now).QueryRow(func(r pgx.Row) error {
			return r.Scan(&p.ID, &p.Name, &p.TenantSlug, &p.TenantStatus, &p.TenantReason, &p.Locale, &p.TimeZone, &p.LastUsedAt)
		})
	default:
		return nil, core.Errorf(core.EINVALID, "not a tenant token")
	}
	if err := s.pool.Pool.SendBatch(ctx, b).Close(); err != nil { // the role is set above
		return nil, translate(err, "credential")
	}
	return p, nil
}
