package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const apiKeyColumns = `id, name, prefix, created_at, expires_at, revoked_at, last_used_at`

func scanAPIKey(row pgx.Row) (*core.APIKey, error) {
	k := &core.APIKey{}
	err := row.Scan(&k.ID, &k.Name, &k.Prefix, &k.CreatedAt, &k.ExpiresAt, &k.RevokedAt, &k.LastUsedAt)
	return k, err
}

// CreateAPIKey implements core.APIKeyService.
func (s *Store) CreateAPIKey(ctx context.Context, nk core.NewAPIKey, createdBy uuid.UUID) (*core.APIKey, string, error) {
	if err := nk.Validate(s.now()); err != nil {
		return nil, "", err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	secret, hash := core.NewAPIKeyToken(tenantOf(ctx))
	k, err := scanAPIKey(q.QueryRow(ctx, `INSERT INTO api_keys (tenant_id, id, name, token_hash, prefix, created_by, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING `+apiKeyColumns, tenantOf(ctx), uuid.New(), nk.Name, hash,
		secret[len(secret)-6:], createdBy, s.now(), nk.ExpiresAt))
	if err != nil {
		return nil, "", translate(err, "API key")
	}
	subject := core.APIKeySubject(k.ID)
	if err := s.setRoles(ctx, q, subject, nk.Roles); err != nil {
		return nil, "", err
	}
	if err := s.setScope(ctx, q, subject, nk.Scope); err != nil {
		return nil, "", err
	}
	k.Roles, k.Scope = sortedCopy(nk.Roles), normalizeScope(nk.Scope)
	return k, secret, nil
}

// FindAPIKeys implements core.APIKeyService.
func (s *Store) FindAPIKeys(ctx context.Context, after string, limit int) ([]*core.APIKey, string, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	keys, next, err := pageByID(ctx, q, apiKeyColumns, "api_keys", after, limit, scanAPIKey,
		func(k *core.APIKey) uuid.UUID { return k.ID })
	if err != nil {
		return nil, "", err
	}
	return keys, next, loadKeyAccess(ctx, q, keys...)
}

func loadKeyAccess(ctx context.Context, q querier, keys ...*core.APIKey) error {
	return loadAccessOf(ctx, q, keys, func(k *core.APIKey) string { return core.APIKeySubject(k.ID) },
		func(k *core.APIKey, a *subjectAccess) { k.Roles, k.Scope = a.Roles, a.Scope })
}

// RevokeAPIKey implements core.APIKeyService.
func (s *Store) RevokeAPIKey(ctx context.Context, id uuid.UUID) (*core.APIKey, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	k, err := scanAPIKey(q.QueryRow(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1
		RETURNING `+apiKeyColumns, id, s.now()))
	if err != nil {
		return nil, translate(err, "API key")
	}
	return k, loadKeyAccess(ctx, q, k)
}
