package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// ScopeBody is a scope in requests.
type ScopeBody struct {
	All     bool        `json:"all,omitempty" doc:"The whole tenant."`
	Regions []uuid.UUID `json:"regions,omitempty" maxItems:"500" doc:"Regions; each covers its subtree."`
	Sites   []uuid.UUID `json:"sites,omitempty" maxItems:"500"`
}

func (b *ScopeBody) scope() core.Scope {
	if b == nil {
		return core.Scope{}
	}
	return core.Scope{All: b.All, Regions: b.Regions, Sites: b.Sites}
}

type CreateUserInput struct {
	Body struct {
		Username    string     `json:"username" minLength:"2" maxLength:"64" pattern:"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$" doc:"Letters, digits, '.', '_', '@' or '-', starting with a letter or digit." example:"zhang.wei"`
		Password    string     `json:"password" minLength:"10" maxLength:"128"`
		DisplayName string     `json:"display_name,omitempty" maxLength:"100" example:"张伟"`
		Phone       string     `json:"phone,omitempty" maxLength:"21" example:"+8613800138000"`
		Email       string     `json:"email,omitempty" maxLength:"254"`
		Roles       []string   `json:"roles" maxItems:"20" example:"[\"agent\"]"`
		Scope       *ScopeBody `json:"scope,omitempty" doc:"Where the user may act; omitted: nowhere scoped."`
	}
}

type UserOutput struct{ Body *core.User }

type ListUsersInput struct {
	ListParams
	Status string `query:"status" enum:"active,disabled,"`
	Role   string `query:"role" maxLength:"40"`
	Q      string `query:"q" maxLength:"100" doc:"Part of the username or display name."`
}

type ListUsersOutput struct {
	Body struct {
		Items []*core.User `json:"items"`
		Page
	}
}

type UserIDInput struct {
	ID uuid.UUID `path:"id"`
}

type UpdateUserInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version     int        `json:"version" minimum:"1" doc:"The version you read; a stale one gets 409."`
		DisplayName *string    `json:"display_name,omitempty" maxLength:"100"`
		Phone       *string    `json:"phone,omitempty" maxLength:"21"`
		Email       *string    `json:"email,omitempty" maxLength:"254"`
		Status      *string    `json:"status,omitempty" enum:"active,disabled"`
		Password    *string    `json:"password,omitempty" minLength:"10" maxLength:"128"`
		Roles       *[]string  `json:"roles,omitempty" maxItems:"20"`
		Scope       *ScopeBody `json:"scope,omitempty"`
	}
}

func (s *Server) registerUserRoutes() {
	tags := []string{"Users"}
	register(s.api, huma.Operation{OperationID: "create-user", Method: http.MethodPost, Path: "/v1/users",
		Summary: "Create a user", Tags: tags, DefaultStatus: http.StatusCreated},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResUsers, Action: core.ActCreate}, Idempotent: true, ChangesAccess: true},
		func(ctx context.Context, in *CreateUserInput) (*UserOutput, error) {
			b := in.Body
			if err := s.checkDelegation(ctx, core.Permission{Resource: core.ResUsers, Action: core.ActCreate}, b.Roles, b.Scope.scope()); err != nil {
				return nil, err
			}
			u, err := s.deps.Identity.CreateUser(ctx, unitOfWork(ctx), core.NewUser{Username: b.Username, Password: b.Password,
				DisplayName: b.DisplayName, Phone: b.Phone, Email: b.Email, Roles: b.Roles, Scope: b.Scope.scope()})
			return &UserOutput{Body: u}, err
		})
	register(s.api, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/v1/users",
		Summary: "List users", Tags: tags},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResUsers, Action: core.ActRead}},
		func(ctx context.Context, in *ListUsersInput) (*ListUsersOutput, error) {
			sc, err := s.callerScope(ctx)
			if err != nil {
				return nil, err
			}
			items, next, err := s.deps.Identity.FindUsers(ctx, unitOfWork(ctx), core.UserFilter{Status: in.Status, Role: in.Role, Query: in.Q,
				After: in.Cursor, Limit: in.Limit, Within: sc})
			if err != nil {
				return nil, err
			}
			out := &ListUsersOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(s.api, huma.Operation{OperationID: "get-user", Method: http.MethodGet, Path: "/v1/users/{id}",
		Summary: "Get a user", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResUsers, Action: core.ActRead}},
		func(ctx context.Context, in *UserIDInput) (*UserOutput, error) {
			u, err := s.findUserInScope(ctx, in.ID, core.Permission{Resource: core.ResUsers, Action: core.ActRead})
			return &UserOutput{Body: u}, err
		})
	register(s.api, huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: "/v1/users/{id}",
		Summary: "Update a user", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Changes profile, status, password, roles or scope. A new password or status disabled revokes the user's sessions."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResUsers, Action: core.ActUpdate}, ChangesAccess: true},
		func(ctx context.Context, in *UpdateUserInput) (*UserOutput, error) {
			b := in.Body
			up := core.UserUpdate{Version: b.Version, DisplayName: b.DisplayName, Phone: b.Phone, Email: b.Email,
				Status: b.Status, Password: b.Password, Roles: b.Roles}
			var roles []string
			if b.Roles != nil {
				roles = *b.Roles
			}
			var sc core.Scope
			if b.Scope != nil {
				sc = b.Scope.scope()
				up.Scope = &sc
			}
			if err := s.checkDelegation(ctx, core.Permission{Resource: core.ResUsers, Action: core.ActUpdate}, roles, sc); err != nil {
				return nil, err
			}
			if _, err := s.findUserInScope(ctx, in.ID, core.Permission{Resource: core.ResUsers, Action: core.ActUpdate}); err != nil {
				return nil, err
			}
			u, err := s.deps.Identity.UpdateUser(ctx, unitOfWork(ctx), in.ID, up)
			return &UserOutput{Body: u}, err
		})
}

