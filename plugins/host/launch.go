package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/sdk/pluginhost"
)

// configurer is what every kind's typed client has: the binding's
// configuration is passed right after launch.
type configurer interface {
	Configure(ctx context.Context, config json.RawMessage) error
}

// ensure returns the binding's running process, launching it when there is
// none (or its configuration is stale). The launch runs on its own
// deadline (StartTimeout), so a caller that gives up early still leaves a
// started process for the next call. Within the backoff after a failure it
// fails at once.
func (i *instance) ensure(ctx context.Context) (*process, error) {
	launched := false
	for {
		i.mu.Lock()
		if p := i.proc; p != nil && p.version == i.binding.Version {
			i.mu.Unlock()
			return p, nil
		}
		if i.launching == nil {
			if i.state == core.PluginFailed && launched { // this call's launch failed
				err := core.Errorf(core.EUNPROCESSABLE, "plugin %s failed to start: %s", i.plugin, i.lastErr)
				i.mu.Unlock()
				return nil, err
			}
			if i.state == core.PluginFailed && time.Now().Before(i.retryAt) {
				err := i.backingOff()
				i.mu.Unlock()
				return nil, err
			}
			i.startLaunch()
			launched = true
		}
		ch := i.launching
		i.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("plugin %s is starting: %w", i.plugin, context.Cause(ctx))
		}
	}
}

// startLaunch launches the process in the background. Called with mu held.
func (i *instance) startLaunch() {
	ch := make(chan struct{})
	i.launching = ch
	old, b, gen := i.proc, i.binding, i.gen
	restart := i.state == core.PluginFailed
	i.proc, i.state = nil, core.PluginStarting
	go func() {
		defer close(ch)
		if old != nil {
			old.stop(false)
		}
		p, sumOK, err := i.h.launch(i, b)
		i.mu.Lock()
		defer i.mu.Unlock()
		i.launching = nil
		if sumOK != nil {
			i.checksum = sumOK
		}
		if restart {
			i.restarts++
			i.h.metrics.restarts.With(i.labels).Inc()
		}
		switch {
		case err != nil:
			i.fail(err)
		case gen != i.gen: // stopped meanwhile
			p.stop(false)
			i.state = core.PluginStopped
		default:
			i.proc, i.state, i.startedAt = p, core.PluginRunning, time.Now()
			i.lastUsed.Store(i.startedAt.UnixNano()) // idle time counts from the start, not from the last process's use
			i.log.Info("plugin started", "pid", p.pid, "path", b.Plugin.Path, "config_version", p.version)
			go i.watch(p)
		}
	}()
}

// launch verifies the binary, starts it for b and configures it. The
// returned bool pointer is the checksum verdict, nil when not reached.
func (h *Host) launch(i *instance, b *core.PluginBinding) (*process, *bool, error) {
	kind := pluginhost.Kind(b.Kind)
	if !kind.Valid() {
		return nil, nil, core.Errorf(core.EUNPROCESSABLE, "unknown plugin kind %q", b.Kind)
	}
	bin, ok, err := openVerified(b.Plugin.Path, b.Plugin.SHA256)
	if err != nil {
		return nil, nil, err
	}
	defer bin.Close() // once started, the child holds its own descriptor
	if !ok {
		return nil, &ok, core.Errorf(core.EUNPROCESSABLE,
			"plugin %s %s refused: the binary's SHA-256 does not match the registered checksum", b.Plugin.Name, b.Plugin.Version)
	}
	cmd := exec.Command(b.Plugin.Path)
	cmd.Env = h.opts.Env
	if runtime.GOOS == "linux" {
		// Execute the very file that was hashed, through its descriptor:
		// a binary renamed over the path after the check is not the one
		// that runs.
		cmd.Path, cmd.ExtraFiles = "/proc/self/fd/3", []*os.File{bin}
	}
	cfg := pluginhost.ClientConfig(kind, cmd) // handshake, versions, gRPC, AutoMTLS
	cfg.SkipHostEnv = true
	cfg.StartTimeout = h.opts.StartTimeout
	cfg.Logger = newSlogBridge(i.log)
	cfg.Stderr = io.Discard // the raw copy of what the bridge already logs
	cfg.SyncStderr = &stdioLogger{log: cfg.Logger, level: hclog.Info}
	cfg.SyncStdout = &stdioLogger{log: cfg.Logger.With("stream", "stdout"), level: hclog.Debug}
	client := plugin.NewClient(cfg)
	p := &process{client: client, cmd: cmd, version: b.Version, done: make(chan struct{}), kills: &h.kills}
	if p.rpc, err = client.Client(); err != nil {
		p.stop(true)
		return nil, &ok, fmt.Errorf("start plugin %s: %w", b.Plugin.Name, err)
	}
	if rc := client.ReattachConfig(); rc != nil {
		p.pid = rc.Pid
	}
	if p.raw, err = pluginhost.Dispense(p.rpc, kind); err != nil {
		p.stop(true)
		return nil, &ok, fmt.Errorf("plugin %s: %w", b.Plugin.Name, err)
	}
	c, isConf := p.raw.(configurer)
	if !isConf {
		p.stop(true)
		return nil, &ok, fmt.Errorf("plugin %s: kind %s has no Configure", b.Plugin.Name, kind)
	}
	config, err := pluginConfig(b)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), h.opts.StartTimeout)
		err = c.Configure(ctx, config)
		cancel()
	}
	if err != nil {
		p.stop(true)
		return nil, &ok, fmt.Errorf("plugin %s refused its configuration: %w", b.Plugin.Name, err)
	}
	return p, &ok, nil
}

