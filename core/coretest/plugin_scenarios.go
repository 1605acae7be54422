package coretest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
	require.NoError(b.t, b.in(uuid.Nil, func(u core.UnitOfWork) (err error) {
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
	require.NoError(b.t, b.in(tenant, func(u core.UnitOfWork) (err error) {
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

func ptr[T any](v T) *T { return &v }

// PluginScenarios are the scenarios of the plugin use cases, run on the
// fake (core/plugin) and on PostgreSQL (core/postgres).
func PluginScenarios() []PluginScenario {
	return []PluginScenario{
		{"registration validates and normalises", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			require.Equal(t, strings.Repeat("ab", 32), p.SHA256, "stored in lower case")
			require.True(t, p.Enabled)
			err := b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.RegisterPlugin(context.Background(), u, core.NewPlugin{Name: "Bad Name", Kind: core.PluginParts,
					Version: "1", Path: "/p", SHA256: strings.Repeat("ab", 32)})
				return err
			})
			require.Equal(t, core.EINVALID, code(err))
			err = b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.RegisterPlugin(context.Background(), u, core.NewPlugin{Name: "erp", Kind: core.PluginParts,
					Version: "1.0.0", Path: "/p", SHA256: strings.Repeat("cd", 32)})
				return err
			})
			require.Equal(t, core.ECONFLICT, code(err), "same name and version")
			off := b.register("switch", core.PluginCTI)
			require.NoError(t, b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.SetPluginEnabled(context.Background(), u, off.ID, false)
				return err
			}))
			require.NoError(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				av, err := b.s.FindAvailablePlugins(context.Background(), u)
				require.Len(t, av, 1, "a disabled plugin is not offered")
				require.Equal(t, p.ID, av[0].ID)
				return err
			}))
		}},
		{"one enabled binding per kind", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("switch", core.PluginCTI)
			first, tok, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			require.NoError(t, err)
			require.NotEmpty(t, tok)
			require.Equal(t, core.PluginCTI, first.Kind, "the kind comes from the registry")
			require.Equal(t, 1, first.Version)
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "second", Enabled: true})
			require.Equal(t, core.ECONFLICT, code(err))
			second, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "spare"})
			require.NoError(t, err, "a disabled one may stand beside it")
			_, err = b.update(second.ID, core.PluginBindingUpdate{Enabled: ptr(true)})
			require.Equal(t, core.ECONFLICT, code(err))
			_, _, err = b.bind(e.Other, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			require.NoError(t, err, "per tenant")
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: uuid.New(), Name: "ghost"})
			require.Equal(t, core.EINVALID, code(err), "unknown plugin")
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "x", Config: json.RawMessage(`[1]`)})
			require.Equal(t, core.EINVALID, code(err), "config must be an object")
			require.Len(t, b.bindings(e.Tenant), 2)
		}},
		{"secrets are set, kept and deleted", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			nb, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true,
				Secrets: map[string]string{"user": "u", "password": "p"}})
			require.NoError(t, err)
			require.Equal(t, []string{"password", "user"}, nb.SecretNames)
			require.Nil(t, nb.Secrets, "never returned")
			up, err := b.update(nb.ID, core.PluginBindingUpdate{Secrets: map[string]string{"user": "", "token": "t"}})
			require.NoError(t, err)
			require.Equal(t, []string{"password", "token"}, up.SecretNames)
			require.Equal(t, 2, up.Version)
			up, err = b.update(nb.ID, core.PluginBindingUpdate{Name: ptr("ERP 2")})
			require.NoError(t, err)
			require.Equal(t, []string{"password", "token"}, up.SecretNames, "untouched secrets stay")
			require.Equal(t, 3, up.Version)
			got, err := b.enabled(core.PluginParts)
			require.NoError(t, err)
			require.Equal(t, map[string]string{"password": "p", "token": "t"}, got.Secrets, "the runtime gets them")
			require.Equal(t, p.Path, got.Plugin.Path)
			many := map[string]string{}
			for i := range core.PluginMaxSecrets {
				many["s"+strings.Repeat("x", i)] = "v"
			}
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Secrets: many})
			require.Equal(t, core.EINVALID, code(err), "the limit holds for the secrets merged")
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Secrets: map[string]string{"bad name": "v"}})
			require.Equal(t, core.EINVALID, code(err))
		}},
		{"a configuration the plugin refuses is not saved", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			b.rt.CheckErr = core.FieldError("config", "url is required")
			_, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			require.Equal(t, core.EINVALID, code(err))
			require.Empty(t, b.bindings(e.Tenant))
			b.rt.CheckErr = nil
			nb, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			require.NoError(t, err)
			b.rt.CheckErr = core.FieldError("config", "url is required")
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Config: json.RawMessage(`{"url":""}`)})
			require.Equal(t, core.EINVALID, code(err))
			require.Equal(t, 1, b.bindings(e.Tenant)[0].Version, "nothing changed")
			_, err = b.update(nb.ID, core.PluginBindingUpdate{Name: ptr("renamed")})
			require.NoError(t, err, "a new name is not checked")
			require.Equal(t, []uuid.UUID{nb.ID}, b.rt.Stopped(), "the process restarts with the change")
		}},
		{"a disabled plugin's binding acts as unbound", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			_, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			require.NoError(t, err)
			_, err = b.enabled(core.PluginParts)
			require.NoError(t, err)
			require.NoError(t, b.in(uuid.Nil, func(u core.UnitOfWork) error {
				_, err := b.s.SetPluginEnabled(context.Background(), u, p.ID, false)
				return err
			}))
			_, err = b.enabled(core.PluginParts)
			require.Equal(t, core.ENOTFOUND, code(err))
			require.NoError(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				cached, err := b.s.CachedEnabledBinding(context.Background(), u, core.PluginParts)
				require.Nil(t, cached)
				return err
			}))
			err = b.in(e.Tenant, func(u core.UnitOfWork) error {
				_, err := b.s.FindParts(context.Background(), u, core.PartQuery{Query: "filter"})
				return err
			})
			require.Equal(t, core.ECONFLICT, code(err), "no parts catalogue bound")
		}},
		{"a bound plugin cannot be deleted", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("erp", core.PluginParts)
			nb, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP"})
			require.NoError(t, err)
			del := func() error {
				return b.in(uuid.Nil, func(u core.UnitOfWork) error { return b.s.DeletePlugin(context.Background(), u, p.ID) })
			}
			require.Equal(t, core.ECONFLICT, code(del()))
			require.Equal(t, core.ENOTFOUND, code(b.in(e.Other, func(u core.UnitOfWork) error {
				return b.s.DeleteBinding(context.Background(), u, nb.ID)
			})), "another tenant's binding is not there")
			require.NoError(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				return b.s.DeleteBinding(context.Background(), u, nb.ID)
			}))
			require.Equal(t, []uuid.UUID{nb.ID}, b.rt.Stopped())
			require.NoError(t, del())
			require.Equal(t, core.ENOTFOUND, code(del()))
		}},
		{"a CTI token authenticates its own enabled binding only", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("switch", core.PluginCTI)
			mine, tok, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			require.NoError(t, err)
			theirs, tokOther, err := b.bind(e.Other, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			require.NoError(t, err)
			got, err := b.s.AuthenticateCTI(context.Background(), mine.ID, tok)
			require.NoError(t, err)
			require.Equal(t, e.Tenant, got.TenantID)
			for name, c := range map[string]struct {
				id  uuid.UUID
				tok string
			}{"another binding's token": {theirs.ID, tok}, "its token elsewhere": {mine.ID, tokOther},
				"garbage": {mine.ID, "ctk_nonsense"}, "empty": {mine.ID, ""}} {
				_, err := b.s.AuthenticateCTI(context.Background(), c.id, c.tok)
				require.Equal(t, core.EUNAUTHORIZED, code(err), name)
			}
			_, err = b.update(mine.ID, core.PluginBindingUpdate{Enabled: ptr(false)})
			require.NoError(t, err)
			_, err = b.s.AuthenticateCTI(context.Background(), mine.ID, tok)
			require.Equal(t, core.EUNAUTHORIZED, code(err), "disabled")
			_, err = b.update(mine.ID, core.PluginBindingUpdate{Enabled: ptr(true)})
			require.NoError(t, err)
			e.Suspend()
			_, err = b.s.AuthenticateCTI(context.Background(), mine.ID, tok)
			require.Equal(t, core.EUNAUTHORIZED, code(err), "suspended tenant")
		}},
		{"call events reach the agents with the extension", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			p := b.register("switch", core.PluginCTI)
			nb, tok, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			require.NoError(t, err)
			require.NoError(t, b.setExtension(e.Users[0], "8001"))
			b.rt.Events = []core.CallEvent{{Type: core.CallRinging, CallID: "c1", Caller: "13800138000", AgentExtension: "8001"},
				{Type: core.CallEnded, CallID: "c1", AgentExtension: "8001"}, {Type: core.CallRinging, CallID: "c2", AgentExtension: "9999"}}
			got, err := b.s.ReceiveCallEvents(context.Background(), nb.ID, tok, core.CTIPayload{Body: []byte("{}")})
			require.NoError(t, err)
			require.Len(t, got.Events, 3)
			require.Equal(t, 2, got.Delivered)
			b.rt.Events = []core.CallEvent{{Type: "transferred", CallID: "c3"}}
			_, err = b.s.ReceiveCallEvents(context.Background(), nb.ID, tok, core.CTIPayload{Body: []byte("{}")})
			require.Equal(t, core.EUNPROCESSABLE, code(err), "the plugin's answer is no call event")
		}},
		{"extensions are validated and unique; dialling needs one", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			require.Equal(t, core.EINVALID, code(b.setExtension(e.Users[0], "80 01")))
			require.NoError(t, b.setExtension(e.Users[0], "8001"))
			require.Equal(t, core.ECONFLICT, code(b.setExtension(e.Users[1], "8001")))
			require.Equal(t, core.ENOTFOUND, code(b.setExtension(uuid.New(), "8002")))
			dial := func(user uuid.UUID) (*core.DialResult, error) {
				var out *core.DialResult
				err := b.in(e.Tenant, func(u core.UnitOfWork) (err error) {
					out, err = b.s.Dial(context.Background(), u, user, "13800138000")
					return err
				})
				return out, err
			}
			_, err := dial(e.Users[1])
			require.Equal(t, core.ECONFLICT, code(err), "no extension")
			_, err = dial(e.Users[0])
			require.Equal(t, core.ECONFLICT, code(err), "no CTI binding")
			p := b.register("switch", core.PluginCTI)
			_, _, err = b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "HQ", Enabled: true})
			require.NoError(t, err)
			res, err := dial(e.Users[0])
			require.NoError(t, err)
			require.Equal(t, "call-8001", res.CallID)
			require.NoError(t, b.setExtension(e.Users[0], ""))
			require.NoError(t, b.setExtension(e.Users[1], "8001"), "cleared, it is free again")
		}},
		{"requisition lines are checked before the ERP is asked", func(t *testing.T, e PluginEnv) {
			b := e.setup(t)
			req := func(lines ...core.RequisitionLine) error {
				return b.in(e.Tenant, func(u core.UnitOfWork) error {
					_, err := b.s.CreateRequisition(context.Background(), u, core.PartRequisition{Lines: lines, RequestedBy: "admin"})
					return err
				})
			}
			require.Equal(t, core.EINVALID, code(req(core.RequisitionLine{PartCode: "P-1", Quantity: 0})))
			require.Equal(t, core.EINVALID, code(req(core.RequisitionLine{PartCode: "", Quantity: 1})))
			require.Equal(t, core.ECONFLICT, code(req(core.RequisitionLine{PartCode: "P-1", Quantity: 2})), "no ERP bound")
			p := b.register("erp", core.PluginParts)
			_, _, err := b.bind(e.Tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true})
			require.NoError(t, err)
			require.NoError(t, req(core.RequisitionLine{PartCode: "P-1", Quantity: 2}))
			require.NoError(t, b.in(e.Tenant, func(u core.UnitOfWork) error {
				parts, err := b.s.FindParts(context.Background(), u, core.PartQuery{Query: "x"})
				require.NotNil(t, parts, "an empty list, not nil")
				return err
			}))
		}},
	}
}