// findUserInScope loads a user the caller may see: for a scoped caller,
// one whose scope grants all lie inside the caller's scope. Outside: 404.
func (s *Server) findUserInScope(ctx context.Context, id uuid.UUID, perm core.Permission) (*core.User, error) {
	u, err := s.deps.Identity.FindUserByID(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, err
	}
	mine, err := s.callerScope(ctx)
	if err != nil || mine.All {
		return u, err
	}
	notFound := core.Errorf(core.ENOTFOUND, "user not found")
	if u.Scope.All || len(u.Scope.Regions)+len(u.Scope.Sites) == 0 {
		return nil, notFound
	}
	for _, r := range u.Scope.Regions {
		if s.authorize(ctx, perm, core.Target{RegionID: &r}) != nil {
			return nil, notFound
		}
	}
	for _, st := range u.Scope.Sites {
		if s.authorize(ctx, perm, core.Target{SiteID: &st}) != nil {
			return nil, notFound
		}
	}
	return u, nil
}

// checkDelegation stops a caller from handing out more than they hold: each
// permission of each role assigned must be one the caller has, and the scope
// must lie inside the caller's own (a region manager cannot grant the whole
// tenant or another region).
func (s *Server) checkDelegation(ctx context.Context, perm core.Permission, roles []string, sc core.Scope) error {
	p := principal(ctx)
	if len(roles) > 0 {
		all, err := s.deps.Identity.FindRoles(ctx, unitOfWork(ctx))
		if err != nil {
			return err
		}
		for _, r := range all {
			if !containsString(roles, r.Name) {
				continue
			}
			if err := s.checkHeld(ctx, r.Permissions, "assign role "+r.Name); err != nil {
				return err
			}
		}
	}
	mine, err := s.callerScope(ctx)
	if err != nil || mine.All {
		return err
	}
	if sc.All {
		return core.Errorf(core.EFORBIDDEN, "you cannot grant tenant-wide scope without having it")
	}
	for _, r := range sc.Regions {
		id := r
		if s.deps.Authz.Authorize(ctx, p.TenantID, p.Subject(), perm, core.Target{RegionID: &id}) != nil {
			return core.Errorf(core.EFORBIDDEN, "region %s is outside your scope", r)
		}
	}
	for _, st := range sc.Sites {
		id := st
		if s.deps.Authz.Authorize(ctx, p.TenantID, p.Subject(), perm, core.Target{SiteID: &id}) != nil {
			return core.Errorf(core.EFORBIDDEN, "site %s is outside your scope", st)
		}
	}
	return nil
}

// checkHeld refuses to hand out a permission the caller does not hold
// tenant-wide: a role or grant is valid everywhere its holder's scope
// reaches, so holding it only somewhere is not enough. "*" in a requested
// permission needs "*" held.
func (s *Server) checkHeld(ctx context.Context, perms []core.Permission, what string) error {
	p := principal(ctx)
	for _, rp := range perms {
		if s.deps.Authz.Authorize(ctx, p.TenantID, p.Subject(), rp, core.Target{}) != nil {
			return core.Errorf(core.EFORBIDDEN, "you cannot %s: it grants %s, which you do not have", what, rp)
		}
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
