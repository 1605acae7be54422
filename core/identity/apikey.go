package identity

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateAPIKey creates a key with its roles and scope and returns it with
// its secret, which is shown this once: only its hash is stored. EINVALID
// for bad fields, unknown roles or scope regions and sites.
func (s *Service) CreateAPIKey(ctx context.Context, u core.UnitOfWork, nk core.NewAPIKey, createdBy uuid.UUID) (*core.APIKey, string, error) {
	now := s.now()
	if err := nk.Validate(now); err != nil {
		return nil, "", err
	}
	repo := s.store.Identity(u)
	secret, hash := core.NewAPIKeyToken(u.TenantID())
	k, err := repo.InsertAPIKey(ctx, &core.APIKey{ID: uuid.New(), Name: nk.Name, Prefix: secret[len(secret)-6:],
		CreatedAt: now, ExpiresAt: nk.ExpiresAt}, hash, createdBy)
	if err != nil {
		return nil, "", err
	}
	subject := core.APIKeySubject(k.ID)
	if err := setRoles(ctx, repo, subject, nk.Roles); err != nil {
		return nil, "", err
	}
	if err := setScope(ctx, repo, subject, nk.Scope); err != nil {
		return nil, "", err
	}
	k.Roles, k.Scope = sortedCopy(nk.Roles), normalizeScope(nk.Scope)
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResAPIKey, ResourceID: k.ID.String(),
		After: k})
	return k, secret, nil
}

// FindAPIKeys lists keys (without secrets) in ID order; returns the next
// cursor.
func (s *Service) FindAPIKeys(ctx context.Context, u core.UnitOfWork, after string, limit int) ([]*core.APIKey, string, error) {
	return s.store.Identity(u).FindAPIKeys(ctx, after, limit)
}

// RevokeAPIKey: ENOTFOUND when absent; revoking twice is a no-op.
func (s *Service) RevokeAPIKey(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.APIKey, error) {
	k, err := s.store.Identity(u).RevokeAPIKey(ctx, id, s.now())
	if err != nil {
		return nil, err
	}
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActRevoke, ResourceType: audit.ResAPIKey, ResourceID: id.String(),
		After: k})
	return k, nil
}
