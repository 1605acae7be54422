//go:build linux

// The end-to-end tests run the aftersales binary as a real process, the way
// an operator does: built once, configured through the environment, reached
// over HTTP, stopped with SIGTERM. They check what unit tests cannot: the
// embedded default, process lifetimes, exit codes, and what the binary
// prints.
package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testVersion is stamped into the binary the way the Makefile stamps a
// release, so the tests can see that the version reaches the output.
const testVersion = "v0.0.0-e2e"

// binPath is the binary under test, built once by TestMain.
var binPath string

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "aftersales-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "aftersales")
	build := exec.Command("go", "build", "-ldflags", "-X main.version="+testVersion, "-o", binPath, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building the aftersales binary: %v\n%s", err, out)
		return 1
	}
	defer stopBacking()
	return m.Run()
}

// configEnv are the variables the binary reads; children get only the ones
// a test sets, so a developer's DATABASE_URL never leaks into a test.
var configEnv = []string{"DATABASE_URL", "REDIS_URL", "DATA_DIR", "PG_BINDIR", "HTTP_ADDR", "PUBLIC_URL",
	"LOG_LEVEL", "ROLE", "DB_MAX_CONNS", "WORKERS", "TEST_DATABASE_URL", "TEST_REDIS_URL"}

func childEnv(vars map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !containsString(configEnv, name) {
			env = append(env, kv)
		}
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// proc is one aftersales process started by a test. It is stopped, and on
// failure its output logged, when the test ends.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{} // closed once the process has exited
}

// startProc starts the binary in its own working directory (so a relative
// default such as DATA_DIR=data never lands in the source tree).
func startProc(t *testing.T, name string, vars map[string]string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(binPath, args...)
	p.cmd.Dir = t.TempDir()
	p.cmd.Env = childEnv(vars)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	// If the test binary dies (go test -timeout), the platform shuts down
	// cleanly instead of lingering with its database servers.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	require.NoError(t, p.cmd.Start(), "starting %s", name)
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill(t)
		if t.Failed() {
			t.Logf("%s (pid %d) stderr:\n%s", name, p.cmd.Process.Pid, p.stderr.String())
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill stops the process if it still runs: SIGTERM, then SIGKILL.
func (p *proc) kill(t *testing.T) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not exit within 30s of SIGTERM; killing it", p.name)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// terminate sends SIGTERM and returns the exit code.
func (p *proc) terminate(t *testing.T) int {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	return p.wait(t, 40*time.Second)
}

// wait returns the exit code once the process has exited.
func (p *proc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		require.FailNow(t, p.name+" did not exit", "waited %s; stderr:\n%s", d, p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// records returns the JSON log records written to stderr so far. Every
// complete line must be a JSON object or part of the start-up banner (blank
// or indented); anything else (a panic, a stray fmt.Println) fails the test.
func (p *proc) records(t *testing.T) []map[string]any {
	t.Helper()
	var recs []map[string]any
	out := p.stderr.String()
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		out = out[:i+1] // the last line may still be being written
	} else {
		out = ""
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "{") {
			require.True(t, line == "" || strings.HasPrefix(line, "  "),
				"%s wrote a stderr line that is neither a JSON log record nor the banner: %q", p.name, line)
			continue
		}
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), "%s wrote an invalid JSON log line: %q", p.name, line)
		for _, key := range []string{"time", "level", "msg"} {
			require.Contains(t, rec, key, "log record without %q: %s", key, line)
		}
		recs = append(recs, rec)
	}
	require.NoError(t, sc.Err())
	return recs
}

// findRecords returns the records whose msg is msg.
func (p *proc) findRecords(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range p.records(t) {
		if r["msg"] == msg {
			found = append(found, r)
		}
	}
	return found
}

// waitRecord waits until a record matches, failing early if the process
// exits first.
func (p *proc) waitRecord(t *testing.T, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, r := range p.records(t) {
			if match(r) {
				return r
			}
		}
		if p.exited() {
			require.FailNow(t, p.name+" exited before logging "+what, "exit code %d; stderr:\n%s",
				p.cmd.ProcessState.ExitCode(), p.stderr.String())
		}
		if time.Now().After(deadline) {
			require.FailNow(t, p.name+" did not log "+what, "stderr:\n%s", p.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitReady polls /readyz until it answers 200. Starting the embedded
// servers takes seconds on a slow machine, hence the generous timeout.
func (p *proc) waitReady(t *testing.T, base string) {
	t.Helper()
	hc := &http.Client{Timeout: 3 * time.Second}
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := hc.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if p.exited() {
			require.FailNow(t, p.name+" exited before it was ready", "exit code %d; stderr:\n%s",
				p.cmd.ProcessState.ExitCode(), p.stderr.String())
		}
		if time.Now().After(deadline) {
			require.FailNow(t, p.name+" did not become ready", "last /readyz: %v; stderr:\n%s", err, p.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// intField reads a numeric field of a log record.
func intField(t *testing.T, rec map[string]any, key string) int {
	t.Helper()
	f, ok := rec[key].(float64)
	require.True(t, ok, "log record %v has no numeric %q", rec, key)
	return int(f)
}

// runResult is the outcome of a command that runs to completion.
type runResult struct {
	Code           int
	Stdout, Stderr string
}

// runCmd runs the binary to completion (at most a minute).
func runCmd(t *testing.T, vars map[string]string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = childEnv(vars)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		require.NoError(t, err, "running aftersales %s", strings.Join(args, " "))
	}
	require.NoError(t, ctx.Err(), "aftersales %s did not finish; stderr:\n%s", strings.Join(args, " "), stderr.String())
	return runResult{Code: cmd.ProcessState.ExitCode(), Stdout: stdout.String(), Stderr: stderr.String()}
}

// freeAddr returns a loopback address nobody listened on a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// requireRefused checks that nothing listens on addr.
func requireRefused(t *testing.T, addr, why string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		conn.Close()
	}
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "%s: %s should refuse connections", why, addr)
}

// newDataDir returns a fresh DATA_DIR. When we are root the embedded
// servers run as an unprivileged user who must traverse every ancestor,
// and t.TempDir's parent is created 0700; the test owns it, so it opens it.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	}
	return dir
}

// processGone reports whether pid has exited; a zombie counts as exited.
func processGone(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// processesUsing lists the live processes whose command line mentions a
// path inside dir (the embedded postgres -D DIR/postgres, redis-server
// DIR/redis/redis.conf), like pgrep -f.
func processesUsing(dir string) []string {
	entries, _ := os.ReadDir("/proc")
	var found []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		raw, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || processGone(pid) {
			continue
		}
		cmdline := strings.TrimSpace(strings.ReplaceAll(string(raw), "\x00", " "))
		if strings.Contains(cmdline, dir+"/") {
			found = append(found, e.Name()+": "+cmdline)
		}
	}
	return found
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
