package postgres

import (
	"context"
	"time"

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

// queryAPIKey reads one key row through the unit.
func (r identityRepo) queryAPIKey(ctx context.Context, sql string, args ...any) (*core.APIKey, error) {
	var k *core.APIKey
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		k, err = scanAPIKey(row)
		return err
	}, sql, args...)
	return k, translate(err, "API key")
}

func (r identityRepo) InsertAPIKey(ctx context.Context, nk *core.APIKey, tokenHash []byte, createdBy uuid.UUID) (*core.APIKey, error) {
	return r.queryAPIKey(ctx, `INSERT INTO api_keys (tenant_id, id, name, token_hash, prefix, created_by, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING `+apiKeyColumns, r.u.tenantID, nk.ID, nk.Name, tokenHash,
		nk.Prefix, createdBy, nk.CreatedAt, nk.ExpiresAt)
}

func (r identityRepo) FindAPIKeys(ctx context.Context, after string, limit int) ([]*core.APIKey, string, error) {
	q, err := r.u.conn(ctx)
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

func (r identityRepo) RevokeAPIKey(ctx context.Context, id uuid.UUID, at time.Time) (*core.APIKey, error) {
	k, err := r.queryAPIKey(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1
		RETURNING `+apiKeyColumns, id, at)
	if err != nil {
		return nil, err
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	return k, loadKeyAccess(ctx, q, k)
}
