//go:build linux

package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// process is a server child whose lifetime is tied to ours.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the child has exited
	err  error         // cmd.Wait's result, valid once done is closed

	stopping atomic.Bool // set by stop, so an exit then is expected
}

// startProcess starts cmd so that the kernel sends it deathSig when we die.
//
// PR_SET_PDEATHSIG fires when the *thread* that forked the child exits, not
// the process. A goroutine runs on whatever thread is free, and the runtime
// destroys a thread whenever a goroutine locked to it exits, anywhere in the
// program. So the fork happens on a goroutine locked to its thread, and that
// goroutine stays on it, blocked in Wait, for the child's whole life. It never
// unlocks, so its thread is destroyed only after the child is gone.
func startProcess(name string, cmd *exec.Cmd, deathSig syscall.Signal) (*process, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = deathSig
	// Own process group: a Ctrl-C aimed at our terminal goes to us, and we
	// shut the server down in order, instead of it racing us.
	cmd.SysProcAttr.Setpgid = true

	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("embedded: start %s: %w", name, err)
	}
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// runOnce runs a short-lived helper (initdb) with the same thread discipline,
// so it too dies with us, and waits for it.
func runOnce(ctx context.Context, name string, cmd *exec.Cmd) error {
	p, err := startProcess(name, cmd, syscall.SIGKILL)
	if err != nil {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		_ = p.cmd.Process.Kill()
		<-p.done
		return ctx.Err()
	}
}

// watch logs a server that dies on its own: the application will only see
// connection errors, and the operator needs the reason from the server log.
func (p *process) watch(log *slog.Logger, logPath string) {
	go func() {
		<-p.done
		if !p.stopping.Load() {
			log.Error("embedded: server exited unexpectedly", "server", p.name, "pid", p.pid(),
				"error", p.err, "log", logPath, "log_tail", logTail(logPath, 10))
		}
	}()
}

// stop asks the child to exit with each signal in turn, giving it timeout
// after the first (the clean one) and a short grace after the harsher ones.
func (p *process) stop(ctx context.Context, log *slog.Logger, timeout time.Duration, sigs ...syscall.Signal) error {
	p.stopping.Store(true)
	for i, sig := range sigs {
		if p.exited() {
			break
		}
		if i > 0 {
			log.Warn("embedded: server did not stop in time, escalating", "server", p.name, "pid", p.pid(), "signal", sig.String())
		}
		if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, syscall.ESRCH) && !p.exited() {
			return fmt.Errorf("embedded: signal %s: %w", p.name, err)
		}
		wait := timeout
		if i > 0 {
			wait = 5 * time.Second
		}
		t := time.NewTimer(wait)
		select {
		case <-p.done:
		case <-t.C:
		case <-ctx.Done():
			// The caller gave up waiting; make sure nothing lingers.
			_ = p.cmd.Process.Kill()
			<-p.done
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
	if !p.exited() {
		return fmt.Errorf("embedded: %s (pid %d) did not exit", p.name, p.pid())
	}
	return nil
}
