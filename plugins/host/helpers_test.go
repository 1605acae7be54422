package host

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/internal/testkit"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// testBundle is one test's host and what it logged.
type testBundle struct {
	h   *Host
	reg *prometheus.Registry
	log *logBuffer
	dir string
}

// setup starts a host with test-sized timings; change sets what a test
// needs on top. The host is closed when the test ends.
func setup(t *testing.T, change func(*Options)) *testBundle {
	t.Helper()
	tb := &testBundle{reg: prometheus.NewRegistry(), log: &logBuffer{}, dir: t.TempDir()}
	o := Options{
		Logger:          slog.New(slog.NewJSONHandler(tb.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry:        tb.reg,
		CallTimeout:     10 * time.Second,
		DispatchTimeout: 10 * time.Second,
		HealthInterval:  20 * time.Millisecond,
		IdleTimeout:     time.Hour,
		BackoffMin:      300 * time.Millisecond,
		BackoffMax:      time.Second,
		BreakerCooldown: time.Hour,
	}
	if change != nil {
		change(&o)
	}
	tb.h = New(o)
	t.Cleanup(tb.h.Close)
	return tb
}

// testPlugin builds the test plugin testdata/name (once per test binary)
// and copies it into the test's directory, so a test may replace it.
func (tb *testBundle) testPlugin(t *testing.T, name string) string {
	t.Helper()
	src := plugintest.Build(t, "./testdata/"+name)
	dst := filepath.Join(tb.dir, name+"-"+uuid.NewString()[:8])
	copyFile(t, src, dst)
	return dst
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	// Write a new file and rename it over dst, as a deployment would:
	// writing into a running executable fails with ETXTBSY.
	tmp := dst + ".new"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
	require.NoError(t, os.Rename(tmp, dst))
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	sum, err := fileSHA256(path)
	require.NoError(t, err)
	return sum
}

// binding is a tenant's binding of the plugin binary at bin, registered
// with the binary's current checksum. Its control file (mode) is
// <dir>/<binding>.mode.
type binding struct {
	*core.PluginBinding
	control string
}

func (tb *testBundle) bind(t *testing.T, kind, bin, tag string, secrets map[string]string) *binding {
	t.Helper()
	id := uuid.New()
	control := filepath.Join(tb.dir, id.String()+".mode")
	cfg, err := json.Marshal(map[string]string{"control": control, "tag": tag})
	require.NoError(t, err)
	p := &core.Plugin{ID: uuid.New(), Name: "test-" + filepath.Base(bin)[:4], Kind: kind, Version: "1.0.0",
		Path: bin, SHA256: sha256File(t, bin), Enabled: true}
	return &binding{control: control, PluginBinding: &core.PluginBinding{TenantID: uuid.New(), ID: id, PluginID: p.ID,
		Kind: kind, Name: tag, Config: cfg, Secrets: secrets, Enabled: true, Version: 1, Plugin: p}}
}

// setMode switches the running plugin's behaviour (see testdata/control).
func (b *binding) setMode(t *testing.T, mode string) {
	t.Helper()
	require.NoError(t, os.WriteFile(b.control, []byte(mode), 0o600))
}

// waitEntered waits until the plugin is inside a hanging call.
func (b *binding) waitEntered(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := os.Stat(b.control + ".entered")
		return err == nil
	}, 10*time.Second, 5*time.Millisecond)
}

// waitRunning starts the binding's process and waits until it is up;
// it returns its PID.
func (tb *testBundle) waitRunning(t *testing.T, b *binding) int {
	t.Helper()
	_, err := tb.h.instanceFor(b.PluginBinding, b.Kind, false)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return tb.h.PID(b.ID) != 0 }, 10*time.Second, 5*time.Millisecond)
	return tb.h.PID(b.ID)
}

func errCode(err error) string { return core.ErrorCode(err) }

var bg = context.Background()

// logBuffer holds the host's JSON log; the logger may write it
// concurrently while the test reads it.
type logBuffer struct{ testkit.SyncBuffer }

// records returns the JSON log records logged so far.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	for dec.More() {
		var r map[string]any
		require.NoError(t, dec.Decode(&r))
		out = append(out, r)
	}
	return out
}
