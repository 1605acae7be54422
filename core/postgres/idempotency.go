package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// ClaimIdempotencyKey implements core.IdempotencyStore. A transaction-level
// advisory lock on the key serialises concurrent requests with the same key:
// the second waits until the first commits, then finds its response.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, u core.UnitOfWork, p *core.Principal, key string) (*core.IdempotentResponse, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	owner := p.Subject()
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2 || '/' || $3, 0))`,
		p.TenantID.String(), owner, key); err != nil {
		return nil, err
	}
	r := &core.IdempotentResponse{}
	if p.Kind == core.PrincipalPlatform {
		err = q.QueryRow(ctx, `SELECT request_hash, status, headers, body FROM platform_idempotency_keys
			WHERE admin_id = $1 AND key = $2`, p.ID, key).Scan(&r.RequestHash, &r.Status, &r.Headers, &r.Body)
	} else {
		err = q.QueryRow(ctx, `SELECT request_hash, status, headers, body FROM idempotency_keys
			WHERE subject = $1 AND key = $2`, owner, key).Scan(&r.RequestHash, &r.Status, &r.Headers, &r.Body)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SaveIdempotentResponse implements core.IdempotencyStore.
func (s *Store) SaveIdempotentResponse(ctx context.Context, u core.UnitOfWork, p *core.Principal, key string, r *core.IdempotentResponse) error {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	if p.Kind == core.PrincipalPlatform {
		_, err = q.Exec(ctx, `INSERT INTO platform_idempotency_keys (admin_id, key, request_hash, status, headers, body)
			VALUES ($1, $2, $3, $4, $5, $6)`, p.ID, key, r.RequestHash, r.Status, r.Headers, r.Body)
	} else {
		_, err = q.Exec(ctx, `INSERT INTO idempotency_keys (tenant_id, subject, key, request_hash, status, headers, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.TenantID(), p.Subject(), key, r.RequestHash, r.Status, r.Headers, r.Body)
	}
	return translate(err, "idempotency key")
}
