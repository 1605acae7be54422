package coretest

import (
	"bytes"
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/core/plugin"
)

// Plugins is the in-memory fake of plugin.Store: one database of the
// plugin registry and tenants' bindings, agents' extensions and the agent
// events they were sent. Secrets are kept as given (the adapter's
// encryption is its own concern) and nothing is cached.
type Plugins struct {
	*Memory[PluginState]
	AuditLog
}

// PluginState is the fake's rows.
type PluginState struct {
	Registry map[uuid.UUID]core.Plugin
	Tenants  map[uuid.UUID]*PluginTenant
}

// PluginTenant is one tenant's plugin rows.
type PluginTenant struct {
	Status   string
	Bindings map[uuid.UUID]StoredBinding
	Users    map[uuid.UUID]PluginUser
	// Published are the agent events sent by committed units, in order.
	Published []PublishedAgentEvent
}

// StoredBinding is a binding row: its secrets and the hash of its CTI
// token.
type StoredBinding struct {
	core.PluginBinding
	TokenHash []byte
}

// PluginUser is what the plugins see of a user.
type PluginUser struct {
	Active    bool
	Extension string
}

// PublishedAgentEvent is an agent event as sent to a user.
type PublishedAgentEvent struct {
	User  uuid.UUID
	Event core.AgentEvent
}

// NewPlugins returns an empty fake.
func NewPlugins() *Plugins {
	return &Plugins{Memory: NewMemory(PluginState{Registry: map[uuid.UUID]core.Plugin{}, Tenants: map[uuid.UUID]*PluginTenant{}},
		clonePluginState)}
}

// AddTenant adds an active tenant with active users.
func (f *Plugins) AddTenant(tenant uuid.UUID, users ...uuid.UUID) {
	f.Write(func(s PluginState) PluginState {
		t := &PluginTenant{Status: core.TenantActive, Bindings: map[uuid.UUID]StoredBinding{}, Users: map[uuid.UUID]PluginUser{}}
		for _, u := range users {
			t.Users[u] = PluginUser{Active: true}
		}
		s.Tenants[tenant] = t
		return s
	})
}

func clonePluginState(s PluginState) PluginState {
	out := PluginState{Registry: maps.Clone(s.Registry), Tenants: make(map[uuid.UUID]*PluginTenant, len(s.Tenants))}
	for id, t := range s.Tenants {
		c := *t
		c.Bindings, c.Users, c.Published = maps.Clone(t.Bindings), maps.Clone(t.Users), slices.Clone(t.Published)
		out.Tenants[id] = &c
	}
	return out
}

// Plugins implements plugin.Store.
func (f *Plugins) Plugins(u core.UnitOfWork) plugin.Repository {
	return pluginRepo{u: UnitOf[PluginState](u)}
}

// FindTenantStatus implements plugin.Store.
func (f *Plugins) FindTenantStatus(_ context.Context, tenant uuid.UUID) (string, error) {
	status := ""
	f.Read(func(s PluginState) {
		if t, ok := s.Tenants[tenant]; ok {
			status = t.Status
		}
	})
	if status == "" {
		return "", core.Errorf(core.ENOTFOUND, "tenant not found")
	}
	return status, nil
}

type pluginRepo struct{ u *Unit[PluginState] }

// tenant is the unit's tenant; a platform unit sees an empty one.
func (r pluginRepo) tenant() *PluginTenant {
	if t, ok := r.u.State().Tenants[r.u.TenantID()]; ok {
		return t
	}
	return &PluginTenant{Bindings: map[uuid.UUID]StoredBinding{}, Users: map[uuid.UUID]PluginUser{}}
}

func (r pluginRepo) InsertPlugin(_ context.Context, p *core.Plugin) (*core.Plugin, error) {
	reg := r.u.State().Registry
	for _, o := range reg {
		if o.Name == p.Name && o.Version == p.Version {
			return nil, core.Errorf(core.ECONFLICT, "plugin %s %s already exists", p.Name, p.Version)
		}
	}
	out := *p
	out.Enabled = true
	reg[p.ID] = out
	return &out, nil
}

func (r pluginRepo) FindPlugins(context.Context) ([]*core.Plugin, error) {
	out := []*core.Plugin{}
	for _, p := range r.u.State().Registry {
		out = append(out, &p)
	}
	slices.SortFunc(out, func(a, b *core.Plugin) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out, nil
}

func (r pluginRepo) FindPluginByID(_ context.Context, id uuid.UUID) (*core.Plugin, error) {
	p, ok := r.u.State().Registry[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "plugin not found")
	}
	return &p, nil
}

func (r pluginRepo) SetPluginEnabled(ctx context.Context, id uuid.UUID, enabled bool) (*core.Plugin, error) {
	p, err := r.FindPluginByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p.Enabled = enabled
	r.u.State().Registry[id] = *p
	return p, nil
}

