package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type ListRolesOutput struct {
	Body struct {
		Items []*core.Role `json:"items"`
	}
}

type PutRoleInput struct {
	Name string `path:"name" minLength:"2" maxLength:"40" pattern:"^[a-z0-9_]+$"`
	Body struct {
		Description string            `json:"description,omitempty" maxLength:"200"`
		Permissions []core.Permission `json:"permissions" maxItems:"200"`
	}
}

type RoleOutput struct{ Body *core.Role }

type GrantsInput struct {
	ID uuid.UUID `path:"id"`
}

type GrantsOutput struct {
	Body struct {
		Permissions []core.Permission `json:"permissions"`
	}
}

type PutGrantsInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Permissions []core.Permission `json:"permissions" maxItems:"200"`
	}
}

type ExplainInput struct {
	Subject  string `query:"subject" required:"true" maxLength:"80" doc:"user:<id> or key:<id>" example:"user:0b6f…"`
	Resource string `query:"resource" required:"true" maxLength:"40" example:"work_orders"`
	Action   string `query:"action" required:"true" maxLength:"20" example:"read"`
	RegionID string `query:"region_id" format:"uuid" doc:"The object's region, for the scope check."`
	SiteID   string `query:"site_id" format:"uuid" doc:"The object's site, for the scope check."`
}

type ExplainOutput struct{ Body core.Decision }

func (s *Server) registerAccessRoutes() {
	tags := []string{"Access"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResAccess, Action: a} }
	register(s.api, huma.Operation{OperationID: "list-roles", Method: http.MethodGet, Path: "/v1/roles",
		Summary: "List roles and their permissions", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ListRolesOutput, error) {
			roles, err := s.deps.Identity.FindRoles(ctx, unitOfWork(ctx))
			out := &ListRolesOutput{}
			out.Body.Items = nonNil(roles)
			return out, err
		})
	register(s.api, huma.Operation{OperationID: "put-role", Method: http.MethodPut, Path: "/v1/roles/{name}",
		Summary: "Create a role or replace its permissions", Tags: tags, Errors: []int{http.StatusForbidden},
		Description: "The caller needs tenant-wide scope and must hold every permission the role grants (403 otherwise): nobody hands out more than they have."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), ChangesAccess: true},
		func(ctx context.Context, in *PutRoleInput) (*RoleOutput, error) {
			// A role applies to every user holding it, wherever they are:
			// changing it needs tenant-wide scope and every permission it grants.
			if mine, err := s.callerScope(ctx); err != nil || !mine.All {
				if err == nil {
					err = core.Errorf(core.EFORBIDDEN, "changing role %s changes every user holding it: it needs tenant-wide scope", in.Name)
				}
				return nil, err
			}
			if err := s.checkHeld(ctx, in.Body.Permissions, "define role "+in.Name); err != nil {
				return nil, err
			}
			r, err := s.deps.Identity.SetRolePermissions(ctx, unitOfWork(ctx), in.Name, in.Body.Description, in.Body.Permissions)
			return &RoleOutput{Body: r}, err
		})
	register(s.api, huma.Operation{OperationID: "get-user-grants", Method: http.MethodGet, Path: "/v1/users/{id}/grants",
		Summary: "Permissions granted to a user on top of their roles", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *GrantsInput) (*GrantsOutput, error) {
			if _, err := s.findUserInScope(ctx, in.ID, perm(core.ActRead)); err != nil {
				return nil, err
			}
			g, err := s.deps.Identity.FindGrants(ctx, unitOfWork(ctx), core.UserSubject(in.ID))
			out := &GrantsOutput{}
			out.Body.Permissions = nonNil(g)
			return out, err
		})
	register(s.api, huma.Operation{OperationID: "put-user-grants", Method: http.MethodPut, Path: "/v1/users/{id}/grants",
		Summary: "Replace the permissions granted to a user on top of their roles", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusForbidden},
		Description: "The user must lie inside the caller's scope (404 otherwise) and the caller must hold every permission granted (403 otherwise)."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), ChangesAccess: true},
		func(ctx context.Context, in *PutGrantsInput) (*GrantsOutput, error) {
			// Only users inside the caller's scope, and only what the caller holds.
			if _, err := s.findUserInScope(ctx, in.ID, perm(core.ActUpdate)); err != nil {
				return nil, err
			}
			if err := s.checkHeld(ctx, in.Body.Permissions, "grant this"); err != nil {
				return nil, err
			}
			if err := s.deps.Identity.SetGrants(ctx, unitOfWork(ctx), core.UserSubject(in.ID), in.Body.Permissions); err != nil {
				return nil, err
			}
			out := &GrantsOutput{}
			out.Body.Permissions = nonNil(in.Body.Permissions)
			return out, nil
		})
	register(s.api, huma.Operation{OperationID: "explain-access", Method: http.MethodGet, Path: "/v1/access/explain",
		Summary: "Explain an access decision", Tags: tags,
		Description: "May this subject do this action on this object, and by which rule (role or grant, and scope path)?"},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ExplainInput) (*ExplainOutput, error) {
			kind, id, _ := strings.Cut(in.Subject, ":")
			if _, err := uuid.Parse(id); err != nil || (kind != "user" && kind != "key") {
				return nil, core.FieldError("subject", "must be user:<uuid> or key:<uuid>")
			}
			pm := core.Permission{Resource: in.Resource, Action: in.Action}
			if !core.ValidPermission(pm) {
				return nil, core.FieldError("resource", "unknown resource or action %s", pm)
			}
			var t core.Target
			for _, v := range []struct {
				s   string
				dst **uuid.UUID
			}{{in.RegionID, &t.RegionID}, {in.SiteID, &t.SiteID}} {
				if v.s != "" {
					u, err := uuid.Parse(v.s)
					if err != nil {
						return nil, core.FieldError("region_id", "is not a UUID")
					}
					*v.dst = &u
				}
			}
			d, err := s.deps.Authz.Explain(ctx, principal(ctx).TenantID, in.Subject, pm, t)
			return &ExplainOutput{Body: d}, err
		})
}
