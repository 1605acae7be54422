package coretest

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/plugin"
)

// PluginEnv is what the plugin scenarios run on: a store with an empty
// registry and two active tenants, the first with two active users.
type PluginEnv struct {
	Units         core.UnitsOfWork
	Store         plugin.Store
	Clock         *Clock
	Tenant, Other uuid.UUID
	Users         [2]uuid.UUID
	// Suspend suspends Tenant.
	Suspend func()
}

// NewMemoryPluginEnv seeds the fake with a PluginEnv's tenants.
func NewMemoryPluginEnv() PluginEnv {
	f := NewPlugins()
	e := PluginEnv{Units: f, Store: f, Clock: &Clock{}, Tenant: uuid.New(), Other: uuid.New(), Users: [2]uuid.UUID{uuid.New(), uuid.New()}}
	f.AddTenant(e.Tenant, e.Users[:]...)
	f.AddTenant(e.Other)
	e.Suspend = func() {
		f.Write(func(s PluginState) PluginState {
			s.Tenants[e.Tenant].Status = core.TenantSuspended
			return s
		})
	}
	return e
}

// PluginScenario is one scenario of the plugin use cases.
type PluginScenario struct {
	Name string
	Run  func(t *testing.T, e PluginEnv)
}

// pluginBundle is a scenario's service on a fake runtime.
type pluginBundle struct {
	PluginEnv
	t  *testing.T
	s  *plugin.Service
	rt *PluginRuntime
}

func (e PluginEnv) setup(t *testing.T) *pluginBundle {
	rt := &PluginRuntime{}
	return &pluginBundle{PluginEnv: e, t: t, rt: rt,
		s: plugin.NewService(plugin.Config{Store: e.Store, Units: e.Units, Runtime: rt, Clock: e.Clock})}
}

// in runs fn in a unit of tenant (uuid.Nil: the platform) and commits it
// when fn returns nil.
func (b *pluginBundle) in(tenant uuid.UUID, fn func(u core.UnitOfWork) error) error {
	return core.InUnitOfWork(context.Background(), b.Units, tenant, fn)
}

func (b *pluginBundle) register(name, kind string) *core.Plugin {
	b.t.Helper()
	var p *core.Plugin
	must(b.t, b.in(uuid.Nil, func(u core.UnitOfWork) (err error) {
		p, err = b.s.RegisterPlugin(context.Background(), u, core.NewPlugin{Name: name, Kind: kind, Version: "1.0.0",
			Path: "/plugins/" + name, SHA256: strings.Repeat("AB", 32)})
		return err
	}))
	return p
}

func (b *pluginBundle) bind(tenant uuid.UUID, nb core.NewPluginBinding) (*core.PluginBinding, string, error) {
	var out *core.PluginBinding
	var tok string
	err := b.in(tenant, func(u core.UnitOfWork) (err error) {
		out, tok, err = b.s.CreateBinding(context.Background(), u, nb)
		return err
	})
	return out, tok, err
}

func (b *pluginBundle) update(id uuid.UUID, up core.PluginBindingUpdate) (*core.PluginBinding, error) {
	var out *core.PluginBinding
	err := b.in(b.Tenant, func(u core.UnitOfWork) (err error) {
		out, err = b.s.UpdateBinding(context.Background(), u, id, up)
		return err
	})
	return out, err
}

func (b *pluginBundle) enabled(kind string) (*core.PluginBinding, error) {
	var out *core.PluginBinding
	err := b.in(b.Tenant, func(u core.UnitOfWork) (err error) {
		out, err = b.s.EnabledBinding(context.Background(), u, kind)
		return err
	})
	return out, err
}

func (b *pluginBundle) bindings(tenant uuid.UUID) []*core.PluginBinding {
	b.t.Helper()
	var out []*core.PluginBinding
	must(b.t, b.in(tenant, func(u core.UnitOfWork) (err error) {
		out, err = b.s.FindBindings(context.Background(), u)
		return err
	}))
	return out
}