func (r pluginRepo) PluginInUse(_ context.Context, id uuid.UUID) (bool, error) {
	for _, t := range r.u.State().Tenants {
		for _, b := range t.Bindings {
			if b.PluginID == id {
				return true, nil
			}
		}
	}
	return false, nil
}

func (r pluginRepo) DeletePlugin(_ context.Context, id uuid.UUID) error {
	reg := r.u.State().Registry
	if _, ok := reg[id]; !ok {
		return core.Errorf(core.ENOTFOUND, "plugin not found")
	}
	delete(reg, id)
	return nil
}

// writeBinding stores b unless it is enabled beside another enabled
// binding of its kind (the unique index of the adapter).
func (r pluginRepo) writeBinding(b StoredBinding) (*core.PluginBinding, error) {
	t := r.tenant()
	for id, o := range t.Bindings {
		if id != b.ID && b.Enabled && o.Enabled && o.Kind == b.Kind {
			return nil, core.Errorf(core.ECONFLICT, "plugin binding already exists")
		}
	}
	b.Secrets = maps.Clone(b.Secrets)
	b.SecretNames = slices.Clone(b.SecretNames)
	t.Bindings[b.ID] = b
	return public(b), nil
}

// public is a binding as stored, without secrets or plugin.
func public(b StoredBinding) *core.PluginBinding {
	out := b.PluginBinding
	out.Secrets, out.Plugin, out.SecretNames = nil, nil, slices.Clone(b.SecretNames)
	return &out
}

func (r pluginRepo) InsertBinding(_ context.Context, b *core.PluginBinding, tokenHash []byte) (*core.PluginBinding, error) {
	nb := *b
	nb.Version = 1
	return r.writeBinding(StoredBinding{PluginBinding: nb, TokenHash: tokenHash})
}

func (r pluginRepo) FindBindings(context.Context) ([]*core.PluginBinding, error) {
	out := []*core.PluginBinding{}
	for _, b := range r.tenant().Bindings {
		out = append(out, public(b))
	}
	slices.SortFunc(out, func(a, b *core.PluginBinding) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return out, nil
}

func (r pluginRepo) stored(id uuid.UUID) (StoredBinding, error) {
	b, ok := r.tenant().Bindings[id]
	if !ok {
		return b, core.Errorf(core.ENOTFOUND, "plugin binding not found")
	}
	return b, nil
}

func (r pluginRepo) FindBindingByID(_ context.Context, id uuid.UUID) (*core.PluginBinding, error) {
	b, err := r.stored(id)
	if err != nil {
		return nil, err
	}
	return public(b), nil
}

func (r pluginRepo) LockBinding(_ context.Context, id uuid.UUID, withSecrets bool) (*core.PluginBinding, error) {
	b, err := r.stored(id)
	if err != nil {
		return nil, err
	}
	out := public(b)
	if withSecrets {
		out.Secrets = maps.Clone(b.Secrets)
		if out.Secrets == nil {
			out.Secrets = map[string]string{}
		}
	}
	return out, nil
}

func (r pluginRepo) UpdateBinding(_ context.Context, b *core.PluginBinding) (*core.PluginBinding, error) {
	cur, err := r.stored(b.ID)
	if err != nil {
		return nil, err
	}
	cur.Name, cur.Config, cur.Enabled, cur.Version, cur.UpdatedAt = b.Name, b.Config, b.Enabled, b.Version, b.UpdatedAt
	if b.Secrets != nil {
		cur.Secrets, cur.SecretNames = b.Secrets, b.SecretNames
	}
	return r.writeBinding(cur)
}

func (r pluginRepo) DeleteBinding(_ context.Context, id uuid.UUID) error {
	if _, err := r.stored(id); err != nil {
		return err
	}
	delete(r.tenant().Bindings, id)
	return nil
}

// runnable is a binding with its plugin and secrets.
func (r pluginRepo) runnable(b StoredBinding) (*core.PluginBinding, []byte, error) {
	out := public(b)
	out.Secrets = maps.Clone(b.Secrets)
	if out.Secrets == nil {
		out.Secrets = map[string]string{}
	}
	p := r.u.State().Registry[b.PluginID]
	out.Plugin = &p
	return out, slices.Clone(b.TokenHash), nil
}

func (r pluginRepo) FindRunnableBinding(_ context.Context, id uuid.UUID) (*core.PluginBinding, []byte, error) {
	b, err := r.stored(id)
	if err != nil {
		return nil, nil, err
	}
	return r.runnable(b)
}

func (r pluginRepo) FindEnabledBinding(_ context.Context, kind string) (*core.PluginBinding, error) {
	for _, b := range r.tenant().Bindings {
		if b.Enabled && b.Kind == kind {
			out, _, err := r.runnable(b)
			return out, err
		}
	}
	return nil, core.Errorf(core.ENOTFOUND, "plugin binding not found")
}

func (r pluginRepo) CachedEnabledBinding(ctx context.Context, kind string) (*core.PluginBinding, error) {
	b, err := r.FindEnabledBinding(ctx, kind)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil
	}
	return b, err
}

