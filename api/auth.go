package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type LoginInput struct {
	Body struct {
		Tenant   string `json:"tenant" minLength:"1" maxLength:"64" doc:"Tenant slug." example:"acme"`
		Username string `json:"username" minLength:"1" maxLength:"64" example:"admin"`
		Password string `json:"password" minLength:"1" maxLength:"128"`
	}
}

type LoginOutput struct {
	Body struct {
		Token     string    `json:"token" doc:"Bearer token for the Authorization header."`
		ExpiresAt time.Time `json:"expires_at"`
	}
}

// Me is the caller as GET /v1/me shows it.
type Me struct {
	Kind         string      `json:"kind" enum:"user,api_key"`
	ID           uuid.UUID   `json:"id"`
	Name         string      `json:"name" doc:"Username or API key name."`
	DisplayName  string      `json:"display_name"`
	Tenant       MeTenant    `json:"tenant"`
	Roles        []string    `json:"roles"`
	Permissions  []string    `json:"permissions" doc:"Every permission the caller holds (resource:action), whatever the scope: what a client may offer. Each request is still checked with its target's scope."`
	Scope        *core.Scope `json:"scope"`
	CTIExtension string      `json:"cti_extension" doc:"The user's phone extension: calls ringing there pop up in their portal, and click-to-dial rings it. Empty when none (or for an API key)."`
}

type MeTenant struct {
	ID       uuid.UUID `json:"id"`
	Slug     string    `json:"slug"`
	Locale   string    `json:"locale"`
	TimeZone string    `json:"timezone"`
}

type MeOutput struct{ Body Me }

func (s *Server) registerAuthRoutes() {
	register(s.api, huma.Operation{OperationID: "login", Method: http.MethodPost, Path: "/v1/auth/login",
		Summary: "Log in as a tenant user", Tags: []string{"Auth"},
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests},
		Description: "Returns an opaque bearer token. Repeated failures slow further attempts down (429 with Retry-After) and then lock the account for a while."},
		access{Who: accessPublic}, func(ctx context.Context, in *LoginInput) (*LoginOutput, error) {
			tok, exp, err := s.deps.Identity.Login(ctx, in.Body.Tenant, in.Body.Username, in.Body.Password, clientOf(ctx))
			if err != nil {
				return nil, err
			}
			out := &LoginOutput{}
			out.Body.Token, out.Body.ExpiresAt = tok, exp
			return out, nil
		})
	register(s.api, huma.Operation{OperationID: "logout", Method: http.MethodPost, Path: "/v1/auth/logout",
		Summary: "Log out (revoke the caller's token)", Tags: []string{"Auth"}, DefaultStatus: http.StatusNoContent},
		access{Who: accessTenant}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			return nil, s.deps.Identity.Logout(ctx, unitOfWork(ctx), principal(ctx))
		})
	register(s.api, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/v1/me",
		Summary: "The caller: user or API key, tenant, roles and scope", Tags: []string{"Auth"}},
		access{Who: accessTenant}, func(ctx context.Context, _ *struct{}) (*MeOutput, error) {
			p := principal(ctx)
			roles, err := s.deps.Authz.RolesOf(ctx, p.TenantID, p.Subject())
			if err != nil {
				return nil, err
			}
			held, err := s.deps.Authz.PermissionsOf(ctx, p.TenantID, p.Subject())
			if err != nil {
				return nil, err
			}
			permissions := make([]string, len(held))
			for i, h := range held {
				permissions[i] = h.String()
			}
			scope, err := s.callerScope(ctx)
			if err != nil {
				return nil, err
			}
			// The extension comes with the session's lookup: /v1/me costs no
			// query of its own.
			kind, ext := "user", p.CTIExtension
			if p.Kind == core.PrincipalAPIKey {
				kind, ext = "api_key", ""
			}
			return &MeOutput{Body: Me{Kind: kind, ID: p.ID, Name: p.Name, DisplayName: p.DisplayName, Roles: roles,
				Permissions: permissions, Scope: &scope, CTIExtension: ext,
				Tenant: MeTenant{ID: p.TenantID, Slug: p.TenantSlug, Locale: p.Locale, TimeZone: p.TimeZone}}}, nil
		})
}
