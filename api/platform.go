package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type CreateTenantInput struct {
	Body struct {
		Slug     string `json:"slug" minLength:"3" maxLength:"40" pattern:"^[a-z][a-z0-9-]*[a-z0-9]$" doc:"URL-safe tenant name used at login." example:"acme"`
		Name     string `json:"name" minLength:"1" maxLength:"200" example:"ACME Appliances 家电"`
		Locale   string `json:"locale" enum:"zh-CN,en" default:"zh-CN"`
		TimeZone string `json:"timezone" minLength:"1" maxLength:"64" default:"Asia/Shanghai" example:"Asia/Shanghai"`
		Admin    struct {
			Username    string `json:"username" minLength:"2" maxLength:"64" example:"admin"`
			Password    string `json:"password,omitempty" minLength:"10" maxLength:"128" doc:"Omit it to invite the admin instead: they have no password (cannot log in) until they set one with the invitation in the response."`
			DisplayName string `json:"display_name,omitempty" maxLength:"100"`
			Phone       string `json:"phone,omitempty" maxLength:"21"`
			Email       string `json:"email,omitempty" maxLength:"254"`
		} `json:"admin"`
	}
}

type TenantOutput struct{ Body *core.Tenant }

type CreateTenantOutput struct {
	Body struct {
		*core.Tenant
		Admin      *core.User  `json:"admin"`
		Invitation *Invitation `json:"invitation,omitempty" doc:"Only when the admin was given no password: hand it to them, once (it is not stored and cannot be read again)."`
	}
}

type ListTenantsInput struct {
	ListParams
	Status string `query:"status" enum:"active,suspended,"`
}

type ListTenantsOutput struct {
	Body struct {
		Items []*core.Tenant `json:"items"`
		Page
	}
}

type TenantIDInput struct {
	ID uuid.UUID `path:"id"`
}

type SuspendTenantInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Reason string `json:"reason" maxLength:"500" doc:"Shown to the tenant's users in every 403."`
	}
}

func (s *Server) registerPlatformRoutes() {
	tags := []string{"Platform"}
	register(s.api, huma.Operation{OperationID: "create-tenant", Method: http.MethodPost, Path: "/v1/platform/tenants",
		Summary: "Onboard a tenant", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Creates the tenant, its first admin user (role tenant_admin, tenant-wide scope) and the default roles and policies in one transaction. Without admin.password the admin is invited: the response's invitation lets them set their password (POST /v1/auth/invitations/accept)."},
		access{Who: accessPlatform, Idempotent: true, SecretReplay: true}, func(ctx context.Context, in *CreateTenantInput) (*CreateTenantOutput, error) {
			b := in.Body
			t, admin, inv, err := s.deps.Tenants.OnboardInvited(ctx, unitOfWork(ctx), core.NewTenant{Slug: b.Slug, Name: b.Name, Locale: b.Locale, TimeZone: b.TimeZone,
				Admin: core.NewUser{Username: b.Admin.Username, Password: b.Admin.Password, DisplayName: b.Admin.DisplayName,
					Phone: b.Admin.Phone, Email: b.Admin.Email}})
			if err != nil {
				return nil, err
			}
			out := &CreateTenantOutput{}
			out.Body.Tenant, out.Body.Admin, out.Body.Invitation = t, admin, invitationOf(t, inv)
			return out, nil
		})
	register(s.api, huma.Operation{OperationID: "list-tenants", Method: http.MethodGet, Path: "/v1/platform/tenants",
		Summary: "List tenants", Tags: tags},
		access{Who: accessPlatform}, func(ctx context.Context, in *ListTenantsInput) (*ListTenantsOutput, error) {
			items, next, err := s.deps.Tenants.List(ctx, core.TenantFilter{Status: in.Status, After: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListTenantsOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(s.api, huma.Operation{OperationID: "get-tenant", Method: http.MethodGet, Path: "/v1/platform/tenants/{id}",
		Summary: "Get a tenant", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessPlatform}, func(ctx context.Context, in *TenantIDInput) (*TenantOutput, error) {
			t, err := s.deps.Tenants.Get(ctx, in.ID)
			return &TenantOutput{Body: t}, err
		})
	register(s.api, huma.Operation{OperationID: "suspend-tenant", Method: http.MethodPost, Path: "/v1/platform/tenants/{id}/suspend",
		Summary: "Suspend a tenant", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Its users and API keys get 403 with the reason until it is resumed; its data is kept."},
		access{Who: accessPlatform, Idempotent: true}, func(ctx context.Context, in *SuspendTenantInput) (*TenantOutput, error) {
			t, err := s.deps.Tenants.Suspend(ctx, unitOfWork(ctx), in.ID, in.Body.Reason)
			return &TenantOutput{Body: t}, err
		})
	register(s.api, huma.Operation{OperationID: "resume-tenant", Method: http.MethodPost, Path: "/v1/platform/tenants/{id}/resume",
		Summary: "Resume a suspended tenant", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessPlatform, Idempotent: true}, func(ctx context.Context, in *TenantIDInput) (*TenantOutput, error) {
			t, err := s.deps.Tenants.Resume(ctx, unitOfWork(ctx), in.ID)
			return &TenantOutput{Body: t}, err
		})
	s.registerInvitationRoutes()
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
