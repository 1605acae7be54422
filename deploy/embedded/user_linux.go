//go:build linux

package embedded

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// serverUser is who the servers run as. Drop is false when we are not root:
// then the servers simply run as ourselves.
type serverUser struct {
	Name     string
	UID, GID uint32
	Drop     bool
}

// credential is nil when no privileges are dropped, so exec keeps ours.
func (u serverUser) credential() *syscall.Credential {
	if !u.Drop {
		return nil
	}
	// No supplementary groups: the server should reach nothing of root's.
	return &syscall.Credential{Uid: u.UID, Gid: u.GID, Groups: []uint32{}}
}

const systemUserName = "aftersales"

var (
	// userMu serialises useradd: two launchers in one process (tests) would
	// otherwise race and one would see "user already exists".
	userMu     sync.Mutex
	cachedUser map[string]serverUser
)

// resolveServerUser picks the unprivileged user when we are root: the wanted
// name if given, else "aftersales" (created when missing and possible), else
// "postgres", else "nobody".
func resolveServerUser(ctx context.Context, want string, log *slog.Logger) (serverUser, error) {
	if os.Geteuid() != 0 {
		u := serverUser{UID: uint32(os.Geteuid()), GID: uint32(os.Getegid())}
		if cur, err := user.Current(); err == nil {
			u.Name = cur.Username
		}
		return u, nil
	}
	userMu.Lock()
	defer userMu.Unlock()
	if u, ok := cachedUser[want]; ok {
		return u, nil
	}
	u, err := pickServerUser(ctx, want, log)
	if err != nil {
		return u, err
	}
	if cachedUser == nil {
		cachedUser = map[string]serverUser{}
	}
	cachedUser[want] = u
	log.Info("embedded: running as root, database servers will run as an unprivileged user",
		"user", u.Name, "uid", u.UID)
	return u, nil
}

func pickServerUser(ctx context.Context, want string, log *slog.Logger) (serverUser, error) {
	if want != "" {
		u, err := lookupServerUser(want)
		if err != nil {
			return u, fmt.Errorf("embedded: server user %q: %w", want, err)
		}
		return u, nil
	}
	if u, err := lookupServerUser(systemUserName); err == nil {
		return u, nil
	}
	out, err := exec.CommandContext(ctx, "useradd", "--system", "--no-create-home",
		"--shell", "/usr/sbin/nologin", systemUserName).CombinedOutput()
	if u, lerr := lookupServerUser(systemUserName); lerr == nil {
		log.Info("embedded: created system user for the database servers", "user", systemUserName)
		return u, nil
	}
	log.Warn("embedded: could not create system user, falling back",
		"user", systemUserName, "error", err, "output", strings.TrimSpace(string(out)))
	for _, name := range []string{"postgres", "nobody"} {
		if u, err := lookupServerUser(name); err == nil {
			if name == "nobody" {
				log.Warn("embedded: database files will be owned by \"nobody\", which other services may share; create a dedicated user",
					"hint", "useradd --system --no-create-home --shell /usr/sbin/nologin "+systemUserName)
			}
			return u, nil
		}
	}
	return serverUser{}, errors.New("embedded: running as root and no unprivileged user (aftersales, postgres, nobody) exists or can be created; PostgreSQL refuses to run as root")
}

func lookupServerUser(name string) (serverUser, error) {
	pw, err := user.Lookup(name)
	if err != nil {
		return serverUser{}, err
	}
	uid, err := strconv.ParseUint(pw.Uid, 10, 32)
	if err != nil {
		return serverUser{}, err
	}
	gid, err := strconv.ParseUint(pw.Gid, 10, 32)
	if err != nil {
		return serverUser{}, err
	}
	if uid == 0 {
		return serverUser{}, fmt.Errorf("user %s is root", name)
	}
	return serverUser{Name: name, UID: uint32(uid), GID: uint32(gid), Drop: true}, nil
}

// ownedDir creates dir (mode 0700) if missing and makes u its owner. The tree
// is re-chowned only when the top directory belongs to someone else, e.g. the
// server user changed since the last run, so a normal start stays cheap.
func ownedDir(dir string, u serverUser) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	if !u.Drop {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid == u.UID && st.Gid == u.GID {
		return nil
	}
	return filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(u.UID), int(u.GID))
	})
}

// giveFile hands a file we wrote to the server user so it can read it.
func giveFile(path string, u serverUser) error {
	if !u.Drop {
		return nil
	}
	return os.Chown(path, int(u.UID), int(u.GID))
}

// makeDataDir creates dataDir. When the servers run as another user they must
// be able to traverse every ancestor: directories we create get 0755 and
// DataDir itself, if it is ours, gets search permission. Ancestors we did not
// create are never changed; if one blocks the way, the error says which.
func makeDataDir(dataDir string, u serverUser) error {
	var created []string
	for p := dataDir; ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil || p == filepath.Dir(p) {
			break
		}
		created = append(created, p)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("embedded: create data directory: %w", err)
	}
	if !u.Drop {
		return nil
	}
	for _, p := range created {
		if err := os.Chmod(p, 0o755); err != nil {
			return err
		}
	}
	if fi, err := os.Stat(dataDir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == os.Geteuid() {
			if err := os.Chmod(dataDir, fi.Mode().Perm()|0o011); err != nil {
				return err
			}
		}
	}
	return checkReachable(dataDir, u)
}

// checkReachable reports the first directory on the way to dir that u may not
// search, judged by mode bits (the server has no supplementary groups).
func checkReachable(dir string, u serverUser) error {
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		perm := fi.Mode().Perm()
		var bit fs.FileMode = 0o001
		switch {
		case st.Uid == u.UID:
			bit = 0o100
		case st.Gid == u.GID:
			bit = 0o010
		}
		if perm&bit == 0 {
			return fmt.Errorf("embedded: the database servers run as user %q, which cannot reach %s because %s has mode %04o; "+
				"allow traversal (chmod o+x %s) or choose a data directory below a path that other users can traverse",
				u.Name, dir, p, perm, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}
