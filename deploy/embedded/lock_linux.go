//go:build linux

package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall"
	"time"
)

// lockDataDir takes an exclusive flock on path. The file is handed to the
// server as an extra descriptor, and flock belongs to the open file shared
// by both, so the lock is held as long as either we or the server (or any of
// its children) is alive: a second launcher cannot start a server on the same
// files, even after the first launcher was killed while its server lingers.
//
// It waits up to wait for the lock, because right after a crash-restart the
// previous server is usually still in its shutdown.
func lockDataDir(ctx context.Context, path, what string, wait time.Duration, log *slog.Logger) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedded: lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	for logged := false; ; logged = true {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("embedded: lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("embedded: %s data directory is already in use by a running server (lock %s is held); "+
				"stop the other aftersales process or choose another data directory", what, path)
		}
		if !logged {
			log.Info("embedded: data directory is locked, waiting for the previous server to exit", "lock", path, "wait", wait)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
