package plugin

import (
	"context"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateBinding binds a registered plugin to u's tenant and returns the
// binding and its CTI event token (for every kind; only CTI vendors use
// it), shown once. The plugin is asked whether it takes the configuration
// first (CheckConfig): a refusal is EINVALID and, the unit rolled back,
// leaves nothing saved. EINVALID for bad fields or an unknown plugin;
// ECONFLICT when enabled and the tenant already has an enabled binding of
// the kind.
func (s *Service) CreateBinding(ctx context.Context, u core.UnitOfWork, nb core.NewPluginBinding) (*core.PluginBinding, string, error) {
	if err := nb.Validate(); err != nil {
		return nil, "", err
	}
	if err := s.checkEgress(ctx, nb.Config); err != nil {
		return nil, "", err
	}
	repo := s.store.Plugins(u)
	p, err := repo.FindPluginByID(ctx, nb.PluginID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, "", core.FieldError("plugin_id", "no such plugin is registered")
	}
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	tok, hash := newCTIToken(u.TenantID())
	b, err := repo.InsertBinding(ctx, &core.PluginBinding{TenantID: u.TenantID(), ID: uuid.New(), PluginID: p.ID, Kind: p.Kind,
		Name: nb.Name, Config: nb.Config, Secrets: nb.Secrets, SecretNames: secretNames(nb.Secrets), Enabled: nb.Enabled,
		CreatedAt: now, UpdatedAt: now}, hash)
	if core.ErrorCode(err) == core.ECONFLICT {
		return nil, "", enabledConflict(p.Kind)
	}
	if err != nil {
		return nil, "", err
	}
	s.record(ctx, u, audit.ActCreate, b.ID, nil, b)
	if err := s.checkConfig(ctx, u, b.ID); err != nil {
		return nil, "", err // rolled back by the caller, the event with it
	}
	return b, tok, nil
}

func secretNames(secrets map[string]string) []string {
	if len(secrets) == 0 {
		return []string{}
	}
	return slices.Sorted(maps.Keys(secrets))
}

func enabledConflict(kind string) error {
	return core.Errorf(core.ECONFLICT, "the tenant already has an enabled %s binding; disable it first", kind)
}

// FindBindings lists the tenant's bindings by name (no secrets).
func (s *Service) FindBindings(ctx context.Context, u core.UnitOfWork) ([]*core.PluginBinding, error) {
	return s.store.Plugins(u).FindBindings(ctx)
}

// FindBindingByID: ENOTFOUND when absent from the tenant. No secrets.
func (s *Service) FindBindingByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.PluginBinding, error) {
	return s.store.Plugins(u).FindBindingByID(ctx, id)
}

// UpdateBinding changes a binding: nil fields stay; secrets given are set,
// an empty value deleting that secret, others stay. A new configuration,
// new secrets or enabling is checked with the plugin first, as on create;
// then the binding's process stops, so that its next use starts it with
// the change. ENOTFOUND, EINVALID, ECONFLICT as for create.
func (s *Service) UpdateBinding(ctx context.Context, u core.UnitOfWork, id uuid.UUID, up core.PluginBindingUpdate) (*core.PluginBinding, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkEgress(ctx, up.Config); err != nil {
		return nil, err
	}
	repo := s.store.Plugins(u)
	cur, err := repo.LockBinding(ctx, id, len(up.Secrets) > 0)
	if err != nil {
		return nil, err
	}
	before := *cur
	if up.Name != nil {
		cur.Name = *up.Name
	}
	if up.Config != nil {
		cur.Config = up.Config
	}
	if up.Enabled != nil {
		cur.Enabled = *up.Enabled
	}
	if len(up.Secrets) > 0 {
		for k, v := range up.Secrets {
			if v == "" {
				delete(cur.Secrets, k)
			} else {
				cur.Secrets[k] = v
			}
		}
		if err := core.ValidatePluginSecrets(cur.Secrets); err != nil {
			return nil, err
		}
		cur.SecretNames = secretNames(cur.Secrets)
	} else {
		cur.Secrets = nil // the stored ones stay
	}
	cur.Version++
	cur.UpdatedAt = s.now()
	b, err := repo.UpdateBinding(ctx, cur)
	if core.ErrorCode(err) == core.ECONFLICT {
		return nil, enabledConflict(cur.Kind)
	}
	if err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActUpdate, id, &before, b)
	if up.Config != nil || len(up.Secrets) > 0 || up.Enabled != nil && *up.Enabled {
		if err := s.checkConfig(ctx, u, id); err != nil {
			return nil, err
		}
	}
	s.stop(id)
	return b, nil
}

