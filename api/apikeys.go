package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type CreateAPIKeyInput struct {
	Body struct {
		Name      string     `json:"name" minLength:"1" maxLength:"100" example:"Site 0412 ERP bridge"`
		Roles     []string   `json:"roles" minItems:"1" maxItems:"20" example:"[\"integration\"]"`
		Scope     *ScopeBody `json:"scope,omitempty" doc:"Where the key may act, e.g. one site's ID."`
		ExpiresAt *time.Time `json:"expires_at,omitempty"`
	}
}

type CreateAPIKeyOutput struct {
	Body struct {
		*core.APIKey
		Secret string `json:"secret" doc:"The key itself. Shown only in this response; store it now."`
	}
}

type APIKeyOutput struct{ Body *core.APIKey }

type ListAPIKeysOutput struct {
	Body struct {
		Items []*core.APIKey `json:"items"`
		Page
	}
}

type APIKeyIDInput struct {
	ID uuid.UUID `path:"id"`
}

func (s *Server) registerAPIKeyRoutes() {
	tags := []string{"API keys"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResAPIKeys, Action: a} }
	register(s.api, huma.Operation{OperationID: "create-api-key", Method: http.MethodPost, Path: "/v1/api-keys",
		Summary: "Create an API key", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "For service sites and integrations. The secret is returned once and stored only as a hash."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true, ChangesAccess: true, SecretReplay: true},
		func(ctx context.Context, in *CreateAPIKeyInput) (*CreateAPIKeyOutput, error) {
			b := in.Body
			if err := s.checkDelegation(ctx, perm(core.ActCreate), b.Roles, b.Scope.scope()); err != nil {
				return nil, err
			}
			k, secret, err := s.deps.Identity.CreateAPIKey(ctx, unitOfWork(ctx), core.NewAPIKey{Name: b.Name, Roles: b.Roles,
				Scope: b.Scope.scope(), ExpiresAt: b.ExpiresAt}, principal(ctx).ID)
			if err != nil {
				return nil, err
			}
			out := &CreateAPIKeyOutput{}
			out.Body.APIKey, out.Body.Secret = k, secret
			return out, nil
		})
	register(s.api, huma.Operation{OperationID: "list-api-keys", Method: http.MethodGet, Path: "/v1/api-keys",
		Summary: "List API keys (without secrets)", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListParams) (*ListAPIKeysOutput, error) {
			items, next, err := s.deps.Identity.FindAPIKeys(ctx, unitOfWork(ctx), in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &ListAPIKeysOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(s.api, huma.Operation{OperationID: "revoke-api-key", Method: http.MethodPost, Path: "/v1/api-keys/{id}/revoke",
		Summary: "Revoke an API key", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActDelete), Idempotent: true, ChangesAccess: true},
		func(ctx context.Context, in *APIKeyIDInput) (*APIKeyOutput, error) {
			k, err := s.deps.Identity.RevokeAPIKey(ctx, unitOfWork(ctx), in.ID)
			return &APIKeyOutput{Body: k}, err
		})
}
