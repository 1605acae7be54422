// Package control lets a host test steer its test plugins while they run:
// each plugin reads the mode from a file named in its configuration at
// every call, so a test can make a running plugin hang, misbehave or
// recover without restarting it.
package control

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync/atomic"

	"github.com/aftersales/aftersales/sdk"
)

// Config is the test plugins' configuration.
type Config struct {
	Control string `json:"control"` // path of the mode file; missing file: "ok"
	Fixed   string `json:"mode"`    // the mode without a control file (benchmarks: no file read per call); default "ok"
	Tag     string `json:"tag"`     // echoed in answers, to tell bindings apart
	APIKey  string `json:"api_key"` // a secret, echoed the same way
}

// Holder keeps the configuration; embedded in a test plugin it is the
// plugin's Configure.
type Holder struct{ cfg atomic.Pointer[Config] }

// Configure implements every kind's Configure.
func (h *Holder) Configure(_ context.Context, raw json.RawMessage) error {
	var c Config
	if err := json.Unmarshal(raw, &c); err != nil {
		return sdk.BadRequest("config: %v", err)
	}
	h.cfg.Store(&c)
	sdk.Logger().Info("test plugin configured", "tag", c.Tag)
	return nil
}

// Config is the configuration last received.
func (h *Holder) Config() *Config { return h.cfg.Load() }

// Mode returns the current mode. In mode "hang" it first creates the file
// <control>.entered, so the test knows a call is inside the plugin.
func (c Config) Mode() string {
	if c.Control == "" {
		if c.Fixed != "" {
			return c.Fixed
		}
		return "ok"
	}
	b, err := os.ReadFile(c.Control)
	if err != nil {
		return "ok"
	}
	m := strings.TrimSpace(string(b))
	if m == "hang" {
		_ = os.WriteFile(c.Control+".entered", nil, 0o600)
	}
	return m
}

// Hang blocks forever, ignoring the call's context, as a stuck plugin does.
func Hang() { select {} }
