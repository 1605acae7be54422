package embedded

import (
	"fmt"
	"os"
	"path/filepath"
)

// maxSocketPath is the longest Unix socket path Linux accepts: sun_path is
// 108 bytes including the terminating NUL.
const maxSocketPath = 107

// runDir is where a server's socket lives, and whether we must remove it.
type runDir struct {
	Path      string
	Temporary bool
}

// chooseRunDir prefers DataDir/run, so sockets sit next to the data they
// serve. When DataDir/run/<socket> would exceed the limit, it creates a short
// private directory under os.TempDir() instead, which the caller removes.
func chooseRunDir(dataDir, socketName, prefix string) (runDir, error) {
	dir := filepath.Join(dataDir, "run")
	if len(filepath.Join(dir, socketName)) <= maxSocketPath {
		return runDir{Path: dir}, nil
	}
	tmp, err := os.MkdirTemp("", prefix)
	if err != nil {
		return runDir{}, fmt.Errorf("embedded: short socket directory: %w", err)
	}
	if len(filepath.Join(tmp, socketName)) > maxSocketPath {
		os.Remove(tmp)
		return runDir{}, fmt.Errorf("embedded: socket path under %s and %s exceeds %d bytes; use a shorter data directory or TMPDIR",
			dir, tmp, maxSocketPath)
	}
	return runDir{Path: tmp, Temporary: true}, nil
}

// remove deletes a temporary socket directory; DataDir/run is kept.
func (r runDir) remove() error {
	if !r.Temporary || r.Path == "" {
		return nil
	}
	return os.RemoveAll(r.Path)
}
