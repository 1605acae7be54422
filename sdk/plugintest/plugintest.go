// Package plugintest tests a plugin binary the way the platform runs it:
// it builds the plugin (or takes a built binary), launches it through
// go-plugin with the platform's handshake and automatic mutual TLS, sends
// the binding's configuration, and hands the test a typed client; the
// process is stopped when the test ends.
//
//	func TestParse(t *testing.T) {
//		bin := plugintest.Build(t, ".")                  // the plugin's main package
//		p := plugintest.CTI(t, bin, plugintest.Config(map[string]any{"dial_url": srv.URL}))
//		evs, err := p.ParseEvents(ctx, cti.VendorRequest{Body: payload})
//		...
//	}
package plugintest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/aftersales/aftersales/sdk/cti"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/parts"
	"github.com/aftersales/aftersales/sdk/pluginhost"
)

var (
	buildMu sync.Mutex
	built   = map[string]string{}
)

// Build compiles the main package pkg (as `go build` takes it, relative to
// the test's working directory, e.g. "." or "./cmd/myplugin", or an import
// path) once per test binary and returns the path of the executable. The
// binary lives in the user's cache directory under a name derived from the
// package, replaced atomically by each build, so that repeated runs leave
// nothing behind and concurrent test binaries do not collide. Build
// failures fail t.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	key := pkg
	if isPath(pkg) {
		abs, err := filepath.Abs(pkg)
		if err != nil {
			t.Fatalf("plugintest: %v", err)
		}
		key = abs
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if bin, ok := built[key]; ok {
		return bin
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "aftersales-plugintest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	sum := sha256.Sum256([]byte(key))
	bin := filepath.Join(dir, fmt.Sprintf("%s-%x", filepath.Base(key), sum[:6]))
	tmp, err := os.CreateTemp(dir, ".build-*")
	if err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	_ = tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", tmp.Name(), pkg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("plugintest: go build %s: %v\n%s", pkg, err, out.String())
	}
	if err := os.Rename(tmp.Name(), bin); err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	built[key] = bin
	return bin
}

func isPath(pkg string) bool {
	return pkg == "." || pkg == ".." || filepath.IsAbs(pkg) ||
		len(pkg) > 1 && (pkg[:2] == "./" || len(pkg) > 2 && pkg[:3] == "../")
}

// Option changes how a plugin is launched.
type Option func(*options)

type options struct {
	config       json.RawMessage
	env          []string
	stderr       io.Writer
	startTimeout time.Duration
}

// Config is the binding's configuration sent with Configure: a
// json.RawMessage or []byte as is, anything else marshalled to JSON.
// Default: {}.
func Config(v any) Option {
	return func(o *options) {
		switch c := v.(type) {
		case json.RawMessage:
			o.config = c
		case []byte:
			o.config = c
		default:
			b, err := json.Marshal(v)
			if err != nil {
				panic(fmt.Sprintf("plugintest.Config: %v", err))
			}
			o.config = b
		}
	}
}

// Env adds "KEY=value" entries to the plugin's environment (which
// otherwise is the test's).
func Env(kv ...string) Option { return func(o *options) { o.env = append(o.env, kv...) } }

// Stderr receives the plugin's log lines as the host re-logs them.
// Default: t.Log.
func Stderr(w io.Writer) Option { return func(o *options) { o.stderr = w } }

// Process is a launched plugin.
type Process struct {
	Kind   pluginhost.Kind
	Client *plugin.Client // go-plugin's client: Kill, Exited, ReattachConfig (Pid)…
	Plugin any            // the typed client: cti.Plugin, parts.Plugin or dispatchrules.Plugin (and Decider for protocol v2)
}

// Launch starts binary as a plugin of kind without configuring it (to test
// Configure itself); it is killed when the test ends.
func Launch(t testing.TB, kind pluginhost.Kind, binary string, opts ...Option) *Process {
	t.Helper()
	o := apply(opts)
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), o.env...)
	cfg := pluginhost.ClientConfig(kind, cmd)
	// SkipHostEnv: cmd.Env has it already; appended again it would come
	// after, and override, the test's own entries.
	cfg.SkipHostEnv = true
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Name: "plugin", Output: o.stderrOr(t), Level: hclog.Debug})
	cfg.StartTimeout = o.startTimeout
	c := plugin.NewClient(cfg)
	t.Cleanup(c.Kill)
	rpc, err := c.Client()
	if err != nil {
		t.Fatalf("plugintest: starting %s: %v", binary, err)
	}
	p, err := pluginhost.Dispense(rpc, kind)
	if err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	return &Process{Kind: kind, Client: c, Plugin: p}
}

func apply(opts []Option) *options {
	o := &options{config: json.RawMessage("{}"), startTimeout: 30 * time.Second}
	for _, f := range opts {
		f(o)
	}
	return o
}

func (o *options) stderrOr(t testing.TB) io.Writer {
	if o.stderr != nil {
		return o.stderr
	}
	return testWriter{t}
}

// testWriter logs each write through t.Log (never after the test ended:
// go-plugin may still flush a line while the process is killed).
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	defer func() { _ = recover() }() // t.Log after the test panics
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// start launches and configures.
func start(t testing.TB, kind pluginhost.Kind, binary string, opts []Option) any {
	t.Helper()
	p := Launch(t, kind, binary, opts...)
	type configurer interface {
		Configure(context.Context, json.RawMessage) error
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Plugin.(configurer).Configure(ctx, apply(opts).config); err != nil {
		t.Fatalf("plugintest: Configure: %v", err)
	}
	return p.Plugin
}

// CTI launches binary as a CTI plugin and configures it.
func CTI(t testing.TB, binary string, opts ...Option) cti.Plugin {
	t.Helper()
	return start(t, pluginhost.CTI, binary, opts).(cti.Plugin)
}

// Parts launches binary as a parts plugin and configures it.
func Parts(t testing.TB, binary string, opts ...Option) parts.Plugin {
	t.Helper()
	return start(t, pluginhost.Parts, binary, opts).(parts.Plugin)
}

// DispatchRules launches binary as a dispatch-rules plugin and configures
// it. Its Rank and ChooseTechnician are protocol v1's calls, or Decide
// calls when the plugin speaks v2 (a decision without technicians, then
// one without sites), as the platform would send them.
func DispatchRules(t testing.TB, binary string, opts ...Option) dispatchrules.Plugin {
	t.Helper()
	return start(t, pluginhost.DispatchRules, binary, opts).(dispatchrules.Plugin)
}

// Decider launches binary as a dispatch-rules plugin speaking protocol v2
// (a dispatchrules.Decider) and configures it; a plugin that speaks only
// v1 fails t.
func Decider(t testing.TB, binary string, opts ...Option) dispatchrules.Decider {
	t.Helper()
	p := start(t, pluginhost.DispatchRules, binary, opts)
	d, ok := p.(dispatchrules.Decider)
	if !ok {
		t.Fatalf("plugintest: %s speaks dispatch-rules protocol v1 only: it implements no Decide", binary)
	}
	return d
}
