package identity

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateUser creates a user with their roles and scope. EINVALID for bad
// fields, unknown roles or scope regions and sites; ECONFLICT when the
// username is taken.
func (s *Service) CreateUser(ctx context.Context, u core.UnitOfWork, nu core.NewUser) (*core.User, error) {
	if err := nu.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Identity(u)
	now := s.now()
	user, err := repo.InsertUser(ctx, &core.User{ID: uuid.New(), TenantID: u.TenantID(), Username: nu.Username,
		DisplayName: nu.DisplayName, Phone: nu.Phone, Email: nu.Email, Status: core.UserActive, Version: 1,
		CreatedAt: now, UpdatedAt: now}, core.HashPassword(nu.Password))
	if core.ErrorCode(err) == core.ECONFLICT { // the form can say it next to the username
		return nil, &core.Error{Code: core.ECONFLICT, Message: "username " + nu.Username + " is taken",
			Fields: map[string]string{"username": "is taken by another user of the tenant"}}
	}
	if err != nil {
		return nil, err
	}
	subject := core.UserSubject(user.ID)
	if err := setRoles(ctx, repo, subject, nu.Roles); err != nil {
		return nil, err
	}
	if err := setScope(ctx, repo, subject, nu.Scope); err != nil {
		return nil, err
	}
	user.Roles, user.Scope = sortedCopy(nu.Roles), normalizeScope(nu.Scope)
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResUser, ResourceID: user.ID.String(),
		After: user})
	return user, nil
}

// FindUsers lists users ordered by username; returns the next cursor.
// With f.Within not All, only the users whose every scope grant lies
// inside it.
func (s *Service) FindUsers(ctx context.Context, u core.UnitOfWork, f core.UserFilter) ([]*core.User, string, error) {
	if len(f.Query) > 100 {
		return nil, "", core.FieldError("q", "must be at most 100 characters")
	}
	return s.store.Identity(u).FindUsers(ctx, f)
}

// FindUserByID: ENOTFOUND when absent from the tenant.
func (s *Service) FindUserByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.User, error) {
	return s.store.Identity(u).FindUserByID(ctx, id)
}

// UpdateUser changes a user: ENOTFOUND, EINVALID, ECONFLICT on a stale
// version. A new password or status "disabled" revokes the user's
// sessions.
func (s *Service) UpdateUser(ctx context.Context, u core.UnitOfWork, id uuid.UUID, up core.UserUpdate) (*core.User, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Identity(u)
	cur, err := repo.LockUser(ctx, id)
	if err != nil {
		return nil, err
	}
	before, err := repo.FindUserByID(ctx, id) // with roles and scope, for the audit log
	if err != nil {
		return nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, core.Errorf(core.ECONFLICT, "user was changed by someone else (version %d, you sent %d); reload and retry",
			cur.Version, up.Version)
	}
	set := func(p *string, v *string) {
		if p != nil {
			*v = *p
		}
	}
	set(up.DisplayName, &cur.DisplayName)
	set(up.Phone, &cur.Phone)
	set(up.Email, &cur.Email)
	set(up.Status, &cur.Status)
	now := s.now()
	cur.UpdatedAt = now
	hash := ""
	if up.Password != nil {
		hash = core.HashPassword(*up.Password)
	}
	subject := core.UserSubject(id)
	if up.Roles != nil {
		if err := setRoles(ctx, repo, subject, *up.Roles); err != nil {
			return nil, err
		}
	}
	if up.Scope != nil {
		if err := setScope(ctx, repo, subject, *up.Scope); err != nil {
			return nil, err
		}
	}
	if up.Password != nil || cur.Status == core.UserDisabled {
		repo.RevokeUserSessions(id, now)
	}
	after, err := repo.UpdateUser(ctx, cur, hash)
	if err != nil {
		return nil, err
	}
	var logged any = after
	if up.Password != nil { // says that it changed; redacted like every password
		logged = struct {
			*core.User
			Password string `json:"password"`
		}{after, "changed"}
	}
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResUser, ResourceID: id.String(),
		Before: before, After: logged})
	return after, nil
}
