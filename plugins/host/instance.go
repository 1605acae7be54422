package host

import (
	"log/slog"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-plugin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"

	"github.com/aftersales/aftersales/core"
)

// process is one running plugin process, serving one binding at one
// configuration version.
type process struct {
	client  *plugin.Client
	cmd     *exec.Cmd
	rpc     plugin.ClientProtocol
	raw     any // the kind's typed client
	pid     int
	version int
	done    chan struct{} // closed when the process is being stopped
	once    sync.Once
	kills   *sync.WaitGroup // the host's, so that Close waits for every exit
}

// stop ends the process: hard kills it at once (a crashed or hung plugin),
// otherwise it gets go-plugin's graceful shutdown. It does not wait.
func (p *process) stop(hard bool) {
	p.once.Do(func() {
		close(p.done)
		if hard && p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
		}
		p.kills.Go(p.client.Kill)
	})
}

// instance is the runtime state of one binding: its process (at most one),
// its breaker, its concurrency limit and what the tenant admin sees.
type instance struct {
	h       *Host
	id      uuid.UUID
	tenant  uuid.UUID
	plugin  string
	log     *slog.Logger
	labels  prometheus.Labels // tenant, binding, plugin
	sem     chan struct{}
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]

	calls, errs atomic.Int64
	inflight    atomic.Int64
	methods     sync.Map     // method name → *callMetrics
	lastUsed    atomic.Int64 // unix nanoseconds of the last call's start
	// the latest call that ended: its start (unix nanoseconds) and how
	// long it took, for the status
	lastCallAt, lastCallTook atomic.Int64

	mu        sync.Mutex
	binding   *core.PluginBinding // the newest the platform passed
	proc      *process
	launching chan struct{} // non-nil while a launch runs; closed when it ends
	gen       int           // bumped by stop, so a launch that started before is discarded
	state     string
	lastErr   string
	lastErrAt time.Time
	restarts  int
	failures  int       // consecutive crashes and failed launches, for the backoff
	retryAt   time.Time // no launch before, after a failure
	checksum  *bool
	startedAt time.Time
}

// bindingLog is the host's logger for b's process: its lines are tagged
// with the tenant and the plugin.
func (h *Host) bindingLog(b *core.PluginBinding) *slog.Logger {
	return h.opts.Logger.With("tenant", b.TenantID, "binding", b.ID, "plugin", b.Plugin.Name, "plugin_version", b.Plugin.Version)
}

func (h *Host) newInstance(b *core.PluginBinding) *instance {
	i := &instance{h: h, id: b.ID, tenant: b.TenantID, plugin: b.Plugin.Name, binding: b,
		state: core.PluginNotStarted, sem: make(chan struct{}, h.opts.MaxConcurrent)}
	i.labels = prometheus.Labels{"tenant": b.TenantID.String(), "binding": b.ID.String(), "plugin": b.Plugin.Name}
	i.log = h.bindingLog(b)
	gauge := h.metrics.breaker.With(i.labels)
	gauge.Set(0)                             // closed; the series exists from the start
	h.metrics.restarts.With(i.labels).Add(0) // likewise
	i.breaker = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:    b.ID.String(),
		Timeout: h.opts.BreakerCooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= uint32(h.opts.BreakerFailures)
		},
		IsExcluded: func(err error) bool { return !isFault(err) && err != nil },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			gauge.Set(float64(breakerGauge(to)))
			i.log.Warn("plugin circuit breaker", "from", from.String(), "to", to.String())
			if to == gobreaker.StateOpen {
				go i.recycle() // not under the breaker's lock: status() takes i.mu, then the breaker's
			}
		},
	})
	return i
}

func breakerGauge(s gobreaker.State) int {
	switch s {
	case gobreaker.StateHalfOpen:
		return 1
	case gobreaker.StateOpen:
		return 2
	}
	return 0
}

func breakerName(s gobreaker.State) string {
	switch s {
	case gobreaker.StateHalfOpen:
		return core.BreakerHalfOpen
	case gobreaker.StateOpen:
		return core.BreakerOpen
	}
	return core.BreakerClosed
}

// update records the binding the platform passed; a new version restarts
// the process on its next use.
func (i *instance) update(b *core.PluginBinding) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if b.Version >= i.binding.Version {
		i.binding = b
	}
}

// fail records a crash or a failed launch and sets the backoff. Called
// with mu held.
func (i *instance) fail(err error) {
	now := time.Now()
	i.state, i.lastErr, i.lastErrAt = core.PluginFailed, err.Error(), now
	i.failures++
	i.retryAt = now.Add(i.h.opts.backoff(i.failures))
	i.log.Error("plugin failed", "error", err, "failures", i.failures, "retry_in", i.h.opts.backoff(i.failures))
}

// crashed retires p after it died or stopped answering health checks; it
// reports false when p was retired already.
func (i *instance) crashed(p *process, err error) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.proc != p {
		return false
	}
	i.proc = nil
	i.fail(err)
	p.stop(true)
	return true
}

// stop stops the process, if any, and forgets a failure's backoff: the
// next use launches again at once (after a binding change, the admin wants
// to see the new configuration tried). With hard it kills at once instead
// of go-plugin's graceful shutdown, which waits seconds for a plugin stuck
// in a call.
func (i *instance) stop(hard bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.gen++
	if i.proc != nil {
		i.proc.stop(hard)
		i.proc = nil
	}
	if i.state != core.PluginNotStarted {
		i.state = core.PluginStopped
	}
	i.retryAt = time.Time{}
}

// recycle kills the process when the breaker opens: a plugin stuck in
// calls (a deadlock the health check cannot see) gets a fresh process for
// the probe after the cool-down, and its stuck goroutines go with it.
func (i *instance) recycle() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.proc == nil {
		return
	}
	i.log.Warn("plugin process stopped: its circuit breaker opened", "pid", i.proc.pid)
	i.proc.stop(true)
	i.proc, i.state = nil, core.PluginStopped
}

// status is this replica's process of the binding, for Status.
func (i *instance) status() core.PluginProcess {
	i.mu.Lock()
	defer i.mu.Unlock()
	s := core.PluginProcess{State: i.state, LastError: i.lastErr, Restarts: i.restarts,
		Breaker: breakerName(i.breaker.State()), ChecksumOK: i.checksum, Calls: i.calls.Load(), Errors: i.errs.Load()}
	if !i.lastErrAt.IsZero() {
		t := i.lastErrAt
		s.LastErrorAt = &t
	}
	if i.proc != nil {
		t := i.startedAt
		s.StartedAt = &t
	}
	if at := i.lastCallAt.Load(); at != 0 {
		t, ms := time.Unix(0, at), time.Duration(i.lastCallTook.Load()).Milliseconds()
		s.LastCallAt, s.LastCallMS = &t, &ms
	}
	return s
}
