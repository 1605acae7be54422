//go:build linux

package main_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// proc is one aftersales process started by a test. It is stopped, and on
// failure its output logged, when the test ends.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stderr *testkit.SyncBuffer
	done   <-chan struct{} // closed once the process has exited
}

// startProc starts the binary in its own working directory (so a relative
// default such as DATA_DIR=data never lands in the source tree).
func startProc(t *testing.T, name string, vars map[string]string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, stderr: &testkit.SyncBuffer{}}
	p.cmd = exec.Command(binPath, args...)
	p.cmd.Dir = t.TempDir()
	p.cmd.Env = childEnv(vars)
	p.cmd.Stderr = p.stderr
	// If the test binary dies (go test -timeout), the platform shuts down
	// cleanly instead of lingering with its database servers.
	done, err := testkit.StartTied(p.cmd, syscall.SIGTERM, nil)
	require.NoError(t, err, "starting %s", name)
	p.done = done
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
			if resp.StatusCode == http.StatusOK && !p.exited() { // not another process's server on the port
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

// serveEmbedded starts `aftersales serve` with the embedded default on
// dataDir and a fresh port, and waits until it is ready.
func serveEmbedded(t *testing.T, name, dataDir string) (*proc, string) {
	t.Helper()
	return serveOn(t, name, dataDir, nil)
}

// serveOn starts `aftersales serve` on dataDir and a fresh port with the
// given extra environment (DATABASE_URL, REDIS_URL: what is not set is
// embedded), and waits until it is ready.
func serveOn(t *testing.T, name, dataDir string, vars map[string]string) (*proc, string) {
	t.Helper()
	// Registered before the process starts, so it runs after it stopped:
	// the servers must be gone before t.TempDir removes their files.
	t.Cleanup(func() {
		deadline := time.Now().Add(20 * time.Second)
		for left := processesUsing(dataDir); len(left) > 0; left = processesUsing(dataDir) {
			if time.Now().After(deadline) {
				t.Errorf("processes still use %s after aftersales stopped: %v", dataDir, left)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	addr := freeAddr(t)
	env := map[string]string{"DATA_DIR": dataDir, "HTTP_ADDR": addr}
	for k, v := range vars {
		env[k] = v
	}
	p := startProc(t, name, env, "serve")
	p.waitReady(t, "http://"+addr)
	return p, addr
}

// embeddedPIDs returns the PIDs of the embedded PostgreSQL and Redis, as
// the launcher logged them.
func (p *proc) embeddedPIDs(t *testing.T) (pg, redis int) {
	t.Helper()
	pgRecs := p.findRecords(t, "embedded: PostgreSQL started")
	redisRecs := p.findRecords(t, "embedded: Redis started")
	require.Len(t, pgRecs, 1, "one embedded PostgreSQL start in the log")
	require.Len(t, redisRecs, 1, "one embedded Redis start in the log (a redis-server, not the in-process fallback)")
	return intField(t, pgRecs[0], "pid"), intField(t, redisRecs[0], "pid")
}

// intField reads a numeric field of a log record.
func intField(t *testing.T, rec map[string]any, key string) int {
	t.Helper()
	f, ok := rec[key].(float64)
	require.True(t, ok, "log record %v has no numeric %q", rec, key)
	return int(f)
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
		if err != nil || testkit.ProcessGone(pid) {
			continue
		}
		cmdline := strings.TrimSpace(strings.ReplaceAll(string(raw), "\x00", " "))
		if strings.Contains(cmdline, dir+"/") {
			found = append(found, e.Name()+": "+cmdline)
		}
	}
	return found
}
