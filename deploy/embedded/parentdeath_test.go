//go:build linux

package embedded

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// childDataDirEnv switches the test binary into the "application" role.
const childDataDirEnv = "EMBEDDED_TEST_PARENT_DEATH_DATADIR"

// runParentDeathChild plays an application that starts both servers and is
// then killed without any chance to stop them.
func runParentDeathChild(dataDir string) {
	s, err := Start(context.Background(), Config{DataDir: dataDir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	fmt.Printf("pids %d %d\n", s.Postgres.PID(), s.Redis.PID())
	// Wait for stdin to close, so a crashed test run does not leave us behind.
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

func requireLogContains(t *testing.T, path string, want ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, w := range want {
		require.Contains(t, string(b), w, path)
	}
}

// onThrowawayThread runs f on an OS thread that is destroyed when f returns.
// The main thread is never destroyed (the runtime only parks it), so if the
// locked goroutine lands there it keeps it and tries again on another thread.
func onThrowawayThread(f func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked on the throwaway thread: it dies with this goroutine
		if syscall.Gettid() == syscall.Getpid() {
			onThrowawayThread(f)
			runtime.UnlockOSThread()
			close(done)
			return
		}
		f()
		close(done)
	}()
	<-done
}

// The parent-death signal belongs to the thread that forked the server. A
// caller on a thread that then exits must not take the servers down with it.
func TestServersSurviveExitOfStartingThread(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, testkit.NewDataDir(t))
	var s *Services
	var err error
	onThrowawayThread(func() { s, err = Start(context.Background(), cfg) })
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Stop(context.Background())) })

	// A wrongly delivered SIGINT or SIGTERM ends the servers within
	// milliseconds; this is a grace period, not a timing assertion.
	time.Sleep(time.Second)
	require.False(t, testkit.ProcessGone(s.Postgres.PID()), "postgres survives")
	require.False(t, testkit.ProcessGone(s.Redis.PID()), "redis-server survives")
	var one int
	require.NoError(t, connect(t, s.Postgres.URL()).QueryRow(context.Background(), `SELECT 1`).Scan(&one))
}

func TestServersDieWithParent(t *testing.T) {
	t.Parallel()
	dir := testkit.NewDataDir(t)
	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), childDataDirEnv+"="+dir)
	child.Stderr = testWriter{t}
	stdin, err := child.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close()
	stdout, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())

	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
	}()
	var pgPID, redisPID int
	select {
	case l := <-line:
		_, err := fmt.Sscanf(l, "pids %d %d", &pgPID, &redisPID)
		require.NoError(t, err, "child said %q", l)
	case <-time.After(60 * time.Second):
		_ = child.Process.Kill()
		t.Fatal("child did not start the servers")
	}
	require.False(t, testkit.ProcessGone(pgPID))
	require.False(t, testkit.ProcessGone(redisPID))

	require.NoError(t, child.Process.Kill())
	_ = child.Wait()
	requireGoneWithin(t, pgPID, 15*time.Second, "postgres after its parent was SIGKILLed")
	requireGoneWithin(t, redisPID, 15*time.Second, "redis-server after its parent was SIGKILLed")
	// They shut down cleanly (parent-death signal), not by being killed.
	requireLogContains(t, filepath.Join(dir, "postgres.log"), "received fast shutdown request", "database system is shut down")
	requireLogContains(t, filepath.Join(dir, "redis.log"), "Received SIGTERM", "ready to exit")

	// The orphaned data directory starts again.
	cfg, _ := testConfig(t, dir)
	s, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Stop(context.Background())) })
	require.NoError(t, redisClient(t, s.Redis.URL()).Ping(context.Background()).Err())
	var one int
	require.NoError(t, connect(t, s.Postgres.URL()).QueryRow(context.Background(), `SELECT 1`).Scan(&one))
}
