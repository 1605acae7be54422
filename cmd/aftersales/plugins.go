package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// pluginKeyFile is the generated plugin secret key in the data directory.
const pluginKeyFile = "plugin-secret.key"

// loadPluginKey returns the platform key that encrypts plugin binding
// secrets: PLUGIN_SECRET_KEY when set, else the key file in the data
// directory, generated (0600) on first start. Replicas on several machines
// must share PLUGIN_SECRET_KEY: a key file is private to one data directory.
func loadPluginKey(c config, log *slog.Logger) ([]byte, error) {
	if c.PluginSecretKey != "" {
		return decodePluginKey(c.PluginSecretKey, "PLUGIN_SECRET_KEY")
	}
	if c.DataDir == "" {
		return nil, errors.New("PLUGIN_SECRET_KEY is not set and there is no data directory to keep a generated key in")
	}
	path := filepath.Join(c.DataDir, pluginKeyFile)
	if raw, err := os.ReadFile(path); err == nil {
		return decodePluginKey(string(raw), path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("plugin secret key: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("DATA_DIR: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	// O_EXCL: of several processes starting on one data directory, one
	// writes the key and the others read it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadPluginKey(c, log)
	}
	if err != nil {
		return nil, fmt.Errorf("plugin secret key: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("plugin secret key: %w", err)
	}
	log.Warn("generated the plugin secret key; set PLUGIN_SECRET_KEY to the same value on every replica", "file", path)
	return key, nil
}

func decodePluginKey(s, from string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s: must be 32 bytes in base64 (openssl rand -base64 32)", from)
	}
	return key, nil
}

// pluginDir is PLUGIN_DIR, or "plugins" in the data directory.
func pluginDir(c config) string {
	if c.PluginDir != "" || c.DataDir == "" {
		return c.PluginDir
	}
	return filepath.Join(c.DataDir, "plugins")
}
