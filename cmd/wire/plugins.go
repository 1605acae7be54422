package wire

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/plugins/host"
)

// newPluginStore builds the plugin store; a nil key gets a random one (its
// secrets then live as long as the process: tests only).
func newPluginStore(store *postgres.Store, key []byte) *postgres.PluginStore {
	if key == nil {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	ps, err := postgres.NewPluginStore(store, key)
	if err != nil {
		panic(fmt.Sprintf("wire: %v", err)) // the command checks the key's length first
	}
	return ps
}

// bindingLookupTimeout bounds the (cached) binding lookup of the dispatch
// seam when the cache is cold.
const bindingLookupTimeout = 2 * time.Second

// InstallDispatchRules makes store's dispatch decisions ask the tenants'
// dispatch-rules plugins, run by rt. Every process that dispatches needs
// it: the API at intake, the worker when it redispatches.
func InstallDispatchRules(store *postgres.Store, ps *postgres.PluginStore, rt core.PluginRuntime, log *slog.Logger) {
	store.SetDispatchRules(dispatchRulesSeam(ps, rt, log))
}

// dispatchRulesSeam returns the dispatch engine's tenant-rules seam: the
// host's adapter when the tenant has an enabled dispatch_rules binding,
// nil (the built-in ranking) otherwise. The lookup is cached per tenant
// and dropped when a binding changes on any replica. When the lookup or the
// plugin fails, the seam answers with rules that fail, so the decision
// uses the built-in ranking and records why.
func dispatchRulesSeam(ps *postgres.PluginStore, rt core.PluginRuntime, log *slog.Logger) func(uuid.UUID) dispatch.Rules {
	return func(tenant uuid.UUID) dispatch.Rules {
		ctx, cancel := context.WithTimeout(context.Background(), bindingLookupTimeout)
		defer cancel()
		b, err := ps.CachedEnabledBinding(ctx, tenant, core.PluginDispatchRules)
		if err != nil {
			if log != nil {
				log.Warn("dispatch rules binding lookup failed; built-in ranking", "tenant", tenant, "err", err)
			}
			return failingRules{fmt.Errorf("binding lookup: %w", err)}
		}
		if b == nil {
			return nil
		}
		r, err := rt.DispatchRules(ctx, b)
		if err != nil {
			return failingRules{err}
		}
		return r
	}
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

// NewPluginHost returns the plugin runtime with dispatch facts looked up
// in ps; pass ps as Options.Plugins too.
func NewPluginHost(ps *postgres.PluginStore, o host.Options) *host.Host {
	o.DispatchFacts = func(ctx context.Context, ord dispatch.Order, sites []uuid.UUID) (*core.DispatchFacts, error) {
		return ps.DispatchFacts(ctx, ord.ID, sites)
	}
	return host.New(o)
}
