package host

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// lookup calls the parts plugin's lookup and returns the one part.
func (tb *testBundle) lookup(t *testing.T, b *binding) core.Part {
	t.Helper()
	p, err := tb.h.Parts(bg, b.PluginBinding)
	require.NoError(t, err)
	got, err := p.FindParts(bg, core.PartQuery{Query: "x", Model: "KFR-35"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	return got[0]
}

func TestTwoTenantsSameBinaryGetSeparateProcesses(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	bin := tb.testPlugin(t, "parts")
	a := tb.bind(t, core.PluginParts, bin, "A", map[string]string{"api_key": "secret-a"})
	b := tb.bind(t, core.PluginParts, bin, "B", map[string]string{"api_key": "secret-b"})

	pa, pb := tb.lookup(t, a), tb.lookup(t, b)
	require.Equal(t, "P-A", pa.Code)
	require.Equal(t, "secret-a", pa.Name, "the binding's secrets reach its process")
	require.Equal(t, "P-B", pb.Code)
	require.Equal(t, "secret-b", pb.Name)
	require.Equal(t, strconv.Itoa(tb.h.PID(a.ID)), pa.Unit, "answered by A's own process")
	require.Equal(t, strconv.Itoa(tb.h.PID(b.ID)), pb.Unit)
	require.NotEqual(t, pa.Unit, pb.Unit)
	require.Equal(t, "P-A", tb.lookup(t, a).Code, "A keeps its configuration after B's launch")
}

func TestChecksumMismatchRefusesLaunch(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	bin := tb.testPlugin(t, "parts")
	b := tb.bind(t, core.PluginParts, bin, "c", nil)
	tb.lookup(t, b)
	require.True(t, *tb.h.Status(bg, b.ID).ChecksumOK)

	// The binary is replaced by another one; the running process is
	// stopped (as on a binding change) and the next launch verifies again.
	copyFile(t, tb.testPlugin(t, "cti"), bin)
	tb.h.Stop(b.ID)
	p, err := tb.h.Parts(bg, b.PluginBinding)
	require.NoError(t, err) // the launch runs in the background
	_, err = p.FindParts(bg, core.PartQuery{Query: "x"})
	require.Equal(t, core.EUNPROCESSABLE, errCode(err))
	require.Contains(t, err.Error(), "SHA-256")

	st := tb.h.Status(bg, b.ID)
	require.Equal(t, core.PluginFailed, st.State)
	require.False(t, *st.ChecksumOK)
	require.Contains(t, st.LastError, "does not match the registered checksum")
	require.Zero(t, tb.h.PID(b.ID))
	_, err = tb.h.Parts(bg, b.PluginBinding)
	require.Equal(t, core.EUNPROCESSABLE, errCode(err), "refused at once during the backoff")
}

func TestIdleProcessIsStoppedAndRestartedOnUse(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(o *Options) { o.IdleTimeout = 100 * time.Millisecond })
	b := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "i", nil)
	first := tb.lookup(t, b).Unit
	pid, _ := strconv.Atoi(first)

	require.Eventually(t, func() bool { return tb.h.Status(bg, b.ID).State == core.PluginStopped }, 10*time.Second, 10*time.Millisecond)
	require.Zero(t, tb.h.PID(b.ID))
	require.Eventually(t, func() bool { return syscall.Kill(pid, 0) != nil }, 10*time.Second, 10*time.Millisecond, "the process exited")

	require.NotEqual(t, first, tb.lookup(t, b).Unit, "a new process serves the next call")
	require.Zero(t, tb.h.Status(bg, b.ID).Restarts, "an idle stop is not a crash")

	// Started without a call (the accessor starts it), a process is idle
	// from its start.
	c := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "j", nil)
	tb.waitRunning(t, c)
	require.Eventually(t, func() bool { return tb.h.Status(bg, c.ID).State == core.PluginStopped }, 10*time.Second, 10*time.Millisecond)
}

func TestConcurrencyLimitFailsFast(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(o *Options) { o.MaxConcurrent = 1 })
	b := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "l", nil)
	tb.lookup(t, b)
	b.setMode(t, "hang")
	p, err := tb.h.Parts(bg, b.PluginBinding)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(bg)
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = p.FindParts(ctx, core.PartQuery{Query: "x"}) })
	b.waitEntered(t)
	_, err = p.PartStock(bg, "A-1")
	require.Equal(t, core.EUNPROCESSABLE, errCode(err))
	require.Contains(t, err.Error(), "busy")
	cancel()
	wg.Wait()

	b.setMode(t, "ok")
	levels, err := p.PartStock(bg, "A-1")
	require.NoError(t, err, "the slot is free again")
	require.Equal(t, []core.StockLevel{{WarehouseCode: "W1", WarehouseName: "Central", OnHand: 7, Available: 5}}, levels)
	require.Equal(t, core.BreakerClosed, tb.h.Status(bg, b.ID).Breaker, "busy and cancelled calls are not plugin failures")
}

func TestBindingChangeRestartsWithNewConfig(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	b := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "v1", nil)
	before := tb.lookup(t, b)
	require.Equal(t, "P-v1", before.Code)

	next := *b.PluginBinding
	cfg, err := json.Marshal(map[string]string{"control": b.control, "tag": "v2"})
	require.NoError(t, err)
	next.Config, next.Version = cfg, 2
	b.PluginBinding = &next
	after := tb.lookup(t, b)
	require.Equal(t, "P-v2", after.Code)
	require.NotEqual(t, before.Unit, after.Unit, "a new process for the new configuration")
}

