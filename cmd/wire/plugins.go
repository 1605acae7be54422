package wire

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/core/plugin"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/plugins/host"
)

// secretKey is the platform key of secrets at rest (plugin binding and
// webhook secrets); a nil key gets a random one shared by every App of
// this process (its secrets then live as long as the process: tests
// only, where replicas of one process must read each other's).
func secretKey(key []byte) []byte {
	if key == nil {
		return processKey()
	}
	return key
}

var processKey = sync.OnceValue(func() []byte {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return key
})

// bindingLookupTimeout bounds getting the binding's plugin instance from
// the runtime (starting its process when it is not running).
const bindingLookupTimeout = 2 * time.Second

// NewWorkOrders returns the work-order use cases on store, their dispatch
// decisions asking the tenants' dispatch-rules plugins run by rt (nil:
// the built-in ranking only). Every process that dispatches needs them:
// the API at intake, the worker when it redispatches.
func NewWorkOrders(store *postgres.Store, ps *plugin.Service, rt core.PluginRuntime, clock core.Clock, log *slog.Logger) *workorder.Service {
	c := workorder.Config{Store: store, Units: store, Clock: clock, Log: log}
	if rt != nil {
		c.Rules = dispatchRulesSeam(ps, rt, log)
	}
	return workorder.NewService(c)
}

// dispatchRulesSeam returns the dispatch engine's tenant-rules seam for a
// unit of work: the host's adapter, its facts read in that unit, when the
// tenant has an enabled dispatch_rules binding; nil (the built-in
// ranking) otherwise. The lookup is cached per tenant and dropped when a
// binding changes on any replica. When the lookup or the plugin fails,
// the seam answers with rules that fail, so the decision uses the
// built-in ranking and records why.
func dispatchRulesSeam(ps *plugin.Service, rt core.PluginRuntime, log *slog.Logger) func(core.UnitOfWork) dispatch.Rules {
	return func(u core.UnitOfWork) dispatch.Rules {
		tenant := u.TenantID()
		// The lookup reads in the caller's unit, whose connection is held:
		// no deadline of its own, which would break the unit's transaction.
		b, err := ps.CachedEnabledBinding(context.Background(), u, core.PluginDispatchRules)
		if err != nil {
			if log != nil {
				log.Warn("dispatch rules binding lookup failed; built-in ranking", "tenant", tenant, "err", err)
			}
			return failingRules{fmt.Errorf("binding lookup: %w", err)}
		}
		if b == nil {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), bindingLookupTimeout)
		defer cancel()
		r, err := rt.DispatchRules(ctx, b)
		if err != nil {
			return failingRules{err}
		}
		if fr, ok := r.(factsBinder); ok {
			r = fr.WithFacts(func(ctx context.Context, o dispatch.Order, sites []uuid.UUID) (*core.DispatchFacts, error) {
				return ps.DispatchFacts(ctx, u, o.ID, sites)
			})
		}
		return r
	}
}

// factsBinder is the host's rules adapter, which reads the facts of a
// decision in the dispatching unit of work.
type factsBinder interface {
	WithFacts(host.DispatchFactsFunc) dispatch.Rules
}

// failingRules fails every call, so the engine falls back and the decision
// says why.
type failingRules struct{ err error }

func (f failingRules) Rerank(context.Context, dispatch.Order, []dispatch.Candidate) ([]dispatch.Candidate, error) {
	return nil, f.err
}

func (f failingRules) ChooseTechnician(context.Context, dispatch.Order, uuid.UUID, []dispatch.TechCandidate) ([]dispatch.TechCandidate, error) {
	return nil, f.err
}
