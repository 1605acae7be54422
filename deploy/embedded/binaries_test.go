//go:build linux

package embedded

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParsePostgresMajor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, output, want string
		wantErr            bool
	}{
		{name: "debian", output: "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n", want: "15"},
		{name: "plain", output: "postgres (PostgreSQL) 17.2", want: "17"},
		{name: "beta", output: "postgres (PostgreSQL) 18beta1", want: "18"},
		{name: "old numbering", output: "postgres (PostgreSQL) 9.6.24", want: "9.6"},
		{name: "garbage", output: "redis-server v=7.0.15", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePostgresMajor(tt.output)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// fakeBinDir makes a bin directory holding executables with the given names.
func fakeBinDir(t *testing.T, dir string, names ...string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, n := range names {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\necho 'postgres (PostgreSQL) 0.0'\n"), 0o755))
	}
	return dir
}

func TestNewestPGBinariesPicksHighestCompleteVersion(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fakeBinDir(t, filepath.Join(root, "9.6", "bin"), "initdb", "postgres")
	fakeBinDir(t, filepath.Join(root, "10", "bin"), "initdb", "postgres")
	fakeBinDir(t, filepath.Join(root, "16", "bin"), "initdb") // client-only leftovers: no server
	fakeBinDir(t, filepath.Join(root, "notaversion", "bin"), "initdb", "postgres")

	b, err := newestPGBinaries(root)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(root, "10", "bin"), b.Dir)
}

func TestFindPGBinariesMissingSaysWhatToInstall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, binDir string
	}{
		{name: "empty PG_BINDIR", binDir: t.TempDir()},
		{name: "missing PG_BINDIR", binDir: "/nonexistent/postgresql/bin"},
		{name: "PG_BINDIR without postgres", binDir: fakeBinDir(t, t.TempDir(), "initdb")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := findPGBinaries(context.Background(), tt.binDir, debianPGRoot)
			require.ErrorContains(t, err, "apt-get install postgresql")
			require.ErrorContains(t, err, tt.binDir)
		})
	}
}

func TestFindPGBinariesOnThisMachine(t *testing.T) {
	t.Parallel()
	b, err := findPGBinaries(context.Background(), "", debianPGRoot)
	require.NoError(t, err, "these tests need the PostgreSQL server installed")
	require.NotEmpty(t, b.Major)
	require.FileExists(t, b.Initdb)
	require.FileExists(t, b.Postgres)
}

func TestFindRedisServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, override string
		wantFallback   bool
	}{
		{name: "none forces the fallback", override: "none", wantFallback: true},
		{name: "missing path falls back", override: "/nonexistent/redis-server", wantFallback: true},
		{name: "directory falls back", override: t.TempDir(), wantFallback: true},
		{name: "PATH lookup", override: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, reason := findRedisServer(tt.override)
			if tt.wantFallback {
				require.Empty(t, path)
				require.NotEmpty(t, reason)
				return
			}
			require.NotEmpty(t, path, "these tests need redis-server on PATH: %s", reason)
		})
	}
}
