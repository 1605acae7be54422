//go:build linux

package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// pgSuperuser is the superuser role of the private cluster; the application
// connects as it, which is acceptable because nothing else can reach the
// socket.
const pgSuperuser = "aftersales"

// checkClusterVersion refuses a cluster made by another major version. The
// files are left exactly as they are: upgrading (pg_upgrade) or installing the
// matching binaries is the operator's decision, and a wiped database is not
// recoverable.
func checkClusterVersion(pgdata string, bins pgBinaries) error {
	b, err := os.ReadFile(filepath.Join(pgdata, "PG_VERSION"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("embedded: read cluster version: %w", err)
	}
	have := strings.TrimSpace(string(b))
	if have == bins.Major {
		return nil
	}
	return fmt.Errorf("embedded: the data directory %s was created by PostgreSQL %s, but the server binaries in %s are PostgreSQL %s; "+
		"the data was left untouched: install PostgreSQL %s and point PG_BINDIR at its bin directory, or upgrade the cluster with pg_upgrade",
		pgdata, have, bins.Dir, bins.Major, have)
}

func clusterExists(pgdata string) bool {
	_, err := os.Stat(filepath.Join(pgdata, "PG_VERSION"))
	return err == nil
}

// initCluster runs initdb as the server user: UTF8, superuser aftersales,
// trust for the local socket only. C.UTF-8 gives Unicode-aware upper/lower
// and ILIKE with a collation that never changes under a glibc upgrade; where
// that locale is missing we fall back to plain C.
//
// initdb writes PG_VERSION early, so a launcher killed mid-initdb would leave
// a broken cluster that looks finished. initdb therefore works in a sibling
// directory that is renamed into place only when complete.
func initCluster(ctx context.Context, bins pgBinaries, pgdata string, u serverUser, logf *os.File, log *slog.Logger) error {
	tmp := pgdata + ".initdb"
	defer os.RemoveAll(tmp) // gone after the rename; a failed attempt is removed
	var err error
	for _, locale := range []string{"--locale=C.UTF-8", "--no-locale"} {
		// Only an unfinished initdb ever lives here.
		if err = os.RemoveAll(tmp); err != nil {
			return err
		}
		if err = ownedDir(tmp, u); err != nil {
			return err
		}
		cmd := exec.Command(bins.Initdb, "-D", tmp, "-U", pgSuperuser, "-E", "UTF8", locale,
			"--auth-local=trust", "--auth-host=reject")
		cmd.Dir = tmp
		cmd.Env = serverEnv()
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.credential()}
		if err = runOnce(ctx, "initdb", cmd); err == nil {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err != nil {
		return err
	}
	// rename(2) replaces pgdata only if it is an empty directory, so an
	// unexpected non-empty one is never lost. (os.Rename refuses any existing
	// directory, hence the raw call.)
	if err := syscall.Rename(tmp, pgdata); err != nil {
		return fmt.Errorf("move new cluster from %s into place: %w", tmp, err)
	}
	log.Info("embedded: created PostgreSQL cluster", "dir", pgdata, "major", bins.Major)
	return nil
}

// serverEnv is a small clean environment: the servers must not pick up the
// caller's PGDATA, PGHOST or locale settings.
func serverEnv() []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C"}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return env
}

const (
	includeLine = "include_if_exists = 'aftersales.conf'"

	// serverSettings is rewritten on every start so upgrades of the launcher
	// take effect; ALTER SYSTEM still overrides it (postgresql.auto.conf is
	// read last). Paths and listen settings are passed on the command line
	// instead, because they are not negotiable.
	serverSettings = `# Written by the aftersales launcher on every start; use ALTER SYSTEM to override.
max_connections = 100
shared_buffers = 128MB
fsync = on
synchronous_commit = on
full_page_writes = on
log_line_prefix = '%m [%p] '
logging_collector = off
`

	// throwawaySettings follow serverSettings for a Throwaway cluster (a
	// later setting wins).
	throwawaySettings = `# A throwaway cluster (tests): PostgreSQL's non-durable settings.
fsync = off
synchronous_commit = off
full_page_writes = off
`

	// hbaRules trusts local socket connections and nothing else; trust is
	// safe because only the server user (and root) can enter the socket
	// directory.
	hbaRules = `# Written by the aftersales launcher on every start.
# Unix socket only; the socket directory is private to the server user.
local all all trust
`
)

// writeServerConfig installs our settings and pg_hba.conf, owned by the
// server user so it can read them.
func writeServerConfig(pgdata string, u serverUser, throwaway bool) error {
	confPath := filepath.Join(pgdata, "postgresql.conf")
	conf, err := os.ReadFile(confPath)
	if err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	if !bytes.Contains(conf, []byte(includeLine)) {
		conf = append(conf, []byte("\n# Added by the aftersales launcher.\n"+includeLine+"\n")...)
		if err := writeOwned(confPath, conf, u); err != nil {
			return err
		}
	}
	settings := serverSettings
	if throwaway {
		settings += throwawaySettings
	}
	if err := writeOwned(filepath.Join(pgdata, "aftersales.conf"), []byte(settings), u); err != nil {
		return err
	}
	return writeOwned(filepath.Join(pgdata, "pg_hba.conf"), []byte(hbaRules), u)
}

func writeOwned(path string, b []byte, u serverUser) error {
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	return giveFile(path, u)
}

// clearStalePidFile removes a postmaster.pid whose postmaster is gone or
// whose PID now belongs to an unrelated process (common after a container
// restart, where PIDs repeat). A live postmaster working in this directory
// is reported instead: starting a second one would corrupt the cluster.
func clearStalePidFile(pgdata string, log *slog.Logger) error {
	path := filepath.Join(pgdata, "postmaster.pid")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err == nil && pid > 0 && postmasterRunsIn(pid, pgdata) {
		return fmt.Errorf("embedded: PostgreSQL (pid %d) is already running on %s, started outside this launcher; stop it first", pid, pgdata)
	}
	log.Info("embedded: removing stale postmaster.pid left by a crashed server", "file", path, "pid", first)
	return os.Remove(path)
}

// postmasterRunsIn reports whether pid is alive and works in pgdata (the
// postmaster's working directory is its data directory). When we cannot
// tell, it assumes yes, the safe answer.
func postmasterRunsIn(pid int, pgdata string) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err == nil {
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false // a zombie holds no files
		}
	}
	cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	return filepath.Clean(cwd) == filepath.Clean(pgdata)
}
