//go:build linux

package embedded

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// fakeServerDir holds scripts that stand in for server binaries. It must be
// reachable by the unprivileged server user when we are root.
func fakeServerDir(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := filepath.Join(testkit.NewDataDir(t), "bin")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	for name, body := range scripts {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	}
	return dir
}

// A server that will not start must say why in the error, not only in a
// log file the operator has to find.
func TestStartFailureIncludesServerLog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		start func(context.Context, Config) error
		bins  map[string]string
		edit  func(cfg *Config, binDir string)
		want  string
	}{
		{
			name: "initdb fails",
			bins: map[string]string{
				"postgres": `echo "postgres (PostgreSQL) 15.1"`,
				"initdb":   `echo "initdb: error: simulated initdb failure" >&2; exit 1`,
			},
			edit: func(cfg *Config, binDir string) { cfg.PGBinDir = binDir },
			start: func(ctx context.Context, cfg Config) error {
				_, err := StartPostgres(ctx, cfg)
				return err
			},
			want: "simulated initdb failure",
		},
		{
			name: "redis-server exits",
			bins: map[string]string{"redis-server": `echo "simulated bad redis config"; exit 1`},
			edit: func(cfg *Config, binDir string) { cfg.RedisServerPath = filepath.Join(binDir, "redis-server") },
			start: func(ctx context.Context, cfg Config) error {
				_, err := StartRedis(ctx, cfg)
				return err
			},
			want: "simulated bad redis config",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, _ := testConfig(t, testkit.NewDataDir(t))
			tt.edit(&cfg, fakeServerDir(t, tt.bins))
			err := tt.start(context.Background(), cfg)
			require.ErrorContains(t, err, tt.want)
			require.ErrorContains(t, err, "last lines of")
			require.NoDirExists(t, filepath.Join(cfg.DataDir, "postgres.initdb"), "no half-made cluster is left")
		})
	}
}
