package coretest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// AuditEnv is what the audit scenarios run on: two tenants' units and
// the audit store.
type AuditEnv struct {
	Units         core.UnitsOfWork
	Store         audit.Store
	Tenant, Other uuid.UUID
}

// AuditScenario is one scenario of the audit log.
type AuditScenario struct {
	Name string
	Run  func(t *testing.T, e AuditEnv)
}

// NewMemoryAuditEnv is an AuditEnv on the in-memory fake.
func NewMemoryAuditEnv() AuditEnv {
	return AuditEnv{Units: NewMemory(struct{}{}, func(s struct{}) struct{} { return s }), Store: &AuditLog{},
		Tenant: uuid.New(), Other: uuid.New()}
}

// auditActor is the admin the scenarios act as.
var auditActor = core.Actor{Kind: core.PrincipalUser, ID: uuid.MustParse("7d2c6c3e-0b0c-4f7e-9a59-3f1f3f6b2a11"),
	Name: "admin", Client: "203.0.113.9", RequestID: "req-audit-1"}

func (e AuditEnv) record(t *testing.T, tenant uuid.UUID, changes ...audit.Change) {
	t.Helper()
	ctx := core.WithActor(context.Background(), auditActor)
	must(t, core.InUnitOfWork(ctx, e.Units, tenant, func(u core.UnitOfWork) error {
		for _, c := range changes {
			audit.Record(ctx, e.Store, u, c)
		}
		return nil
	}))
}

func (e AuditEnv) list(t *testing.T, tenant uuid.UUID, f audit.Filter) ([]*audit.Event, string) {
	t.Helper()
	var out []*audit.Event
	var next string
	must(t, core.InUnitOfWork(context.Background(), e.Units, tenant, func(u core.UnitOfWork) (err error) {
		out, next, err = audit.NewService(e.Store).FindEvents(context.Background(), u, f)
		return err
	}))
	return out, next
}

