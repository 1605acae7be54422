// Package tenants is the platform admins' side of tenants: it onboards a
// manufacturer (the tenant with its first admin user and the default roles
// and policies, all or nothing), lists and reads tenants, and suspends and
// resumes them. What a tenant configures for itself (settings, SMS,
// webhooks, plugin bindings) is its own admins' business and is not here.
package tenants

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store is what the Service needs: the tenants, and the audit log their
// changes are recorded in.
type Store interface {
	core.TenantStore
	audit.Store
}

// Service onboards and manages tenants. Platform admins only call it.
type Service struct {
	store Store
	clock core.Clock
}

// New returns a Service on store; clock nil is the system clock.
func New(store Store, clock core.Clock) *Service {
	if clock == nil {
		clock = core.SystemClock{}
	}
	return &Service{store: store, clock: clock}
}

// Onboard creates a tenant with its first admin user (role tenant_admin,
// tenant-wide scope), the default roles and policies and the default
// service types, in the platform unit u, so that either all of it exists
// or none of it. EINVALID for bad fields, ECONFLICT when the slug is taken.
// Without a password, see OnboardInvited.
func (s *Service) Onboard(ctx context.Context, u core.UnitOfWork, nt core.NewTenant) (*core.Tenant, *core.User, error) {
	t, admin, _, err := s.OnboardInvited(ctx, u, nt)
	return t, admin, err
}

// OnboardInvited is Onboard, where an admin given without a password has
// none (cannot log in) and is invited instead: the returned invitation's
// token lets them set it, once, within core.InvitationTTL
// (identity.Service.AcceptInvitation). No argon2id hash is computed then,
// which is most of an onboarding's cost. The invitation is nil when the
// admin has a password.
func (s *Service) OnboardInvited(ctx context.Context, u core.UnitOfWork, nt core.NewTenant) (*core.Tenant, *core.User, *core.Invitation, error) {
	if err := nt.Validate(); err != nil {
		return nil, nil, nil, err
	}
	nt.Admin.Roles = []string{core.RoleTenantAdmin}
	invited := nt.Admin.Password == ""
	if invited {
		nt.Admin.Password = "(invited: no password yet)" // validated with the rest, never stored
	}
	if err := nt.Admin.Validate(); err != nil {
		return nil, nil, nil, prefixed(err)
	}
	now := s.clock.Now().Truncate(time.Microsecond) // as stored
	t := &core.Tenant{ID: uuid.New(), Slug: nt.Slug, Name: nt.Name, Locale: nt.Locale, TimeZone: nt.TimeZone,
		Status: core.TenantActive, CreatedAt: now, UpdatedAt: now}
	admin := &core.User{ID: uuid.New(), TenantID: t.ID, Username: nt.Admin.Username, DisplayName: nt.Admin.DisplayName,
		Phone: nt.Admin.Phone, Email: nt.Admin.Email, Status: core.UserActive, Version: 1, CreatedAt: now, UpdatedAt: now,
		Roles: []string{core.RoleTenantAdmin}, Scope: core.Scope{All: true, Regions: []uuid.UUID{}, Sites: []uuid.UUID{}}}
	var inv *core.Invitation
	var invites []core.Invitation
	hash := ""
	if invited {
		i := core.NewInvitation(now)
		inv, invites = &i, []core.Invitation{i}
	} else {
		hash = core.HashPassword(nt.Admin.Password)
	}
	err := s.store.CreateTenant(ctx, u, t, admin, hash, core.DefaultRoles(), core.DefaultTenantRules(admin.ID), invites...)
	if err != nil {
		return nil, nil, nil, err
	}
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResTenant, ResourceID: t.ID.String(),
		TenantID: t.ID, After: struct {
			*core.Tenant
			Admin   *core.User `json:"admin"`
			Invited bool       `json:"invited"`
		}{t, admin, invited}})
	if inv != nil {
		recordIssued(ctx, s.store, u, t.ID, admin.ID, admin.Username, *inv, false)
	}
	return t, admin, inv, nil
}

// Reinvite issues a new invitation to the tenant's invited admin (who has
// not set their password yet), in the platform unit u; the previous one no
// longer works. ENOTFOUND for an unknown tenant or when its admin has set
// their password (this is no password reset).
func (s *Service) Reinvite(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.Tenant, *core.Invitation, error) {
	t, err := s.store.FindTenantByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	inv := core.NewInvitation(s.clock.Now())
	user, username, err := s.store.ReinviteAdmin(ctx, u, id, inv)
	if err != nil {
		return nil, nil, err
	}
	recordIssued(ctx, s.store, u, id, user, username, inv, true)
	return t, &inv, nil
}

// recordIssued records an invitation issued to a tenant's user (replacing
// the previous one, if replaces) in the tenant's audit log: who it is for
// and until when, never its token (only its hash is stored, and not in
// the log).
func recordIssued(ctx context.Context, s audit.Store, u core.UnitOfWork, tenant, user uuid.UUID, username string, inv core.Invitation, replaces bool) {
	audit.Record(ctx, s, u, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResInvitation, ResourceID: user.String(),
		TenantID: tenant, After: map[string]any{"user_id": user, "username": username, "expires_at": inv.ExpiresAt,
			"replaces_previous": replaces}})
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
// reason) without touching its data, in the platform unit u.
func (s *Service) Suspend(ctx context.Context, u core.UnitOfWork, id uuid.UUID, reason string) (*core.Tenant, error) {
	if len(reason) > 500 {
		return nil, core.FieldError("reason", "must be at most 500 characters")
	}
	return s.setStatus(ctx, u, id, core.TenantSuspended, reason, audit.ActSuspend)
}

// Resume restores access for a suspended tenant, in the platform unit u.
func (s *Service) Resume(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.Tenant, error) {
	return s.setStatus(ctx, u, id, core.TenantActive, "", audit.ActResume)
}

func (s *Service) setStatus(ctx context.Context, u core.UnitOfWork, id uuid.UUID, status, reason, action string) (*core.Tenant, error) {
	before, err := s.store.FindTenantByID(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := s.store.SetTenantStatus(ctx, u, id, status, reason)
	if err != nil {
		return nil, err
	}
	audit.Record(ctx, s.store, u, audit.Change{Action: action, ResourceType: audit.ResTenant, ResourceID: id.String(), TenantID: id,
		Before: before, After: t})
	return t, nil
}

// List lists tenants.
func (s *Service) List(ctx context.Context, f core.TenantFilter) ([]*core.Tenant, string, error) {
	return s.store.FindTenants(ctx, f)
}

// Get returns one tenant.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*core.Tenant, error) {
	return s.store.FindTenantByID(ctx, id)
}
