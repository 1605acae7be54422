package postgres

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

var errBadCredentials = core.Errorf(core.EUNAUTHORIZED, "unknown tenant, username or password")

// Login implements core.SessionService. Failures are counted per tenant and
// username (known or not, so probing unknown names is throttled too) in
// their own transaction, so they count even though the login fails.
func (s *Store) Login(ctx context.Context, slug, username, password string) (string, time.Time, error) {
	t, err := s.FindTenantBySlug(ctx, slug)
	if core.ErrorCode(err) == core.ENOTFOUND {
		core.CheckPasswordOrDummy("", password)
		return "", time.Time{}, errBadCredentials
	} else if err != nil {
		return "", time.Time{}, err
	}
	if t.Status != core.TenantActive {
		return "", time.Time{}, suspended(t.StatusReason)
	}
	now := s.now()
	var token string
	var expires time.Time
	var loginErr error
	err = s.withTenant(ctx, t.ID, func(ctx context.Context, q querier) error {
		var failures int
		var last, locked *time.Time
		err := q.QueryRow(ctx, `SELECT failures, last_failure_at, locked_until FROM login_attempts
			WHERE username = lower($1) FOR UPDATE`, username).Scan(&failures, &last, &locked)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if last != nil {
			if next, isLock := s.policy.NextAttempt(failures, *last); now.Before(next) {
				code := core.ERATELIMIT
				msg := "too many failed logins; wait before trying again"
				if isLock {
					code, msg = core.ELOCKED, "account locked after repeated failed logins; try again later"
				}
				loginErr = &core.Error{Code: code, Message: msg, RetryAfterSeconds: int(math.Ceil(next.Sub(now).Seconds()))}
				return nil
			} else if isLock {
				failures = 0 // the lock has expired: start counting afresh
			}
		}
		var userID uuid.UUID
		var hash, status string
		err = q.QueryRow(ctx, `SELECT id, password_hash, status FROM users WHERE lower(username) = lower($1)`,
			username).Scan(&userID, &hash, &status)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if !core.CheckPasswordOrDummy(hash, password) || status != core.UserActive {
			loginErr = errBadCredentials
			_, err := q.Exec(ctx, `INSERT INTO login_attempts (tenant_id, username, failures, last_failure_at)
				VALUES ($1, lower($2), 1, $4) ON CONFLICT (tenant_id, username) DO UPDATE
				SET failures = $3 + 1, last_failure_at = $4`, t.ID, username, failures, now)
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM login_attempts WHERE username = lower($1)`, username); err != nil {
			return err
		}
		var h []byte
		token, h = core.NewSessionToken(t.ID)
		expires = now.Add(s.policy.SessionTTL).Truncate(time.Second)
		_, err = q.Exec(ctx, `INSERT INTO sessions (tenant_id, id, user_id, token_hash, created_at, expires_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $6, $5)`, t.ID, uuid.New(), userID, h, now, expires)
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	if loginErr != nil {
		return "", time.Time{}, loginErr
	}
	return token, expires, nil
}

func suspended(reason string) error {
	msg := "tenant is suspended"
	if reason != "" {
		msg += ": " + reason
	}
	return core.Errorf(core.ESUSPENDED, "%s", msg)
}

// Logout implements core.SessionService.
func (s *Store) Logout(ctx context.Context, p *core.Principal) error {
	if p.Kind != core.PrincipalUser {
		return core.Errorf(core.EINVALID, "only a login session can log out; revoke API keys instead")
	}
	return s.withTenant(ctx, p.TenantID, func(ctx context.Context, q querier) error {
		_, err := q.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, p.SessionID, s.now())
		return err
	})
}

const authSessionSQL = `SELECT s.id, u.id, u.username, u.display_name, t.slug, t.status, t.status_reason, t.locale, t.timezone, s.last_seen_at
	FROM sessions s
	JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
	JOIN tenants t ON t.id = s.tenant_id
	WHERE s.tenant_id = $1 AND s.token_hash = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND u.status = 'active'`

const authKeySQL = `SELECT k.id, k.name, t.slug, t.status, t.status_reason, t.locale, t.timezone, k.last_used_at
	FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
	WHERE k.tenant_id = $1 AND k.token_hash = $2 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $3)`

// Authenticate implements core.SessionService. The tenant is set and the
// token looked up in one round trip: a pipelined batch runs as one implicit
// transaction, so the local setting holds for the lookup.
func (s *Store) Authenticate(ctx context.Context, t core.Token) (*core.Principal, error) {
	p := &core.Principal{Kind: t.Kind, TenantID: t.TenantID}
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('app.tenant_id', $1, true)`, t.TenantID.String())
	var lastSeen *time.Time
	now := s.now()
	switch t.Kind {
	case core.PrincipalUser:
		b.Queue(authSessionSQL, t.TenantID, t.Hash, now).QueryRow(func(r pgx.Row) error {
			var ls time.Time
			err := r.Scan(&p.SessionID, &p.ID, &p.Name, &p.DisplayName, &p.TenantSlug, &p.TenantStatus, &p.TenantReason, &p.Locale, &p.TimeZone, &ls)
			lastSeen = &ls
			return err
		})
	case core.PrincipalAPIKey:
		b.Queue(authKeySQL, t.TenantID, t.Hash, now).QueryRow(func(r pgx.Row) error {
			return r.Scan(&p.ID, &p.Name, &p.TenantSlug, &p.TenantStatus, &p.TenantReason, &p.Locale, &p.TimeZone, &lastSeen)
		})
	default:
		return nil, core.Errorf(core.EUNAUTHORIZED, "not a tenant token")
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, core.Errorf(core.EUNAUTHORIZED, "unknown, expired or revoked token")
		}
		return nil, err
	}
	p.LastUsedAt = lastSeen
	if lastSeen == nil || now.Sub(*lastSeen) > time.Minute {
		s.touch(ctx, p, now)
	}
	return p, nil
}

// touch records the last use of a session or key, at most once a minute
// per credential, off the request path.
func (s *Store) touch(ctx context.Context, p *core.Principal, now time.Time) {
	ctx = context.WithoutCancel(ctx)
	go func() {
		err := s.InTenant(ctx, p.TenantID, func(ctx context.Context) error {
			q, err := s.q(ctx)
			if err != nil {
				return err
			}
			if p.Kind == core.PrincipalAPIKey {
				_, err = q.Exec(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, p.ID, now)
			} else {
				_, err = q.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1`, p.SessionID, now)
			}
			return err
		})
		if err != nil {
			s.log.Warn("recording last use failed", "err", err)
		}
	}()
}
