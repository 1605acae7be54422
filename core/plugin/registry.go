package plugin

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// RegisterPlugin stores a plugin binary whose file and checksum the
// caller verified, in a platform unit. EINVALID for bad fields, ECONFLICT
// when its name and version exist.
func (s *Service) RegisterPlugin(ctx context.Context, u core.UnitOfWork, np core.NewPlugin) (*core.Plugin, error) {
	if err := np.Validate(); err != nil {
		return nil, err
	}
	return s.store.Plugins(u).InsertPlugin(ctx, &core.Plugin{ID: uuid.New(), Name: np.Name, Kind: np.Kind,
		Version: np.Version, Path: np.Path, SHA256: strings.ToLower(np.SHA256), CreatedAt: s.now()})
}

// FindPlugins lists the registry by name and version.
func (s *Service) FindPlugins(ctx context.Context, u core.UnitOfWork) ([]*core.Plugin, error) {
	return s.store.Plugins(u).FindPlugins(ctx)
}

// FindAvailablePlugins lists the plugins a tenant can bind: the enabled
// ones, by name and version.
func (s *Service) FindAvailablePlugins(ctx context.Context, u core.UnitOfWork) ([]*core.Plugin, error) {
	all, err := s.store.Plugins(u).FindPlugins(ctx)
	out := []*core.Plugin{}
	for _, p := range all {
		if p.Enabled {
			out = append(out, p)
		}
	}
	return out, err
}

// SetPluginEnabled enables or disables a plugin; a disabled plugin is not
// launched and its bindings act as if unbound. ENOTFOUND.
func (s *Service) SetPluginEnabled(ctx context.Context, u core.UnitOfWork, id uuid.UUID, enabled bool) (*core.Plugin, error) {
	return s.store.Plugins(u).SetPluginEnabled(ctx, id, enabled)
}

// DeletePlugin removes a plugin from the registry: ECONFLICT while any
// tenant binds it, ENOTFOUND.
func (s *Service) DeletePlugin(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	repo := s.store.Plugins(u)
	inUse, err := repo.PluginInUse(ctx, id)
	if err != nil {
		return err
	}
	if inUse {
		return core.Errorf(core.ECONFLICT, "tenants still bind this plugin; disable it instead, or ask them to unbind it")
	}
	return repo.DeletePlugin(ctx, id)
}
