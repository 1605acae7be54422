//go:build linux

package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/internal/testkit"
)

// TestPlatformAdminCreateAndOpenAPIAndVersion covers the subcommands an
// operator and the build use besides serve, and how the binary answers a
// wrong command line.
func TestPlatformAdminCreateAndOpenAPIAndVersion(t *testing.T) {
	t.Parallel()

	t.Run("platform-admin create prints a working token", func(t *testing.T) {
		t.Parallel()
		dbURL := newDatabase(t)
		db := map[string]string{"DATABASE_URL": dbURL}
		res := runCmd(t, db, "platform-admin", "create", "ops")
		require.Equal(t, 0, res.Code, "stderr: %s", res.Stderr)
		token := strings.TrimSpace(res.Stdout)
		require.NotEmpty(t, token)
		require.NotContains(t, token, "\n", "stdout is the token alone, for scripts: %q", res.Stdout)
		again := runCmd(t, db, "platform-admin", "create", "ops")
		require.Equal(t, 0, again.Code, "stderr: %s", again.Stderr)
		second := strings.TrimSpace(again.Stdout)
		require.NotEqual(t, token, second, "each call issues a new token")

		dataDir, addr := t.TempDir(), freeAddr(t)
		p := startProc(t, "serve", map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": redisURL(t),
			"DATA_DIR": dataDir, "HTTP_ADDR": addr}, "serve")
		p.waitReady(t, "http://"+addr)
		c := newClient(t, addr)
		require.Empty(t, c.tenantSlugs(token))
		require.Empty(t, c.tenantSlugs(second), "an earlier token stays valid")
		c.expectProblem(http.StatusUnauthorized, "GET", "/v1/platform/tenants", "not-a-token", nil)
		c.expectProblem(http.StatusUnauthorized, "GET", "/v1/platform/tenants", "", nil)
		_, err := os.Stat(filepath.Join(dataDir, "platform-admin.token"))
		require.ErrorIs(t, err, os.ErrNotExist, "a database with a platform admin is not a first start")
	})

	t.Run("openapi prints the spec as JSON", func(t *testing.T) {
		t.Parallel()
		res := runCmd(t, nil, "openapi")
		require.Equal(t, 0, res.Code, "stderr: %s", res.Stderr)
		var spec struct {
			OpenAPI string                     `json:"openapi"`
			Paths   map[string]json.RawMessage `json:"paths"`
		}
		require.NoError(t, json.Unmarshal([]byte(res.Stdout), &spec), "openapi output: %.500s", res.Stdout)
		require.True(t, strings.HasPrefix(spec.OpenAPI, "3."), "openapi version %q", spec.OpenAPI)
		require.Contains(t, spec.Paths, "/v1/me")
		require.Contains(t, spec.Paths, "/v1/platform/tenants")
	})

	t.Run("openapi --yaml equals the committed spec", func(t *testing.T) {
		t.Parallel()
		res := runCmd(t, nil, "openapi", "--yaml")
		require.Equal(t, 0, res.Code, "stderr: %s", res.Stderr)
		committed, err := os.ReadFile(filepath.Join("..", "..", "openapi", "openapi.yaml"))
		require.NoError(t, err)
		require.True(t, string(committed) == res.Stdout,
			"openapi/openapi.yaml is stale: run `make generate` and commit it")
	})

	t.Run("version", func(t *testing.T) {
		t.Parallel()
		res := runCmd(t, nil, "version")
		require.Equal(t, 0, res.Code)
		require.Equal(t, "aftersales "+testVersion+"\n", res.Stdout)
	})

	t.Run("unknown or missing command exits 2 with usage", func(t *testing.T) {
		t.Parallel()
		for _, args := range [][]string{{"frobnicate"}, {}} {
			res := runCmd(t, nil, args...)
			require.Equal(t, 2, res.Code, "aftersales %v", args)
			require.Contains(t, res.Stderr, "Usage:")
			require.Contains(t, res.Stderr, "aftersales serve")
			require.Empty(t, res.Stdout)
		}
		require.Contains(t, runCmd(t, nil, "frobnicate").Stderr, `unknown command "frobnicate"`)
	})

	t.Run("a bogus role is refused before anything starts", func(t *testing.T) {
		t.Parallel()
		for name, c := range map[string]struct {
			env  map[string]string
			args []string
		}{
			"flag": {args: []string{"serve", "--role", "bogus"}},
			"env":  {env: map[string]string{"ROLE": "bogus"}, args: []string{"serve"}},
		} {
			dataDir := filepath.Join(t.TempDir(), "data")
			env := map[string]string{"DATA_DIR": dataDir}
			for k, v := range c.env {
				env[k] = v
			}
			res := runCmd(t, env, c.args...)
			require.NotEqual(t, 0, res.Code, name)
			require.Contains(t, res.Stderr, `role must be all, api or worker, not "bogus"`, name)
			_, err := os.Stat(dataDir)
			require.ErrorIs(t, err, os.ErrNotExist, "%s: nothing may be started or created", name)
		}
	})
}

// TestMissingPostgresBinariesSaysWhatToInstall: on a machine without the
// PostgreSQL server the embedded default fails at once and tells the
// operator what to install instead of a bare "file not found".
func TestMissingPostgresBinariesSaysWhatToInstall(t *testing.T) {
	t.Parallel()
	emptyBin, dataDir, addr := t.TempDir(), testkit.NewDataDir(t), freeAddr(t)
	res := runCmd(t, map[string]string{"PG_BINDIR": emptyBin, "DATA_DIR": dataDir, "HTTP_ADDR": addr}, "serve")
	require.NotEqual(t, 0, res.Code)
	require.Contains(t, res.Stderr, "apt-get install postgresql")
	require.Contains(t, res.Stderr, "PG_BINDIR "+emptyBin, "the message names the directory searched")
	require.Contains(t, res.Stderr, "DATABASE_URL", "the message offers an existing server as the alternative")
	_, err := os.Stat(filepath.Join(dataDir, "platform-admin.token"))
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = os.Stat(filepath.Join(dataDir, "postgres"))
	require.ErrorIs(t, err, os.ErrNotExist, "no cluster is created")
	requireRefused(t, addr, "a failed start")
}