func (b *pluginBundle) setExtension(user uuid.UUID, ext string) error {
	return b.in(b.Tenant, func(u core.UnitOfWork) error {
		return b.s.SetCTIExtension(context.Background(), u, user, ext)
	})
}

func code(err error) string { return core.ErrorCode(err) }

// PluginScenarios are the scenarios of the plugin use cases, run on the
// fake (core/plugin) and on PostgreSQL (core/postgres).
func PluginScenarios() []PluginScenario {
	return []PluginScenario{
		{"registration validates and normalises", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			equal(t, "sha256, stored in lower case", p.SHA256, strings.Repeat("ab", 32))
			equal(t, "enabled", p.Enabled, true)
			err := b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.RegisterPlugin(context.Background(), u, core.NewPlugin{Name: "Bad Name", Kind: core.PluginParts,
					Version: "1", Path: "/p", SHA256: strings.Repeat("ab", 32)})
				return err
			})
			wantCode(t, err, core.EINVALID)
			err = b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.RegisterPlugin(context.Background(), u, core.NewPlugin{Name: "erp", Kind: core.PluginParts,
					Version: "1.0.0", Path: "/p", SHA256: strings.Repeat("cd", 32)})
				return err
			})
			wantCode(t, err, core.ECONFLICT)
			off := b.register("switch", core.PluginCTI)
			must(t, b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.SetPluginEnabled(context.Background(), u, off.ID, false)
				return err
			}))
			must(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				av, err := b.s.FindAvailablePlugins(context.Background(), u)
				if len(av) != 1 || av[0].ID != p.ID {
					t.Fatalf("available: %v, want only %s (a disabled plugin is not offered)", av, p.ID)
				}
				return err
			}))
		}},
		{"one enabled binding per kind", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("switch", core.PluginCTI)
			first, tok, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			must(t, err)
			equal(t, "a CTI token", tok != "", true)
			equal(t, "kind, from the registry", first.Kind, core.PluginCTI)
			equal(t, "version", first.Version, 1)
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "second", Enabled: true})
			wantCode(t, err, core.ECONFLICT)
			second, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "spare"})
			must(t, err) // a disabled one may stand beside it
			_, err = b.update(second.ID, core.PluginBindingUpdate{Enabled: ptr(true)})
			wantCode(t, err, core.ECONFLICT)
			_, _, err = b.bind(e.Other, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			must(t, err) // one per tenant
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: uuid.New(), Name: "ghost"})
			wantCode(t, err, core.EINVALID)
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "x", Config: json.RawMessage(`[1]`)})
			wantCode(t, err, core.EINVALID)
			equal(t, "bindings", len(b.bindings(e.Tenant)), 2)
		}},
		{"secrets are set, kept and deleted", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			nb, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true,
				Secrets: map[string]string{"user": "u", "password": "p"}})
			must(t, err)
			sameStrings(t, "secret names", nb.SecretNames, []string{"password", "user"})
			equal(t, "secrets returned", nb.Secrets == nil, true)
			up, err := b.update(nb.ID, core.PluginBindingUpdate{Secrets: map[string]string{"user": "", "token": "t"}})
			must(t, err)
			sameStrings(t, "secret names", up.SecretNames, []string{"password", "token"})
			equal(t, "version", up.Version, 2)
			up, err = b.update(nb.ID, core.PluginBindingUpdate{Name: ptr("ERP 2")})
			must(t, err)
			sameStrings(t, "untouched secrets stay", up.SecretNames, []string{"password", "token"})
			equal(t, "version", up.Version, 3)
			got, err := b.enabled(core.PluginParts)
			must(t, err)
			if !maps.Equal(got.Secrets, map[string]string{"password": "p", "token": "t"}) {
				t.Fatalf("the runtime gets secrets %v", got.Secrets)
			}
			equal(t, "plugin path", got.Plugin.Path, p.Path)
			many := map[string]string{}
			for i := range core.PluginMaxSecrets {
				many["s"+strings.Repeat("x", i)] = "v"
			}
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Secrets: many})
			wantCode(t, err, core.EINVALID)
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Secrets: map[string]string{"bad name": "v"}})
			wantCode(t, err, core.EINVALID)
		}},
		{"a configuration the plugin refuses is not saved", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			b.rt.CheckErr = core.FieldError("config", "url is required")
			_, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			wantCode(t, err, core.EINVALID)
			equal(t, "bindings", len(b.bindings(e.Tenant)), 0)
			b.rt.CheckErr = nil
			nb, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			must(t, err)
			b.rt.CheckErr = core.FieldError("config", "url is required")
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Config: json.RawMessage(`{"url":""}`)})
			wantCode(t, err, core.EINVALID)
			equal(t, "version, nothing changed", b.bindings(e.Tenant)[0].Version, 1)
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Name: ptr("renamed")})
			must(t, err) // a new name is not checked
			sameIDs(t, "stopped, to restart with the change", b.rt.Stopped(), []uuid.UUID{nb.ID})
		}},
		{"a disabled plugin's binding acts as unbound", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			_, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			must(t, err)
			_, err = b.enabled(core.PluginParts)
			must(t, err)
			must(t, b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.SetPluginEnabled(context.Background(), u, p.ID, false)
				return err
			}))
			_, err = b.enabled(core.PluginParts)
			wantCode(t, err, core.ENOTFOUND)
			must(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				cached, err := b.s.CachedEnabledBinding(context.Background(), u, core.PluginParts)
				equal(t, "cached binding", cached == nil, true)
				return err
			}))
			err = b.in(e.Tenant, func(u core.UnitOfWork) error {
				_, err := b.s.FindParts(context.Background(), u, core.PartQuery{Query: "filter"})
				return err
			})
			wantCode(t, err, core.ECONFLICT)
		}},
		{"a bound plugin cannot be deleted", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			nb, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP"})
			must(t, err)
			del := func() error {
				return b.in(uuid.Nil, func(u core.UnitOfWork) error { return b.s.DeletePlugin(context.Background(), u, p.ID) })
			}
			wantCode(t, del(), core.ECONFLICT)
			wantCode(t, b.in(e.Other, func(u core.UnitOfWork) error { // another tenant's binding is not there
				return b.s.DeleteBinding(context.Background(), u, nb.ID)
			}), core.ENOTFOUND)
			must(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				return b.s.DeleteBinding(context.Background(), u, nb.ID)
			}))
			sameIDs(t, "stopped", b.rt.Stopped(), []uuid.UUID{nb.ID})
			must(t, del())
			wantCode(t, del(), core.ENOTFOUND)
		}},
		{"a CTI token authenticates its own enabled binding only", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("switch", core.PluginCTI)
			mine, tok, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			must(t, err)
			theirs, tokOther, err := b.bind(e.Other, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			must(t, err)
			got, err := b.s.AuthenticateCTI(context.Background(), mine.ID, tok)
			must(t, err)
			equal(t, "tenant", got.TenantID, e.Tenant)
			for name, c := range map[string]struct {
				id  uuid.UUID
				tok string
			}{"another binding's token": {theirs.ID, tok}, "its token elsewhere": {mine.ID, tokOther},
				"garbage": {mine.ID, "ctk_nonsense"}, "empty": {mine.ID, ""}} {
				_, err := b.s.AuthenticateCTI(context.Background(), c.id, c.tok)
				if code(err) != core.EUNAUTHORIZED {
					t.Fatalf("%s: got %v, want unauthorized", name, err)
				}
			}
			_, err = b.update(mine.ID, core.PluginBindingUpdate{Enabled: ptr(false)})
			must(t, err)
			_, err = b.s.AuthenticateCTI(context.Background(), mine.ID, tok)
			wantCode(t, err, core.EUNAUTHORIZED)
			_, err = b.update(mine.ID, core.PluginBindingUpdate{Enabled: ptr(true)})
			must(t, err)
			e.Suspend()
			_, err = b.s.AuthenticateCTI(context.Background(), mine.ID, tok)
			wantCode(t, err, core.EUNAUTHORIZED)
		}},
		{"call events reach the agents with the extension", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("switch", core.PluginCTI)
			nb, tok, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			must(t, err)
			must(t, b.setExtension(e.Users[0], "8001"))
			b.rt.Events = []core.CallEvent{{Type: core.CallRinging, CallID: "c1", Caller: "13800138000", AgentExtension: "8001"},
				{Type: core.CallEnded, CallID: "c1", AgentExtension: "8001"}, {Type: core.CallRinging, CallID: "c2", AgentExtension: "9999"}}
			got, err := b.s.ReceiveCallEvents(context.Background(), nb.ID, tok, core.CTIPayload{Body: []byte("{}")})
			must(t, err)
			equal(t, "events", len(got.Events), 3)
			equal(t, "delivered", got.Delivered, 2)
			b.rt.Events = []core.CallEvent{{Type: "transferred", CallID: "c3"}}
			_, err = b.s.ReceiveCallEvents(context.Background(), nb.ID, tok, core.CTIPayload{Body: []byte("{}")})
			wantCode(t, err, core.EUNPROCESSABLE)
		}},
		{"extensions are validated and unique; dialling needs one", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			wantCode(t, b.setExtension(e.Users[0], "80 01"), core.EINVALID)
			must(t, b.setExtension(e.Users[0], "8001"))
			wantCode(t, b.setExtension(e.Users[1], "8001"), core.ECONFLICT)
			wantCode(t, b.setExtension(uuid.New(), "8002"), core.ENOTFOUND)
			dial := func(user uuid.UUID) (*core.DialResult, error) {
				var out *core.DialResult
				err := b.in(e.Tenant, func(u core.UnitOfWork) (err error) {
					out, err = b.s.Dial(context.Background(), u, user, "13800138000")
					return err
				})
				return out, err
			}
			_, err := dial(e.Users[1])
			wantCode(t, err, core.ECONFLICT)
			_, err = dial(e.Users[0])
			wantCode(t, err, core.ECONFLICT)
			p := b.register("switch", core.PluginCTI)
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			must(t, err)
			res, err := dial(e.Users[0])
			must(t, err)
			equal(t, "call", res.CallID, "call-8001")
			must(t, b.setExtension(e.Users[0], ""))
			must(t, b.setExtension(e.Users[1], "8001")) // cleared, it is free again
		}},
		{"requisition lines are checked before the ERP is asked", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			req := func(lines ...core.RequisitionLine) error {
				return b.in(e.Tenant, func(u core.UnitOfWork) error {
					_, err := b.s.CreateRequisition(context.Background(), u, core.PartRequisition{Lines: lines, RequestedBy: "admin"})
					return err
				})
			}
			wantCode(t, req(core.RequisitionLine{PartCode: "P-1", Quantity: 0}), core.EINVALID)
			wantCode(t, req(core.RequisitionLine{PartCode: "", Quantity: 1}), core.EINVALID)
			wantCode(t, req(core.RequisitionLine{PartCode: "P-1", Quantity: 2}), core.ECONFLICT)
			p := b.register("erp", core.PluginParts)
			_, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			must(t, err)
			must(t, req(core.RequisitionLine{PartCode: "P-1", Quantity: 2}))
			must(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				parts, err := b.s.FindParts(context.Background(), u, core.PartQuery{Query: "x"})
				equal(t, "parts, an empty list, not nil", parts != nil, true)
				return err
			}))
		}},
	}
}
