package host

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/parts"
)

// errInvalidAnswer marks a plugin answer that failed the host's
// validation: it counts as a plugin failure.
var errInvalidAnswer = errors.New("invalid answer")

func invalidAnswer(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errInvalidAnswer}, args...)...)
}

// errBackingOff is what a call gets while its plugin waits to be
// launched again after a failure. The breaker does not count it: the
// failure was counted when it happened, and a burst of calls during the
// backoff must not hold the plugin off for a whole breaker cool-down.
var errBackingOff = errors.New("restarted with backoff")

// backingOff is errBackingOff with the failure. Called with mu held.
func (i *instance) backingOff() error {
	return fmt.Errorf("plugin %s is failing (%s); it is %w", i.plugin, i.lastErr, errBackingOff)
}

// errCrashCounted marks a call that failed with a crash another call (or
// the health check) already recorded.
var errCrashCounted = errors.New("plugin process died")

// isFault says whether err is the plugin's failure (counted by the breaker
// and shown in the status) rather than an answer about the input (a bad
// request, an unknown part) or the caller giving up.
func isFault(err error) bool {
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, errBackingOff), errors.Is(err, errCrashCounted):
		return false
	case errors.Is(err, sdk.ErrBadRequest), errors.Is(err, sdk.ErrNotFound), errors.Is(err, sdk.ErrConflict),
		errors.Is(err, sdk.ErrInsufficientStock), errors.Is(err, parts.ErrMovementsNotSupported):
		return false
	}
	return true
}

// call runs fn against the binding's process under the host's guards: the
// concurrency limit, the breaker, the per-call deadline, a lazy launch; it
// records the outcome in the metrics and the status. Its errors are *core.Error.
func (i *instance) call(ctx context.Context, method string, timeout time.Duration, fn func(ctx context.Context, raw any) error) (err error) {
	return i.callNamed(ctx, func(any) string { return method }, timeout, fn)
}

// callNamed is call for a call whose name depends on the protocol version
// the process speaks: name gets the process's typed client, nil before
// the first launch.
func (i *instance) callNamed(ctx context.Context, name func(raw any) string, timeout time.Duration, fn func(ctx context.Context, raw any) error) (err error) {
	start := time.Now()
	i.lastUsed.Store(start.UnixNano())
	method := name(i.dispensed())
	i.calls.Add(1)
	defer func() {
		took := time.Since(start)
		i.lastCallAt.Store(start.UnixNano())
		i.lastCallTook.Store(int64(took))
		m := i.methodMetrics(method)
		m.calls.Inc()
		m.latency.Observe(took.Seconds())
		if err != nil {
			i.errs.Add(1)
			m.errors.Inc()
			err = i.coreError(method, err)
		}
	}()
	select {
	case i.sem <- struct{}{}:
		defer func() { <-i.sem }()
	default:
		return core.Errorf(core.EUNPROCESSABLE, "plugin %s is busy: %d calls in flight", i.plugin, cap(i.sem))
	}
	done, err := i.breaker.Allow()
	if err != nil {
		return core.Errorf(core.EUNPROCESSABLE, "plugin %s: circuit breaker open after repeated failures", i.plugin)
	}
	defer func() { done(err) }()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	i.inflight.Add(1) // before ensure: the idle stop must not take the process from under it
	p, err := i.ensure(ctx)
	if err != nil {
		i.inflight.Add(-1)
		return err
	}
	method = name(p.raw)
	err = fn(ctx, p.raw)
	i.inflight.Add(-1)
	switch {
	case err == nil:
		i.succeeded()
	case isFault(err):
		// A failure other than a wrong or late answer may be the process
		// dying: then it is retired (unless the watcher already did).
		// The crash is counted once: the calls that were in flight with
		// this one fail with it, and must not open the breaker on their own.
		transport := !errors.Is(err, errInvalidAnswer) && !errors.Is(err, context.DeadlineExceeded)
		switch {
		case transport && (i.retired(p) || i.ping(ctx, p) != nil):
			if !i.crashed(p, fmt.Errorf("plugin process died during %s: %w", method, err)) {
				err = fmt.Errorf("%w: %w", errCrashCounted, err)
			}
		default:
			i.recordError(method, err)
		}
	}
	return err
}

// dispensed is the running process's typed client; nil when none runs.
func (i *instance) dispensed() any {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.proc == nil {
		return nil
	}
	return i.proc.raw
}

// methodMetrics are the series of one method of the binding, looked up
// once: a dispatch decision makes a call or two, and label hashing on each
// showed in the overhead.
func (i *instance) methodMetrics(method string) *callMetrics {
	if m, ok := i.methods.Load(method); ok {
		return m.(*callMetrics)
	}
	l := prometheus.Labels{"tenant": i.labels["tenant"], "binding": i.labels["binding"], "plugin": i.labels["plugin"], "method": method}
	m, _ := i.methods.LoadOrStore(method, &callMetrics{calls: i.h.metrics.calls.With(l),
		errors: i.h.metrics.errors.With(l), latency: i.h.metrics.latency.With(l)})
	return m.(*callMetrics)
}

type callMetrics struct {
	calls, errors prometheus.Counter
	latency       prometheus.Observer
}

// succeeded ends a failure streak: the next crash backs off from the start.
func (i *instance) succeeded() {
	i.mu.Lock()
	i.failures = 0
	i.mu.Unlock()
}

func (i *instance) retired(p *process) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.proc != p
}

func (i *instance) recordError(method string, err error) {
	i.mu.Lock()
	i.lastErr, i.lastErrAt = method+": "+err.Error(), time.Now()
	i.mu.Unlock()
	i.log.Warn("plugin call failed", "method", method, "error", err)
}

// coreError maps a call's error to the platform's codes: what the plugin
// said about the input keeps its meaning, every failure of the plugin is
// EUNPROCESSABLE.
func (i *instance) coreError(method string, err error) error {
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	var se *sdk.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sdk.CodeBadRequest:
			return core.Errorf(core.EINVALID, "%s", se.Message)
		case sdk.CodeNotFound:
			return core.Errorf(core.ENOTFOUND, "%s", se.Message)
		case sdk.CodeConflict:
			return core.Errorf(core.ECONFLICT, "%s", se.Message)
		case sdk.CodeInsufficientStock:
			return &core.Error{Code: core.ECONFLICT, Message: "insufficient stock: " + se.Message,
				Fields: map[string]string{"quantity": "insufficient stock"}}
		}
	}
	if errors.Is(err, parts.ErrMovementsNotSupported) {
		return core.Errorf(core.EUNPROCESSABLE, "the tenant's parts plugin %s does not post stock movements", i.plugin)
	}
	if errors.Is(err, errBackingOff) {
		return core.Errorf(core.EUNPROCESSABLE, "%v", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return core.Errorf(core.EUNPROCESSABLE, "plugin %s did not answer %s in time", i.plugin, method)
	}
	return core.Errorf(core.EUNPROCESSABLE, "plugin %s failed in %s: %v", i.plugin, method, err)
}