func TestWrongKindIsRefused(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	// A parts binary registered as CTI: the handshake succeeds but it does
	// not serve the kind.
	b := tb.bind(t, core.PluginCTI, tb.testPlugin(t, "parts"), "w", nil)
	c, err := tb.h.CTI(bg, b.PluginBinding)
	require.NoError(t, err)
	_, err = c.Dial(bg, core.DialRequest{AgentExtension: "801", Number: "13800000000"})
	require.Equal(t, core.EUNPROCESSABLE, errCode(err))
	require.Equal(t, core.PluginFailed, tb.h.Status(bg, b.ID).State)

	_, err = tb.h.Parts(bg, b.PluginBinding)
	require.Equal(t, core.EUNPROCESSABLE, errCode(err), "a CTI binding is not a parts plugin")
}

func TestPluginLogsAndMetricsAreTagged(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	n := smallNetwork(t)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "logs", nil)
	require.Empty(t, tb.decide(t, n, b).Fallback)

	require.Eventually(t, func() bool {
		for _, r := range tb.log.records(t) {
			if r["msg"] == "test plugin configured" && r["tag"] == "logs" {
				require.Equal(t, b.TenantID.String(), r["tenant"])
				require.Equal(t, b.ID.String(), r["binding"])
				require.Equal(t, b.Plugin.Name, r["plugin"])
				require.Equal(t, "INFO", r["level"])
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond, "the plugin's own log line, tagged: %s", tb.log.String())

	labels := []string{b.TenantID.String(), b.ID.String(), b.Plugin.Name}
	require.Equal(t, 1.0, metricValue(t, tb.h.metrics.calls.WithLabelValues(append(labels, "Decide")...)), "one call per decision")
	require.Equal(t, 0.0, metricValue(t, tb.h.metrics.calls.WithLabelValues(append(labels, "ChooseTechnician")...)))
	require.Equal(t, 0.0, metricValue(t, tb.h.metrics.breaker.WithLabelValues(labels...)))
	fams, err := tb.reg.Gather()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range fams {
		names[f.GetName()] = true
	}
	require.True(t, names["aftersales_plugin_call_seconds"])
	require.True(t, names["aftersales_plugin_calls_total"])
}

// metricValue reads a counter or gauge.
func metricValue(t *testing.T, m prometheus.Metric) float64 {
	t.Helper()
	var d dto.Metric
	require.NoError(t, m.Write(&d))
	if d.Counter != nil {
		return d.Counter.GetValue()
	}
	return d.Gauge.GetValue()
}

func TestCloseStopsEveryProcess(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	b := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "x", nil)
	pid, _ := strconv.Atoi(tb.lookup(t, b).Unit)
	tb.h.Close()
	require.Error(t, syscall.Kill(pid, 0), "the process is gone")
	_, err := tb.h.Parts(bg, b.PluginBinding)
	require.Equal(t, core.EUNPROCESSABLE, errCode(err))
	_, err = os.Stat(b.Plugin.Path)
	require.NoError(t, err)
}

func TestBinaryThatExitsAtStartFails(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	bin := filepath.Join(tb.dir, "not-a-plugin")
	copyFile(t, "/bin/true", bin)
	b := tb.bind(t, core.PluginParts, bin, "t", nil)
	p, err := tb.h.Parts(bg, b.PluginBinding)
	require.NoError(t, err)
	_, err = p.PartStock(bg, "A-1")
	require.Equal(t, core.EUNPROCESSABLE, errCode(err))
	st := tb.h.Status(bg, b.ID)
	require.Equal(t, core.PluginFailed, st.State)
	require.True(t, *st.ChecksumOK, "the binary is the registered one; it just is no plugin")
	require.Contains(t, st.LastError, "start plugin")
}

// Calls from many goroutines while the process is killed twice: every call
// either answers or fails with EUNPROCESSABLE, and the binding recovers.
func TestConcurrentCallsAcrossCrashes(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(o *Options) { o.BackoffMin, o.BackoffMax = 20*time.Millisecond, 20*time.Millisecond })
	b := tb.bind(t, core.PluginParts, tb.testPlugin(t, "parts"), "cc", nil)
	p, err := tb.h.Parts(bg, b.PluginBinding)
	require.NoError(t, err)
	tb.lookup(t, b)
	t.Cleanup(func() {
		if t.Failed() {
			for _, r := range tb.log.records(t) {
				if r["msg"] == "plugin call failed" || r["msg"] == "plugin failed" || r["msg"] == "plugin circuit breaker" {
					t.Log(r)
				}
			}
		}
	})

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := p.PartStock(bg, "A-1")
				if err != nil && errCode(err) != core.EUNPROCESSABLE {
					t.Errorf("unexpected error: %v", err)
					return
				}
			}
		})
	}
	for range 2 {
		pid := tb.waitRunning(t, b)
		require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
		require.Eventually(t, func() bool { return tb.h.PID(b.ID) != pid && tb.h.PID(b.ID) != 0 }, 20*time.Second, 5*time.Millisecond)
	}
	close(stop)
	wg.Wait()
	require.GreaterOrEqual(t, tb.h.Status(bg, b.ID).Restarts, 2)
	_, err = p.PartStock(bg, "A-1")
	require.NoError(t, err)
}
