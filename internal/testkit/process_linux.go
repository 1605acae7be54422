package testkit

import (
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
)

// ProcessGone reports whether pid has exited. A zombie counts as exited,
// because orphans are reparented to a PID 1 that may never reap them.
func ProcessGone(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// StartTied starts cmd so that the kernel sends it sig if the test binary
// dies (go test -timeout, a crash) and no cleanup runs. The kernel sends
// that signal when the forking *thread* exits, not the process, so the
// fork happens on a goroutine locked to its thread that stays there, in
// cmd.Wait, until the child is gone. exited, when not nil, runs once the
// child has exited and been waited for; done closes after it, or at once
// when cmd cannot start.
func StartTied(cmd *exec.Cmd, sig syscall.Signal, exited func()) (done <-chan struct{}, err error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = sig
	closed := make(chan struct{})
	started := make(chan error, 1)
	go func() {
		defer close(closed)
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		if exited != nil {
			exited()
		}
	}()
	return closed, <-started
}
