package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// AuditFilterParams are the filters of both audit-log lists.
type AuditFilterParams struct {
	ListParams
	ActorID      string    `query:"actor_id" format:"uuid" doc:"Only changes by this user, API key or platform admin."`
	Action       string    `query:"action" maxLength:"40" doc:"Only this action (create, update, delete, revoke, rotate_secret, suspend, resume, import)."`
	ResourceType string    `query:"resource_type" maxLength:"40" doc:"Only this kind of resource (user, api_key, role, grants, settings, sms_settings, webhook, plugin_binding, region, site, technician, unit, product_line, product_model, service_type, fault_code, tenant)."`
	ResourceID   string    `query:"resource_id" maxLength:"200" doc:"Only this resource (its ID, a role's name, a grants subject such as user:<id>)."`
	From         time.Time `query:"from" doc:"Recorded at or after (RFC 3339)."`
	To           time.Time `query:"to" doc:"Recorded before (RFC 3339)."`
}

func (p AuditFilterParams) filter() (audit.Filter, error) {
	f := audit.Filter{Action: p.Action, ResourceType: p.ResourceType, ResourceID: p.ResourceID, After: p.Cursor, Limit: p.Limit}
	if p.ActorID != "" {
		id, err := uuid.Parse(p.ActorID)
		if err != nil {
			return f, core.FieldError("actor_id", "must be a UUID")
		}
		f.ActorID = &id
	}
	if !p.From.IsZero() {
		f.From = &p.From
	}
	if !p.To.IsZero() {
		f.To = &p.To
	}
	return f, nil
}

type PlatformAuditEventsInput struct {
	AuditFilterParams
	TenantID string `query:"tenant_id" format:"uuid" doc:"Only this tenant's events."`
}

type ListAuditEventsOutput struct {
	Body struct {
		Items []*audit.Event `json:"items"`
		Page
	}
}

const auditDocs = "Changes made by admins (users, roles, grants, scope, API keys, settings, SMS settings and templates, " +
	"plugin bindings, webhooks, regions, service sites, technicians) and by platform admins (onboarding, suspension, resumption of the tenant), newest first: " +
	"who, when, from which address and request, and the resource before and after, secrets redacted. " +
	"Events are never changed; they are kept for the platform's retention period (400 days by default)."

func (s *Server) registerAuditRoutes() {
	list := func(ctx context.Context, f audit.Filter) (*ListAuditEventsOutput, error) {
		items, next, err := s.deps.Audit.FindEvents(ctx, unitOfWork(ctx), f)
		if err != nil {
			return nil, err
		}
		out := &ListAuditEventsOutput{}
		out.Body.Items, out.Body.Next = nonNil(items), next
		return out, nil
	}
	register(s.api, huma.Operation{OperationID: "list-audit-events", Method: http.MethodGet, Path: "/v1/audit-events",
		Summary: "List the tenant's audit log", Tags: []string{"Audit"}, Description: auditDocs},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResAudit, Action: core.ActRead}},
		func(ctx context.Context, in *AuditFilterParams) (*ListAuditEventsOutput, error) {
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			return list(ctx, f)
		})
	register(s.api, huma.Operation{OperationID: "list-platform-audit-events", Method: http.MethodGet, Path: "/v1/platform/audit-events",
		Summary: "List every tenant's audit log", Tags: []string{"Platform"},
		Description: auditDocs + " Platform admins see every tenant's events, or one tenant's with tenant_id."},
		access{Who: accessPlatform},
		func(ctx context.Context, in *PlatformAuditEventsInput) (*ListAuditEventsOutput, error) {
			f, err := in.filter()
			if err != nil {
				return nil, err
			}
			if in.TenantID != "" {
				id, err := uuid.Parse(in.TenantID)
				if err != nil {
					return nil, core.FieldError("tenant_id", "must be a UUID")
				}
				f.TenantID = &id
			}
			return list(ctx, f)
		})
}
