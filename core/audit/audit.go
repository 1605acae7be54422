// Package audit is the audit log: every change a tenant's or the
// platform's admins make (users, roles, grants, scope, API keys, settings,
// SMS settings and templates, plugin bindings, webhooks, regions, service
// sites and technicians (one by one and by import), registered units,
// product lines, models, service types and fault codes, tenants'
// onboarding, suspension and resumption, invitations issued and
// accepted) is recorded with who made it, when, from where, and what it
// was before and after, secrets redacted.
// A use case records its change through the unit of work it changes
// things in (Record), so the event commits or rolls back with the change.
// The log is append-only; the housekeeping job deletes events older than
// the retention period (Purger).
package audit

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// DefaultRetention is how long events are kept unless the platform's
// configuration says otherwise.
const DefaultRetention = 400 * 24 * time.Hour

// Actions recorded.
const (
	ActCreate       = "create"
	ActUpdate       = "update"
	ActDelete       = "delete"
	ActRevoke       = "revoke"
	ActRotateSecret = "rotate_secret"
	ActSuspend      = "suspend"
	ActResume       = "resume"
	// ActImport: an import wrote rows; After has the codes created and
	// updated and their counts (one event per import, not one per row).
	ActImport = "import"
	// ActAccept: an invitation was accepted (its user set their password);
	// the actor is that user.
	ActAccept = "accept"
)

// Resource types recorded.
const (
	ResUser          = "user"
	ResAPIKey        = "api_key"
	ResRole          = "role"
	ResGrants        = "grants"
	ResSettings      = "settings"
	ResSMSSettings   = "sms_settings"
	ResWebhook       = "webhook"
	ResPluginBinding = "plugin_binding"
	ResTenant        = "tenant"
	ResRegion        = "region"
	ResSite          = "site"
	ResTechnician    = "technician"
	ResUnit          = "unit"
	ResProductLine   = "product_line"
	ResProductModel  = "product_model"
	ResServiceType   = "service_type"
	ResFaultCode     = "fault_code"
	// ResInvitation is a user's invitation to set their password, by the
	// user's ID: created when issued (onboarding, re-issue), accepted.
	ResInvitation = "invitation"
)

// Redacted replaces the value of every secret in Before and After.
const Redacted = "[redacted]"

// Event is one recorded change.
type Event struct {
	Seq          int64          `json:"-"`
	ID           uuid.UUID      `json:"id"`
	TenantID     uuid.UUID      `json:"tenant_id"`
	At           time.Time      `json:"at"`
	ActorKind    string         `json:"actor_kind" enum:"user,api_key,platform_admin,system" doc:"Who made the change: a user, an API key, a platform admin or the system."`
	ActorID      *uuid.UUID     `json:"actor_id,omitempty" doc:"The user's, key's or platform admin's ID; absent for the system."`
	ActorName    string         `json:"actor_name" doc:"Username, key name or platform admin name, as at the time."`
	Client       string         `json:"client" doc:"The address the request came from."`
	RequestID    string         `json:"request_id" doc:"The request's X-Request-ID."`
	Action       string         `json:"action" example:"update"`
	ResourceType string         `json:"resource_type" example:"webhook"`
	ResourceID   string         `json:"resource_id" doc:"The changed resource's ID or name; empty for a tenant's settings."`
	Before       map[string]any `json:"before,omitempty" doc:"The resource before the change (absent on create); secrets redacted."`
	After        map[string]any `json:"after,omitempty" doc:"The resource after the change (absent on delete); secrets redacted."`
}

// Change is what a use case records: what it did to which resource, and
// the resource before and after (nil: none, as before a create); both are
// encoded as JSON and their secrets redacted.
type Change struct {
	Action       string
	ResourceType string
	ResourceID   string
	Before       any
	After        any
	// TenantID is the tenant a platform unit's change concerns; a tenant
	// unit's events are its own tenant's.
	TenantID uuid.UUID
}

// Record appends c to the audit log through u, with ctx's actor
// (core.ActorOf) and the current time. The event commits or rolls back
// with u.
func Record(ctx context.Context, s Store, u core.UnitOfWork, c Change) {
	a := core.ActorOf(ctx)
	tenant := u.TenantID()
	if tenant == uuid.Nil {
		tenant = c.TenantID
	}
	e := &Event{ID: uuid.New(), TenantID: tenant, At: time.Now().UTC().Truncate(time.Microsecond),
		ActorKind: a.Kind, ActorName: a.Name, Client: a.Client, RequestID: a.RequestID,
		Action: c.Action, ResourceType: c.ResourceType, ResourceID: c.ResourceID,
		Before: Redact(c.Before), After: Redact(c.After)}
	if a.ID != uuid.Nil {
		id := a.ID
		e.ActorID = &id
	}
	s.Audit(u).InsertEvent(e)
}

// Redact returns v encoded as a JSON object (a value that is not an
// object under "value"), with every secret's value replaced by Redacted:
// the values under keys that name a secret, a password or a token, at any
// depth. nil stays nil.
func Redact(v any) map[string]any {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil || string(raw) == "null" {
		return nil
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return nil
	}
	obj, ok := redact(decoded).(map[string]any)
	if !ok {
		return map[string]any{"value": redact(decoded)}
	}
	return obj
}

func redact(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if secretKey(k) && x != nil {
				v[k] = hide(x)
			} else {
				v[k] = redact(x)
			}
		}
	case []any:
		for i, x := range v {
			v[i] = redact(x)
		}
	}
	return v
}

// hide replaces a secret: a string, or every value of an object of
// secrets by name (their names are not secret).
func hide(v any) any {
	if m, ok := v.(map[string]any); ok {
		for k := range m {
			m[k] = Redacted
		}
		return m
	}
	return Redacted
}

// secretKey tells whether a JSON key names a secret. The names of
// secrets (secret_names) are not secret.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	if strings.HasSuffix(k, "_names") {
		return false
	}
	for _, s := range []string{"secret", "password", "token", "credential", "private_key"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// Filter selects events.
type Filter struct {
	// TenantID narrows a platform admin's list to one tenant; a tenant
	// unit lists its own tenant's events only.
	TenantID     *uuid.UUID
	ActorID      *uuid.UUID
	Action       string
	ResourceType string
	ResourceID   string
	From, To     *time.Time // at or after From, before To
	After        string     // cursor
	Limit        int
}

// Validate checks the cursor and the time range: EINVALID naming the field.
func (f Filter) Validate() error {
	if f.After != "" {
		if n, err := strconv.ParseInt(f.After, 10, 64); err != nil || n < 1 {
			return core.FieldError("cursor", "is not a cursor of this list")
		}
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return core.FieldError("to", "must be after from")
	}
	return nil
}

// Service reads the audit log.
type Service struct{ store Store }

// NewService returns the audit log's read use cases.
func NewService(s Store) *Service { return &Service{store: s} }

// FindEvents lists the events u may see, newest first: a tenant unit its
// tenant's (f.TenantID is ignored), a platform unit every tenant's or
// f.TenantID's. Returns the next cursor; EINVALID for a bad filter.
func (s *Service) FindEvents(ctx context.Context, u core.UnitOfWork, f Filter) ([]*Event, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	if u.TenantID() != uuid.Nil {
		t := u.TenantID()
		f.TenantID = &t
	}
	return s.store.Audit(u).FindEvents(ctx, f)
}