// DeleteBinding unbinds a plugin and stops its process: ENOTFOUND.
func (s *Service) DeleteBinding(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	repo := s.store.Plugins(u)
	before, err := repo.FindBindingByID(ctx, id)
	if err != nil {
		return err
	}
	if err := repo.DeleteBinding(ctx, id); err != nil {
		return err
	}
	s.record(ctx, u, audit.ActDelete, id, before, nil)
	s.stop(id)
	return nil
}

// record records a change of binding id in the audit log: its secrets'
// names, never their values.
func (s *Service) record(ctx context.Context, u core.UnitOfWork, action string, id uuid.UUID, before, after *core.PluginBinding) {
	audit.Record(ctx, s.store, u, audit.Change{Action: action, ResourceType: audit.ResPluginBinding, ResourceID: id.String(),
		Before: before, After: after})
}

// BindingStatus reports on a binding's plugin processes: ENOTFOUND when
// the binding is absent from the tenant; not started when this server
// runs no plugins.
func (s *Service) BindingStatus(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (core.PluginStatus, error) {
	if _, err := s.store.Plugins(u).FindBindingByID(ctx, id); err != nil {
		return core.PluginStatus{}, err
	}
	if s.runtime == nil {
		return core.NotStarted(id), nil
	}
	return s.runtime.Status(ctx, id), nil
}

// checkConfig asks the binding's plugin whether it takes the binding's
// configuration, as written in u (so that a refusal, rolling u back,
// leaves nothing saved): EINVALID with the plugin's reason.
func (s *Service) checkConfig(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	if s.runtime == nil {
		return nil
	}
	b, _, err := s.runnableBinding(ctx, u, id)
	if err != nil {
		return err
	}
	return s.runtime.CheckConfig(ctx, b)
}

// stop stops the binding's process so that its next use starts it anew.
func (s *Service) stop(id uuid.UUID) {
	if s.runtime != nil {
		s.runtime.Stop(id)
	}
}

// runnableBinding reads binding id, enabled or not, with its plugin and
// secrets, and its CTI token's hash. A binding whose plugin is disabled
// acts as disabled.
func (s *Service) runnableBinding(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.PluginBinding, []byte, error) {
	b, hash, err := s.store.Plugins(u).FindRunnableBinding(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	b.Enabled = b.Enabled && b.Plugin.Enabled
	return b, hash, nil
}

// EnabledBinding returns the tenant's enabled binding of the kind whose
// plugin is enabled, with its secrets and Plugin, for the runtime.
// ENOTFOUND when there is none.
func (s *Service) EnabledBinding(ctx context.Context, u core.UnitOfWork, kind string) (*core.PluginBinding, error) {
	b, err := s.store.Plugins(u).FindEnabledBinding(ctx, kind)
	if err == nil && !b.Plugin.Enabled || core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.Errorf(core.ENOTFOUND, "no enabled %s plugin is bound for this tenant", kind)
	}
	return b, err
}

// CachedEnabledBinding returns what EnabledBinding does (nil when none)
// for the dispatch seam, which runs on every intake: through the
// replica's cache, kept in step with changes on every replica, and on a
// miss read in u, the unit (and connection) the caller already holds, so
// that a burst of intakes cannot take every connection of the pool and
// then wait for a second one each. The binding may be shared: do not
// change it.
func (s *Service) CachedEnabledBinding(ctx context.Context, u core.UnitOfWork, kind string) (*core.PluginBinding, error) {
	b, err := s.store.Plugins(u).CachedEnabledBinding(ctx, kind)
	if err != nil || b == nil || !b.Plugin.Enabled {
		return nil, err
	}
	return b, nil
}

// DispatchFacts looks up the facts a dispatch-rules plugin gets about an
// order and its candidate sites, in the dispatching unit u.
func (s *Service) DispatchFacts(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID, sites []uuid.UUID) (*core.DispatchFacts, error) {
	return s.store.Plugins(u).DispatchFacts(ctx, orderID, sites)
}
