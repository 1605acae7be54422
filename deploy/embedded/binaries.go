package embedded

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// pgInstallHint is appended to every "binaries not found" error so the
// operator learns what to install, not just what is missing.
const pgInstallHint = "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; " +
	"Fedora/RHEL: dnf install postgresql-server; macOS: brew install postgresql), " +
	"set PG_BINDIR to the directory holding initdb and postgres, or set DATABASE_URL to use an existing server"

// debianPGRoot is where Debian and Ubuntu install one directory per major
// version; those binaries are not on PATH, so they are searched explicitly.
const debianPGRoot = "/usr/lib/postgresql"

// pgBinaries are the server programs of one PostgreSQL installation.
type pgBinaries struct {
	Dir      string
	Initdb   string
	Postgres string
	Major    string // "15", or "9.6" for the old numbering
}

// findPGBinaries looks in binDir when set, else the highest version under
// root/*/bin, else PATH. It never downloads anything.
func findPGBinaries(ctx context.Context, binDir, root string) (pgBinaries, error) {
	var b pgBinaries
	var err error
	switch {
	case binDir != "":
		b, err = pgBinariesIn(binDir)
		if err != nil {
			return b, fmt.Errorf("embedded: PG_BINDIR %s: %w; %s", binDir, err, pgInstallHint)
		}
	default:
		b, err = newestPGBinaries(root)
		if err != nil {
			b, err = pgBinariesOnPath()
		}
		if err != nil {
			return b, fmt.Errorf("embedded: PostgreSQL server binaries (initdb, postgres) not found in %s/*/bin or PATH; %s",
				root, pgInstallHint)
		}
	}
	b.Major, err = postgresMajor(ctx, b.Postgres)
	return b, err
}

func pgBinariesIn(dir string) (pgBinaries, error) {
	b := pgBinaries{Dir: dir, Initdb: filepath.Join(dir, "initdb"), Postgres: filepath.Join(dir, "postgres")}
	for _, p := range []string{b.Initdb, b.Postgres} {
		if err := isExecutable(p); err != nil {
			return b, err
		}
	}
	return b, nil
}

// newestPGBinaries picks the highest major under root, because a machine that
// has several versions installed usually wants the newest for new clusters.
func newestPGBinaries(root string) (pgBinaries, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return pgBinaries{}, err
	}
	var versions []string
	for _, e := range entries {
		if _, err := versionKey(e.Name()); err == nil {
			versions = append(versions, e.Name())
		}
	}
	sort.Slice(versions, func(i, j int) bool {
		a, _ := versionKey(versions[i])
		b, _ := versionKey(versions[j])
		return a > b
	})
	for _, v := range versions {
		if b, err := pgBinariesIn(filepath.Join(root, v, "bin")); err == nil {
			return b, nil
		}
	}
	return pgBinaries{}, fmt.Errorf("no complete installation under %s", root)
}

func pgBinariesOnPath() (pgBinaries, error) {
	initdb, err := exec.LookPath("initdb")
	if err != nil {
		return pgBinaries{}, err
	}
	postgres, err := exec.LookPath("postgres")
	if err != nil {
		return pgBinaries{}, err
	}
	return pgBinaries{Dir: filepath.Dir(postgres), Initdb: initdb, Postgres: postgres}, nil
}

// versionKey orders "9.6" < "10" < "15" numerically (major*1000+minor).
func versionKey(v string) (int, error) {
	major, minor, _ := strings.Cut(v, ".")
	ma, err := strconv.Atoi(major)
	if err != nil {
		return 0, err
	}
	mi := 0
	if minor != "" {
		if mi, err = strconv.Atoi(minor); err != nil {
			return 0, err
		}
	}
	return ma*1000 + mi, nil
}

func isExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

var pgVersionRe = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// postgresMajor asks the binary itself, because directory names and symlinks
// on PATH do not reliably tell the version.
func postgresMajor(ctx context.Context, postgres string) (string, error) {
	out, err := exec.CommandContext(ctx, postgres, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("embedded: %s --version: %w", postgres, err)
	}
	major, err := parsePostgresMajor(string(out))
	if err != nil {
		return "", fmt.Errorf("embedded: %s --version: %w", postgres, err)
	}
	return major, nil
}

// parsePostgresMajor turns "postgres (PostgreSQL) 15.20 (Debian ...)" into
// "15" and "postgres (PostgreSQL) 9.6.24" into "9.6", the same spelling
// PG_VERSION uses.
func parsePostgresMajor(versionOutput string) (string, error) {
	m := pgVersionRe.FindStringSubmatch(versionOutput)
	if m == nil {
		return "", fmt.Errorf("unrecognised version output %q", strings.TrimSpace(versionOutput))
	}
	if n, _ := strconv.Atoi(m[1]); n < 10 && m[2] != "" {
		return m[1] + "." + m[2], nil
	}
	return m[1], nil
}

// findRedisServer returns the redis-server to run, or "" when the in-process
// fallback must be used, with the reason for the log.
func findRedisServer(override string) (path, reason string) {
	switch override {
	case redisNone:
		return "", "Config.RedisServerPath is \"none\""
	case "":
		p, err := exec.LookPath("redis-server")
		if err != nil {
			return "", "redis-server is not on PATH"
		}
		return p, ""
	default:
		if err := isExecutable(override); err != nil {
			return "", fmt.Sprintf("Config.RedisServerPath: %v", err)
		}
		return override, ""
	}
}
