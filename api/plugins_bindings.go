package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type CreatePluginBindingInput struct {
	Body struct {
		PluginID uuid.UUID         `json:"plugin_id" doc:"A plugin of GET /v1/plugins."`
		Name     string            `json:"name" minLength:"1" maxLength:"100" example:"Headquarters switchboard"`
		Config   map[string]any    `json:"config,omitempty" doc:"Non-secret configuration, passed to the plugin as is. Every URL in it (any string value that is an absolute URL) must be http(s) or ws(s), on port 80, 443 or 1024-65535, and reach public addresses only, unless the platform widens this (422 naming the field otherwise)."`
		Secrets  map[string]string `json:"secrets,omitempty" doc:"Write-only: stored encrypted and passed to the plugin; the API shows their names only."`
		Enabled  *bool             `json:"enabled,omitempty" doc:"Default true. One enabled binding per kind per tenant."`
	}
}

type UpdatePluginBindingInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Name    *string           `json:"name,omitempty" minLength:"1" maxLength:"100"`
		Config  map[string]any    `json:"config,omitempty" doc:"Replaces the configuration; its URLs are checked as on create."`
		Secrets map[string]string `json:"secrets,omitempty" doc:"Sets the secrets given; an empty value deletes that secret; others stay."`
		Enabled *bool             `json:"enabled,omitempty"`
	}
}

type PluginBindingOutput struct{ Body *core.PluginBinding }

type CreatePluginBindingOutput struct {
	Body struct {
		*core.PluginBinding
		CTIToken string `json:"cti_token" doc:"Shown once. The telephony vendor sends it with every event to /v1/cti/{binding}/events (header X-CTI-Token or ?token=)."`
	}
}

type ListPluginBindingsOutput struct {
	Body struct {
		Items []*core.PluginBinding `json:"items"`
	}
}

type PluginBindingIDInput struct {
	ID uuid.UUID `path:"id"`
}

type PluginStatusOutput struct{ Body core.PluginStatus }

func configJSON(m map[string]any) json.RawMessage {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m) // decoded from JSON, so it encodes
	return b
}

func registerPluginBindingRoutes(api huma.API, s *Server, p PluginServices) {
	tags := []string{"Plugins"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResPlugins, Action: a} }
	notFound := []int{http.StatusNotFound}
	register(api, huma.Operation{OperationID: "create-plugin-binding", Method: http.MethodPost, Path: "/v1/plugin-bindings",
		Summary: "Bind a plugin to the tenant", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Secrets are stored encrypted and never returned. The response carries the CTI event token, shown once. " +
			"A tenant has at most one enabled binding per plugin kind (409). The plugin is asked whether it takes the " +
			"configuration (started with it, then stopped): when it refuses, nothing is saved and the answer is a 422 " +
			"with its reason. A plugin that cannot start does not block the binding; its status shows why."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreatePluginBindingInput) (*CreatePluginBindingOutput, error) {
			enabled := in.Body.Enabled == nil || *in.Body.Enabled
			b, tok, err := p.Plugins.CreateBinding(ctx, unitOfWork(ctx), core.NewPluginBinding{PluginID: in.Body.PluginID,
				Name: in.Body.Name, Config: configJSON(in.Body.Config), Secrets: in.Body.Secrets, Enabled: enabled})
			if err != nil {
				return nil, err
			}
			out := &CreatePluginBindingOutput{}
			out.Body.PluginBinding, out.Body.CTIToken = b, tok
			return out, nil
		})
	register(api, huma.Operation{OperationID: "list-plugin-bindings", Method: http.MethodGet, Path: "/v1/plugin-bindings",
		Summary: "List the tenant's plugin bindings", Tags: tags},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ListPluginBindingsOutput, error) {
			items, err := p.Plugins.FindBindings(ctx, unitOfWork(ctx))
			out := &ListPluginBindingsOutput{}
			out.Body.Items = items
			return out, err
		})
	register(api, huma.Operation{OperationID: "get-plugin-binding", Method: http.MethodGet, Path: "/v1/plugin-bindings/{id}",
		Summary: "Get a plugin binding", Tags: tags, Errors: notFound},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *PluginBindingIDInput) (*PluginBindingOutput, error) {
			b, err := p.Plugins.FindBindingByID(ctx, unitOfWork(ctx), in.ID)
			return &PluginBindingOutput{Body: b}, err
		})
	register(api, huma.Operation{OperationID: "update-plugin-binding", Method: http.MethodPatch, Path: "/v1/plugin-bindings/{id}",
		Summary: "Change a plugin binding", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "The plugin process restarts with the new configuration on its next use. A new configuration, " +
			"new secrets or enabling is checked with the plugin first, as on create: a refusal is a 422 and changes nothing."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *UpdatePluginBindingInput) (*PluginBindingOutput, error) {
			b, err := p.Plugins.UpdateBinding(ctx, unitOfWork(ctx), in.ID, core.PluginBindingUpdate{Name: in.Body.Name,
				Config: configJSON(in.Body.Config), Secrets: in.Body.Secrets, Enabled: in.Body.Enabled})
			if err != nil {
				return nil, err
			}
			return &PluginBindingOutput{Body: b}, nil
		})
	register(api, huma.Operation{OperationID: "delete-plugin-binding", Method: http.MethodDelete, Path: "/v1/plugin-bindings/{id}",
		Summary: "Unbind a plugin", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: notFound},
		access{Who: accessTenant, Perm: perm(core.ActDelete)},
		func(ctx context.Context, in *PluginBindingIDInput) (*struct{}, error) {
			return nil, p.Plugins.DeleteBinding(ctx, unitOfWork(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "get-plugin-binding-status", Method: http.MethodGet, Path: "/v1/plugin-bindings/{id}/status",
		Summary: "The state of a binding's plugin process", Tags: tags, Errors: notFound,
		Description: "Running or failed, the last error, restarts, the circuit breaker and the checksum check: a failing " +
			"plugin is visible here while intake and dispatch go on with the built-in behaviour. Every platform process " +
			"(replica) that calls the plugin runs its own process of it: `replicas` lists each as it last reported " +
			"(every few seconds), and the top-level fields sum them up (the worst state and breaker, the latest error, " +
			"the totals)."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *PluginBindingIDInput) (*PluginStatusOutput, error) {
			st, err := p.Plugins.BindingStatus(ctx, unitOfWork(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return &PluginStatusOutput{Body: st}, nil
		})
}
