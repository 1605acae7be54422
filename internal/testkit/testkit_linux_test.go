package testkit_test

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

func TestStartTiedAndProcessGone(t *testing.T) {
	t.Parallel()
	require.False(t, testkit.ProcessGone(os.Getpid()))
	cmd := exec.Command("sleep", "30")
	waited := make(chan struct{})
	done, err := testkit.StartTied(cmd, syscall.SIGKILL, func() { close(waited) })
	require.NoError(t, err)
	require.Equal(t, syscall.SIGKILL, cmd.SysProcAttr.Pdeathsig)
	require.False(t, testkit.ProcessGone(cmd.Process.Pid))
	require.NoError(t, cmd.Process.Kill())
	<-done
	select {
	case <-waited:
	default:
		t.Fatal("done closed before exited ran")
	}
	require.True(t, testkit.ProcessGone(cmd.Process.Pid))

	done, err = testkit.StartTied(exec.Command("/nonexistent/binary"), syscall.SIGKILL, nil)
	require.Error(t, err)
	<-done
}

func TestEventuallyPollsUntilTheCondition(t *testing.T) {
	t.Parallel()
	n := 0
	testkit.Eventually(t, 5*time.Second, "the third call", func() bool { n++; return n == 3 })
	require.Equal(t, 3, n)
}
