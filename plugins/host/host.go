// Package host runs tenants' plugin processes (hashicorp/go-plugin over
// gRPC) for the platform: it implements core.PluginRuntime.
//
// One process serves one binding, so no plugin process ever holds two
// tenants' data, even when they bind the same binary. A process is started
// on first use after the binary's SHA-256 is checked against the registry
// (at every launch: a replaced binary is refused), over go-plugin's
// automatic mutual TLS, with an environment of its own (never the
// platform's), and configured with the binding's configuration and
// secrets. While it runs it is pinged; a crash retires it and the next use
// after a backoff launches it again; an idle one is stopped. Every call
// runs under a deadline, a per-binding concurrency limit and a per-binding
// circuit breaker; a breaker that opens also replaces the process, so a
// plugin stuck in its own code gets a fresh one for the probe. Calls that
// fail through the same crash, fail fast during the backoff, or are
// answered "bad request" or "not found" do not count against the breaker. Plugin log lines go to the platform's slog logger tagged
// with tenant, binding and plugin; metrics per binding go to the registry
// passed in.
//
// The typed clients (CTI, Parts, DispatchRules) translate between the
// platform's types and the SDK's, and validate what plugins answer: a
// garbage answer is an error, so the platform's built-in behaviour is used.
package host

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Host is the plugin runtime. Its zero value is not usable; call New.
type Host struct {
	opts    Options
	metrics *metrics
	kills   sync.WaitGroup

	mu        sync.Mutex
	instances map[uuid.UUID]*instance // by binding ID
	closed    bool
	stopBoard context.CancelFunc // ends publishing to the Board
	published sync.WaitGroup
}

var _ core.PluginRuntime = (*Host)(nil)

// New returns a host with opts (defaults for zero fields). It starts
// nothing: processes start on first use.
func New(opts Options) *Host {
	opts = opts.withDefaults()
	h := &Host{opts: opts, metrics: newMetrics(opts.Registry), instances: map[uuid.UUID]*instance{}, stopBoard: func() {}}
	if opts.Board != nil {
		var ctx context.Context
		ctx, h.stopBoard = context.WithCancel(context.Background())
		h.published.Go(func() { h.publish(ctx) })
	}
	return h
}

// instanceFor returns b's instance, created on first use, after checking
// that b is of kind. It fails fast, without a call, while the binding's
// breaker is open or its plugin is backing off after a failure, and
// otherwise starts the process in the background so that the first call
// finds it (nearly) ready.
// With lenient, it returns the instance all the same: its calls then fail
// fast with the reason.
func (h *Host) instanceFor(b *core.PluginBinding, kind string, lenient bool) (*instance, error) {
	switch {
	case b == nil || b.Plugin == nil:
		return nil, core.Errorf(core.EUNPROCESSABLE, "binding has no plugin")
	case b.Kind != kind || b.Plugin.Kind != kind:
		return nil, core.Errorf(core.EUNPROCESSABLE, "binding has kind %s but its plugin %s is a %s plugin", b.Kind, b.Plugin.Name, b.Plugin.Kind)
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, core.Errorf(core.EUNPROCESSABLE, "the plugin host is shut down")
	}
	i := h.instances[b.ID]
	if i == nil || i.tenant != b.TenantID {
		i = h.newInstance(b)
		h.instances[b.ID] = i
	}
	h.mu.Unlock()
	i.update(b)
	if err := i.warm(); err != nil && !lenient {
		return nil, err
	}
	return i, nil
}

// warm starts a launch unless the process runs, is starting, or must not
// start yet; it reports why it must not.
func (i *instance) warm() error {
	if breakerName(i.breaker.State()) == core.BreakerOpen {
		return core.Errorf(core.EUNPROCESSABLE, "plugin %s: circuit breaker open after repeated failures", i.plugin)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	switch {
	case i.proc != nil && i.proc.version == i.binding.Version, i.launching != nil:
	case i.state == core.PluginFailed && time.Now().Before(i.retryAt):
		return i.coreError("start", i.backingOff())
	default:
		i.startLaunch()
	}
	return nil
}

func (h *Host) lookup(bindingID uuid.UUID) *instance {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.instances[bindingID]
}

// Status reports on the binding's process; PluginNotStarted for a binding
// the host has not seen.
func (h *Host) Status(ctx context.Context, bindingID uuid.UUID) core.PluginStatus {
	st := core.NotStarted(bindingID)
	if b := h.opts.Board; b != nil {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		others, err := b.Read(ctx, bindingID)
		cancel()
		if err != nil {
			h.opts.Logger.Warn("plugin status board unreadable: this replica's status only", "binding", bindingID, "err", err)
		}
		for _, r := range others {
			if r.Replica != h.opts.Replica && time.Since(r.SeenAt) < 3*h.opts.PublishEvery {
				st.Replicas = append(st.Replicas, r)
			}
		}
	}
	if i := h.lookup(bindingID); i != nil {
		st.Replicas = append(st.Replicas, core.PluginReplicaStatus{Replica: h.opts.Replica, SeenAt: time.Now(), PluginProcess: i.status()})
	}
	slices.SortFunc(st.Replicas, func(a, b core.PluginReplicaStatus) int { return strings.Compare(a.Replica, b.Replica) })
	st.SumUp()
	return st
}

// PID is the binding's running process ID, 0 when none: for operators'
// diagnostics and the tests.
func (h *Host) PID(bindingID uuid.UUID) int {
	i := h.lookup(bindingID)
	if i == nil {
		return 0
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.proc == nil {
		return 0
	}
	return i.proc.pid
}

// Stop stops the binding's process; the next use starts it again, without
// waiting for a failure's backoff.
func (h *Host) Stop(bindingID uuid.UUID) {
	if i := h.lookup(bindingID); i != nil {
		i.stop(false)
	}
}

// all returns the instances, one per binding used.
func (h *Host) all() []*instance {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*instance, 0, len(h.instances))
	for _, i := range h.instances {
		out = append(out, i)
	}
	return out
}

// Close stops every process and waits for them to exit; the host refuses
// further use. A process still in a call is killed rather than waited for.
func (h *Host) Close() {
	h.stopBoard()
	h.published.Wait()
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	all := h.all()
	h.withdraw(all)
	for _, i := range all {
		i.stop(i.inflight.Load() > 0)
		i.mu.Lock()
		ch := i.launching
		i.mu.Unlock()
		if ch != nil {
			<-ch // a launch in flight sees the stop and ends its process
		}
	}
	h.kills.Wait()
}
