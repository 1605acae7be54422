// Package tenants is the platform admins' side of tenants: it onboards a
// manufacturer (the tenant with its first admin user and the default roles
// and policies, all or nothing), lists and reads tenants, and suspends and
// resumes them. What a tenant configures for itself (settings, SMS,
// webhooks, plugin bindings) is its own admins' business and is not here.
package tenants

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Service onboards and manages tenants. Platform admins only call it.
type Service struct {
	store core.TenantStore
}

// New returns a Service on store.
func New(store core.TenantStore) *Service { return &Service{store: store} }

// Onboard creates a tenant with its first admin user (role tenant_admin,
// tenant-wide scope) and the default roles and policies, in the platform
// transaction of ctx, so that either all of it exists or none of it.
// EINVALID for bad fields, ECONFLICT when the slug is taken.
func (s *Service) Onboard(ctx context.Context, nt core.NewTenant) (*core.Tenant, *core.User, error) {
	if err := nt.Validate(); err != nil {
		return nil, nil, err
	}
	nt.Admin.Roles = []string{core.RoleTenantAdmin}
	if err := nt.Admin.Validate(); err != nil {
		return nil, nil, prefixed(err)
	}
	t := &core.Tenant{ID: uuid.New(), Slug: nt.Slug, Name: nt.Name, Locale: nt.Locale, TimeZone: nt.TimeZone}
	admin := &core.User{ID: uuid.New(), Username: nt.Admin.Username, DisplayName: nt.Admin.DisplayName,
		Phone: nt.Admin.Phone, Email: nt.Admin.Email, Status: core.UserActive,
		Roles: []string{core.RoleTenantAdmin}, Scope: core.Scope{All: true, Regions: []uuid.UUID{}, Sites: []uuid.UUID{}}}
	err := s.store.CreateTenant(ctx, t, admin, core.HashPassword(nt.Admin.Password), core.DefaultRoles(),
		core.DefaultTenantRules(admin.ID))
	if err != nil {
		return nil, nil, err
	}
	return t, admin, nil
}

// prefixed moves the admin's field errors under "admin.".
func prefixed(err error) error {
	e, ok := err.(*core.Error)
	if !ok || e.Fields == nil {
		return err
	}
	out := &core.Error{Code: e.Code, Fields: map[string]string{}}
	for f, m := range e.Fields {
		out.Fields["admin."+f] = m
		out.Message = "admin." + f + ": " + m
	}
	return out
}

// Suspend stops all access for the tenant's users and keys (403 with the
// reason) without touching its data.
func (s *Service) Suspend(ctx context.Context, id uuid.UUID, reason string) (*core.Tenant, error) {
	if len(reason) > 500 {
		return nil, core.FieldError("reason", "must be at most 500 characters")
	}
	return s.store.SetTenantStatus(ctx, id, core.TenantSuspended, reason)
}

// Resume restores access for a suspended tenant.
func (s *Service) Resume(ctx context.Context, id uuid.UUID) (*core.Tenant, error) {
	return s.store.SetTenantStatus(ctx, id, core.TenantActive, "")
}

// List lists tenants.
func (s *Service) List(ctx context.Context, f core.TenantFilter) ([]*core.Tenant, string, error) {
	return s.store.FindTenants(ctx, f)
}

// Get returns one tenant.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*core.Tenant, error) {
	return s.store.FindTenantByID(ctx, id)
}