// AuditScenarios are the scenarios of the audit log.
func AuditScenarios() []AuditScenario {
	return []AuditScenario{
		{"a change is recorded with who, from where, before and after, secrets redacted", func(t *testing.T, e AuditEnv) {
			type endpoint struct {
				URL     string            `json:"url"`
				Secret  string            `json:"secret,omitempty"`
				Secrets map[string]string `json:"secrets"`
				Names   []string          `json:"secret_names"`
				Nested  map[string]any    `json:"nested"`
			}
			before := endpoint{URL: "https://a.example.com", Secret: "whsec_old", Names: []string{"api_key"}}
			after := endpoint{URL: "https://b.example.com", Secret: "whsec_new", Secrets: map[string]string{"api_key": "k-123"},
				Names: []string{"api_key"}, Nested: map[string]any{"password": "hunter22", "token": "tok", "plain": "ok"}}
			e.record(t, e.Tenant, audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResWebhook, ResourceID: "w1",
				Before: before, After: after})
			got, next := e.list(t, e.Tenant, audit.Filter{})
			equal(t, "events", len(got), 1)
			equal(t, "no next page", next, "")
			ev := got[0]
			equal(t, "tenant", ev.TenantID, e.Tenant)
			equal(t, "actor kind", ev.ActorKind, core.PrincipalUser)
			equal(t, "actor id", *ev.ActorID, auditActor.ID)
			equal(t, "actor name", ev.ActorName, "admin")
			equal(t, "client", ev.Client, "203.0.113.9")
			equal(t, "request id", ev.RequestID, "req-audit-1")
			equal(t, "action", ev.Action, audit.ActUpdate)
			equal(t, "resource", ev.ResourceType+"/"+ev.ResourceID, "webhook/w1")
			equal(t, "recent", time.Since(ev.At) < time.Minute, true)
			equal(t, "before url", ev.Before["url"], any("https://a.example.com"))
			equal(t, "after url", ev.After["url"], any("https://b.example.com"))
			equal(t, "before secret", ev.Before["secret"], any(audit.Redacted))
			equal(t, "after secret", ev.After["secret"], any(audit.Redacted))
			equal(t, "secret by name", ev.After["secrets"].(map[string]any)["api_key"], any(audit.Redacted))
			equal(t, "names kept", ev.After["secret_names"].([]any)[0], any("api_key"))
			nested := ev.After["nested"].(map[string]any)
			equal(t, "nested password", nested["password"], any(audit.Redacted))
			equal(t, "nested token", nested["token"], any(audit.Redacted))
			equal(t, "plain kept", nested["plain"], any("ok"))
			for _, s := range []string{"whsec_old", "whsec_new", "k-123", "hunter22"} {
				equal(t, "no secret "+s, strings.Contains(auditDump(ev), s), false)
			}
		}},
		{"a rolled-back change leaves no event", func(t *testing.T, e AuditEnv) {
			ctx := core.WithActor(context.Background(), auditActor)
			u := e.Units.Begin(ctx, e.Tenant)
			audit.Record(ctx, e.Store, u, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResUser, ResourceID: "u1"})
			u.Rollback(ctx)
			got, _ := e.list(t, e.Tenant, audit.Filter{})
			equal(t, "events", len(got), 0)
		}},
		{"events are listed newest first, filtered and paged", func(t *testing.T, e AuditEnv) {
			start := time.Now().Add(-time.Second)
			e.record(t, e.Tenant,
				audit.Change{Action: audit.ActCreate, ResourceType: audit.ResUser, ResourceID: "u1"},
				audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResUser, ResourceID: "u1"},
				audit.Change{Action: audit.ActCreate, ResourceType: audit.ResWebhook, ResourceID: "w1"},
				audit.Change{Action: audit.ActDelete, ResourceType: audit.ResWebhook, ResourceID: "w1"},
				audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResSettings})
			page, next := e.list(t, e.Tenant, audit.Filter{Limit: 2})
			equal(t, "page 1", len(page), 2)
			equal(t, "newest first", page[0].ResourceType, audit.ResSettings)
			equal(t, "then", page[1].Action, audit.ActDelete)
			page, next = e.list(t, e.Tenant, audit.Filter{Limit: 2, After: next})
			equal(t, "page 2", page[0].Action+page[1].Action, audit.ActCreate+audit.ActUpdate)
			page, next = e.list(t, e.Tenant, audit.Filter{Limit: 2, After: next})
			equal(t, "page 3", len(page), 1)
			equal(t, "last page", next, "")
			got, _ := e.list(t, e.Tenant, audit.Filter{ResourceType: audit.ResUser, ResourceID: "u1", Action: audit.ActUpdate})
			equal(t, "by resource and action", len(got), 1)
			got, _ = e.list(t, e.Tenant, audit.Filter{ActorID: &auditActor.ID})
			equal(t, "by actor", len(got), 5)
			other := uuid.New()
			got, _ = e.list(t, e.Tenant, audit.Filter{ActorID: &other})
			equal(t, "by another actor", len(got), 0)
			end := time.Now().Add(time.Second)
			got, _ = e.list(t, e.Tenant, audit.Filter{From: &start, To: &end})
			equal(t, "in the range", len(got), 5)
			got, _ = e.list(t, e.Tenant, audit.Filter{From: &end})
			equal(t, "after the range", len(got), 0)
			must(t, core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) error {
				_, _, err := audit.NewService(e.Store).FindEvents(context.Background(), u, audit.Filter{After: "x"})
				wantCode(t, err, core.EINVALID)
				_, _, err = audit.NewService(e.Store).FindEvents(context.Background(), u, audit.Filter{From: &end, To: &start})
				wantCode(t, err, core.EINVALID)
				return nil
			}))
		}},
		{"a tenant sees its own events; the platform sees every tenant's", func(t *testing.T, e AuditEnv) {
			e.record(t, e.Tenant, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResUser, ResourceID: "a"})
			e.record(t, e.Other, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResUser, ResourceID: "b"})
			e.record(t, uuid.Nil, audit.Change{Action: audit.ActSuspend, ResourceType: audit.ResTenant,
				ResourceID: e.Other.String(), TenantID: e.Other})
			got, _ := e.list(t, e.Tenant, audit.Filter{TenantID: &e.Other})
			equal(t, "own events only", len(got), 1)
			equal(t, "own event", got[0].ResourceID, "a")
			got, _ = e.list(t, e.Other, audit.Filter{})
			equal(t, "the other's, the suspension included", len(got), 2)
			equal(t, "suspension", got[0].Action, audit.ActSuspend)
			got, _ = e.list(t, uuid.Nil, audit.Filter{})
			equal(t, "platform sees all", len(got) >= 3, true)
			got, _ = e.list(t, uuid.Nil, audit.Filter{TenantID: &e.Tenant})
			equal(t, "platform by tenant", len(got), 1)
		}},
	}
}

// auditDump is an event's before and after as JSON, for checks that no
// secret is in it.
func auditDump(e *audit.Event) string {
	b, _ := json.Marshal([]map[string]any{e.Before, e.After})
	return string(b)
}
