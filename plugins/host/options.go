package host

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options tune the host. Zero fields take the defaults below.
type Options struct {
	// Logger receives the host's messages and every plugin's log lines,
	// tagged with tenant, binding and plugin. Default: slog.Default().
	Logger *slog.Logger
	// Registry gets the host's metrics; nil registers them nowhere.
	Registry prometheus.Registerer

	// CallTimeout bounds a CTI or parts call (default 5 s);
	// DispatchTimeout a dispatch-rules call (default 200 ms). A caller's
	// earlier deadline wins.
	CallTimeout     time.Duration
	DispatchTimeout time.Duration
	// StartTimeout bounds a launch: process start, handshake, Configure
	// (default 10 s).
	StartTimeout time.Duration
	// HealthInterval is how often a running plugin is pinged (default 10 s).
	HealthInterval time.Duration
	// IdleTimeout stops a process unused for that long (default 10 min).
	IdleTimeout time.Duration
	// MaxConcurrent calls per binding; a call over the limit fails at once
	// (default 32).
	MaxConcurrent int
	// BreakerFailures consecutive failures open a binding's breaker
	// (default 5); it lets one call through after BreakerCooldown
	// (default 30 s).
	BreakerFailures int
	BreakerCooldown time.Duration
	// A crashed or refused plugin is launched again no sooner than
	// BackoffMin after the failure, doubling with each further consecutive
	// failure up to BackoffMax (defaults 500 ms and 1 min).
	BackoffMin time.Duration
	BackoffMax time.Duration
	// DispatchFacts looks up what dispatch rules see beyond the engine's
	// input (customer, unit, site names and hours); nil: rules get the
	// engine's input only.
	DispatchFacts DispatchFactsFunc
	// Env is the plugin processes' whole environment: plugins never
	// inherit the platform's (its database URL, its keys). Default: PATH,
	// TZ, LANG, TMPDIR, the proxy and CA variables of the platform.
	Env []string
	// Board shares the plugin statuses of the platform's replicas: each
	// publishes its own every PublishEvery (default 5 s), and Status sums up
	// all that were seen within three periods. nil: this process's only.
	Board        Board
	PublishEvery time.Duration
	// Replica names this process on the Board. Default: host name and
	// process ID.
	Replica string
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.CallTimeout, 5*time.Second)
	def(&o.DispatchTimeout, 200*time.Millisecond)
	def(&o.StartTimeout, 10*time.Second)
	def(&o.HealthInterval, 10*time.Second)
	def(&o.IdleTimeout, 10*time.Minute)
	def(&o.BreakerCooldown, 30*time.Second)
	def(&o.BackoffMin, 500*time.Millisecond)
	def(&o.BackoffMax, time.Minute)
	def(&o.PublishEvery, 5*time.Second)
	if o.Replica == "" {
		name, _ := os.Hostname()
		o.Replica = fmt.Sprintf("%s:%d", name, os.Getpid())
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 32
	}
	if o.BreakerFailures <= 0 {
		o.BreakerFailures = 5
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Env == nil {
		o.Env = passEnv()
	}
	return o
}

// backoff is the wait before the next launch after n consecutive failures.
func (o Options) backoff(n int) time.Duration {
	d := o.BackoffMin
	for i := 1; i < n && d < o.BackoffMax; i++ {
		d *= 2
	}
	return min(d, o.BackoffMax)
}
