package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	latency *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "aftersales_http_request_duration_seconds",
		Help:    "Latency of API operations by operation ID and status.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"operation", "status"})}
	if reg != nil {
		reg.MustRegister(m.latency)
	}
	return m
}

// middleware times each operation.
func (m *metrics) middleware(ctx huma.Context, next func(huma.Context)) {
	start := time.Now()
	next(ctx)
	status := ctx.Status()
	if status == 0 {
		status = http.StatusOK
	}
	m.latency.WithLabelValues(ctx.Operation().OperationID, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
}

func (m *metrics) handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withAccessLog logs every request as JSON with its request ID and, once
// known, the tenant.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		info := &logInfo{}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), logInfoKey{}, info)))
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			return
		}
		s.deps.Log.Info("request", "request_id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "duration_ms", float64(time.Since(start).Microseconds())/1000, "tenant", info.tenant)
	})
}

type logInfoKey struct{}

// logInfo collects what the access log line should say about the request.
type logInfo struct{ tenant string }

func noteTenant(ctx context.Context, slug string) {
	if li, ok := ctx.Value(logInfoKey{}).(*logInfo); ok {
		li.tenant = slug
	}
}

// withRecover turns a panic into a logged 500 problem.
func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.deps.Log.Error("panic", "request_id", requestID(r.Context()), "panic", v)
				writeProblem(w, r, http.StatusInternalServerError, "Internal error.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	writeProblemOf(w, r, &Problem{Status: status, Detail: detail, Code: codeOfStatus[status]})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

// readyz checks PostgreSQL and Redis; 503 with the failing ones otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	for _, c := range s.deps.Ops.Ready {
		if err := c.Check(ctx); err != nil {
			checks[c.Name] = err.Error()
			ok = false
		} else {
			checks[c.Name] = "ok"
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	status := "ready"
	if !ok {
		status = "not ready"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "checks": checks})
}
