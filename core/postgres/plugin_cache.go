package postgres

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// invalidateBindings drops the cached bindings of a tenant (uuid.Nil: all).
func (s *PluginStore) invalidateBindings(tenant uuid.UUID) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	s.gen.Add(1)
	s.cache.Range(func(k, _ any) bool {
		if tenant == uuid.Nil || k.(bindingKey).tenant == tenant {
			s.cache.Delete(k)
		}
		return true
	})
}

// CachedEnabledBinding reads through a cache that Listen keeps in step
// with changes on every replica (and the repository's writes, on this
// one, once they commit); on a miss, or while Listen is not running, it
// reads in the unit: the connection the caller already holds.
func (r pluginRepo) CachedEnabledBinding(ctx context.Context, kind string) (*core.PluginBinding, error) {
	s := r.s
	k := bindingKey{r.u.tenantID, kind}
	if v, ok := s.cache.Load(k); ok {
		return v.(*core.PluginBinding), nil
	}
	gen := s.gen.Load()
	b, err := r.FindEnabledBinding(ctx, kind)
	if core.ErrorCode(err) == core.ENOTFOUND {
		b, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.cacheMu.Lock()
	if s.listening.Load() && s.gen.Load() == gen {
		s.cache.Store(k, b)
	}
	s.cacheMu.Unlock()
	return b, nil
}