// openVerified opens the binary at path and compares its SHA-256 with
// the registered hex checksum. The caller closes the file.
func openVerified(path, want string) (*os.File, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, core.Errorf(core.EUNPROCESSABLE, "plugin binary %s cannot be read: %v", path, err)
	}
	sum, err := readSHA256(f)
	if err != nil {
		f.Close()
		return nil, false, core.Errorf(core.EUNPROCESSABLE, "plugin binary %s cannot be read: %v", path, err)
	}
	return f, strings.EqualFold(sum, want), nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return readSHA256(f)
}

func readSHA256(r io.Reader) (string, error) {
	sum := sha256.New()
	if _, err := io.Copy(sum, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// pluginConfig is what the plugin's Configure receives: the binding's
// configuration object with the secrets merged in as top-level keys (a
// secret wins over a configuration key of the same name), so that a plugin
// reads one flat object and need not know which fields the admin stored
// as secrets.
func pluginConfig(b *core.PluginBinding) (json.RawMessage, error) {
	if len(b.Secrets) == 0 && len(b.Config) > 0 {
		return b.Config, nil
	}
	obj := map[string]any{}
	if len(b.Config) > 0 {
		if err := json.Unmarshal(b.Config, &obj); err != nil {
			return nil, core.Errorf(core.EINVALID, "binding configuration is not a JSON object: %v", err)
		}
	}
	for k, v := range b.Secrets {
		obj[k] = v
	}
	return json.Marshal(obj)
}

// watch pings p every HealthInterval while it runs and stops it when idle.
func (i *instance) watch(p *process) {
	t := time.NewTicker(i.h.opts.HealthInterval)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
		}
		if i.stopIdle(p) {
			return
		}
		if err := i.ping(context.Background(), p); err != nil {
			i.crashed(p, fmt.Errorf("plugin process failed its health check: %w", err))
			return
		}
	}
}

// ping asks go-plugin's health service, bounded: a frozen process must not
// block the watcher. When ctx ends first it reports no failure: a call
// checking on its plugin must not outlast its deadline, and the watcher's
// own checks find a process that stopped answering.
func (i *instance) ping(ctx context.Context, p *process) error {
	if p.client.Exited() {
		return errors.New("plugin process exited")
	}
	ch := make(chan error, 1)
	go func() { ch <- p.rpc.Ping() }()
	select {
	case err := <-ch:
		return err
	case <-time.After(max(i.h.opts.HealthInterval, 5*time.Second)):
		return errors.New("no answer to ping")
	case <-p.done:
		return errors.New("plugin process stopped")
	case <-ctx.Done():
		return nil
	}
}

// stopIdle stops p when no call is in flight and none started within the
// idle time; it reports whether it did.
func (i *instance) stopIdle(p *process) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	idle := time.Since(time.Unix(0, i.lastUsed.Load()))
	if i.proc != p || i.inflight.Load() != 0 || idle < i.h.opts.IdleTimeout {
		return false
	}
	i.proc, i.state = nil, core.PluginStopped
	p.stop(false)
	i.log.Info("plugin stopped after idle time", "pid", p.pid)
	return true
}

// passEnv is the default plugin environment: what a process needs to run
// and reach its backends, nothing of the platform's own configuration.
func passEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "TZ", "LANG", "LC_ALL", "TMPDIR", "HOME",
		"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
		"SSL_CERT_FILE", "SSL_CERT_DIR", "AFTERSALES_PLUGIN_DEBUG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}
