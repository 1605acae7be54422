package main

import (
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadPluginKey(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()

	// Generated once into the data directory, private, then reused.
	k1, err := loadPluginKey(config{DataDir: dir}, log)
	require.NoError(t, err)
	require.Len(t, k1, 32)
	st, err := os.Stat(filepath.Join(dir, pluginKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	k2, err := loadPluginKey(config{DataDir: dir}, log)
	require.NoError(t, err)
	require.Equal(t, k1, k2)

	// The environment wins; a malformed key is refused.
	env := make([]byte, 32)
	env[0] = 7
	k3, err := loadPluginKey(config{DataDir: dir, PluginSecretKey: base64.StdEncoding.EncodeToString(env)}, log)
	require.NoError(t, err)
	require.Equal(t, env, k3)
	for name, bad := range map[string]string{"not base64": "%%%", "too short": base64.StdEncoding.EncodeToString([]byte("short"))} {
		_, err := loadPluginKey(config{DataDir: dir, PluginSecretKey: bad}, log)
		require.ErrorContains(t, err, "32 bytes", name)
	}
	_, err = loadPluginKey(config{}, log)
	require.Error(t, err, "no key and nowhere to keep one")
}
