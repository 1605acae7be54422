package postgres

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// CreatePlatformAdmin implements core.PlatformService.
func (s *Store) CreatePlatformAdmin(ctx context.Context, name string) (string, error) {
	if err := validName(name); err != nil {
		return "", err
	}
	tok, hash := core.NewPlatformToken()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	id := uuid.New()
	// An existing admin of that name gets a new token.
	err = tx.QueryRow(ctx, `INSERT INTO platform_admins (id, name) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, id, name).Scan(&id)
	if err != nil {
		return "", translate(err, "platform admin")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO platform_tokens (id, admin_id, token_hash) VALUES ($1, $2, $3)`,
		uuid.New(), id, hash); err != nil {
		return "", err
	}
	return tok, tx.Commit(ctx)
}

func validName(name string) error {
	if len(name) < 1 || len(name) > 64 {
		return core.FieldError("name", "must be 1-64 characters")
	}
	for _, r := range name {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return core.FieldError("name", "may contain letters, digits, '.', '_' and '-' only")
		}
	}
	return nil
}

// EnsurePlatformAdmin implements core.PlatformService. The table lock makes
// concurrent first starts of several replicas create exactly one admin.
func (s *Store) EnsurePlatformAdmin(ctx context.Context, name string) (string, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE platform_admins IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return "", err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM platform_admins`).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		return "", nil
	}
	tok, hash := core.NewPlatformToken()
	id := uuid.New()
	if _, err := tx.Exec(ctx, `INSERT INTO platform_admins (id, name) VALUES ($1, $2)`, id, name); err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO platform_tokens (id, admin_id, token_hash) VALUES ($1, $2, $3)`,
		uuid.New(), id, hash); err != nil {
		return "", err
	}
	return tok, tx.Commit(ctx)
}

// AuthenticatePlatform implements core.PlatformService.
func (s *Store) AuthenticatePlatform(ctx context.Context, t core.Token) (*core.Principal, error) {
	p := &core.Principal{Kind: core.PrincipalPlatform}
	err := s.pool.QueryRow(ctx, `SELECT a.id, a.name FROM platform_tokens t JOIN platform_admins a ON a.id = t.admin_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, t.Hash).Scan(&p.ID, &p.Name)
	if err != nil {
		if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
			return nil, core.Errorf(core.EUNAUTHORIZED, "unknown or revoked platform token")
		}
		return nil, err
	}
	return p, nil
}
