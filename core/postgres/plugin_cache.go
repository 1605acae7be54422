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

// invalidateAfterCommit drops this replica's cached bindings of the tenant
// of ctx's unit once the change being made commits, so that its next
// request sees it at once; other replicas follow on the trigger's NOTIFY.
func (s *PluginStore) invalidateAfterCommit(ctx context.Context, tenant uuid.UUID) {
	if u, ok := ctx.Value(sessionKey{}).(*unit); ok {
		u.AfterCommit(func() { s.invalidateBindings(tenant) })
	}
}

// CachedEnabledBinding returns the enabled binding of the kind (nil when
// none) of u's tenant, for the dispatch seam, which runs on every intake.
// It reads through a cache that Listen keeps in step with changes on every
// replica; on a miss, or while Listen is not running, it reads in u: the
// connection the caller already holds, so that a burst of intakes cannot
// take every connection of the pool and then wait for a second one each.
func (s *PluginStore) CachedEnabledBinding(ctx context.Context, u core.UnitOfWork, kind string) (*core.PluginBinding, error) {
	tenant := u.TenantID()
	k := bindingKey{tenant, kind}
	if v, ok := s.cache.Load(k); ok {
		return v.(*core.PluginBinding), nil
	}
	gen := s.gen.Load()
	b, err := s.FindEnabledPluginBinding(s.s.Join(ctx, u), kind)
	if isNotFound(err) {
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
