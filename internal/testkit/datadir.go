package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// NewDataDir returns a fresh data directory for embedded PostgreSQL and
// Redis. When the test runs as root those servers run as an unprivileged
// user, who must traverse every ancestor of the directory, and t.TempDir's
// parent is created 0700; the launcher never changes directories it did
// not create, so the test, which owns that parent, opens it up.
func NewDataDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
