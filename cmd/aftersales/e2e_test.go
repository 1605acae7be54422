//go:build linux

// The end-to-end tests run the aftersales binary as a real process, the way
// an operator does: built once, configured through the environment, reached
// over HTTP, stopped with SIGTERM. They check what unit tests cannot: the
// embedded default, process lifetimes, exit codes, and what the binary
// prints.
package main_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
//
// The port is free now, but a process started later binds it only after
// it is closed here. So it is taken below the kernel's ephemeral range
// (ip_local_port_range, 32768 and up by default), which the kernel never
// hands to the servers of other tests listening on port 0 meanwhile.
func freeAddr(t *testing.T) string {
	t.Helper()
	for range 100 {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000)))
		if err != nil {
			continue // in use
		}
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		return addr
	}
	require.FailNow(t, "no free port in 20000-31999")
	return ""
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