func (r pluginRepo) FindUsersByCTIExtension(_ context.Context, extension string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for id, u := range r.tenant().Users {
		if u.Active && u.Extension == extension {
			out = append(out, id)
		}
	}
	return out, nil
}

func (r pluginRepo) SetCTIExtension(_ context.Context, user uuid.UUID, extension string) error {
	users := r.tenant().Users
	u, ok := users[user]
	if !ok {
		return core.Errorf(core.ENOTFOUND, "user not found")
	}
	for id, o := range users {
		if id != user && extension != "" && o.Extension == extension {
			return core.Errorf(core.ECONFLICT, "user already exists")
		}
	}
	u.Extension = extension
	users[user] = u
	return nil
}

func (r pluginRepo) FindCTIExtension(_ context.Context, user uuid.UUID) (string, error) {
	u, ok := r.tenant().Users[user]
	if !ok {
		return "", core.Errorf(core.ENOTFOUND, "user not found")
	}
	return u.Extension, nil
}

func (r pluginRepo) PublishAgentEvent(user uuid.UUID, e core.AgentEvent) error {
	e.ScreenPop = nil
	t := r.tenant()
	t.Published = append(t.Published, PublishedAgentEvent{User: user, Event: e})
	return nil
}

func (r pluginRepo) DispatchFacts(context.Context, uuid.UUID, []uuid.UUID) (*core.DispatchFacts, error) {
	return &core.DispatchFacts{Sites: map[uuid.UUID]core.DispatchSiteFacts{}, Technicians: map[uuid.UUID]core.DispatchTechnicianFacts{}}, nil
}

// PluginRuntime is a fake core.PluginRuntime: its CTI plugin translates
// every payload into Events, its configuration check answers CheckErr, and
// it records the bindings it was asked to stop.
type PluginRuntime struct {
	mu       sync.Mutex
	CheckErr error
	Events   []core.CallEvent
	stopped  []uuid.UUID
}

// CTI implements core.PluginRuntime.
func (f *PluginRuntime) CTI(context.Context, *core.PluginBinding) (core.CTIPlugin, error) {
	return fakeCTI{f}, nil
}

// Parts implements core.PluginRuntime: an ERP that knows nothing.
func (f *PluginRuntime) Parts(context.Context, *core.PluginBinding) (core.PartsPlugin, error) {
	return fakeParts{}, nil
}

// DispatchRules implements core.PluginRuntime: no rules.
func (f *PluginRuntime) DispatchRules(context.Context, *core.PluginBinding) (dispatch.Rules, error) {
	return nil, nil
}

// Status implements core.PluginRuntime.
func (f *PluginRuntime) Status(_ context.Context, id uuid.UUID) core.PluginStatus {
	return core.NotStarted(id)
}

// Stop implements core.PluginRuntime.
func (f *PluginRuntime) Stop(id uuid.UUID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, id)
}

// Stopped returns the bindings stopped so far.
func (f *PluginRuntime) Stopped() []uuid.UUID {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.stopped)
}

// CheckConfig implements core.PluginRuntime.
func (f *PluginRuntime) CheckConfig(context.Context, *core.PluginBinding) error { return f.CheckErr }

type fakeCTI struct{ f *PluginRuntime }

func (c fakeCTI) TranslateEvents(context.Context, core.CTIPayload) ([]core.CallEvent, error) {
	return c.f.Events, nil
}

func (c fakeCTI) Dial(_ context.Context, r core.DialRequest) (*core.DialResult, error) {
	return &core.DialResult{CallID: "call-" + r.AgentExtension}, nil
}

type fakeParts struct{}

func (fakeParts) FindParts(context.Context, core.PartQuery) ([]core.Part, error) { return nil, nil }
func (fakeParts) PartStock(context.Context, string) ([]core.StockLevel, error) {
	return nil, core.Errorf(core.ENOTFOUND, "part not found")
}
func (fakeParts) ReservePart(context.Context, core.PartReservation) (*core.Reservation, error) {
	return nil, core.Errorf(core.ECONFLICT, "not enough stock")
}
func (fakeParts) CreateRequisition(_ context.Context, r core.PartRequisition) (*core.Requisition, error) {
	return &core.Requisition{ID: "r1", Number: "REQ-1", Status: "open"}, nil
}
