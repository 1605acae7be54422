package host

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the host's per-binding series. A binding belongs to one
// tenant, so the tenant label adds no series; it lets an operator find a
// tenant's plugins without a lookup.
type metrics struct {
	calls    *prometheus.CounterVec
	errors   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	restarts *prometheus.CounterVec
	breaker  *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	labels := []string{"tenant", "binding", "plugin", "method"}
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aftersales_plugin_calls_total", Help: "Plugin calls, by binding and method.",
		}, labels),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aftersales_plugin_errors_total", Help: "Plugin calls that failed (error, timeout, open breaker, busy, invalid answer).",
		}, labels),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aftersales_plugin_call_seconds", Help: "Plugin call latency, launch included.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5},
		}, labels),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aftersales_plugin_restarts_total", Help: "Plugin process launches after a crash or a failed launch.",
		}, labels[:3]),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "aftersales_plugin_breaker_state", Help: "Circuit breaker state per binding: 0 closed, 1 half-open, 2 open.",
		}, labels[:3]),
	}
	if reg != nil {
		reg.MustRegister(m.calls, m.errors, m.latency, m.restarts, m.breaker)
	}
	return m
}
