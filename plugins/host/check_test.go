package host

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestCheckConfig: the plugin's verdict on a configuration, from a process
// of its own that leaves the binding's running process alone; no verdict
// (nil) from a plugin that cannot start or answer in time.
func TestCheckConfig(t *testing.T) {
	t.Parallel()
	tb := setup(t, nil)
	b := tb.bind(t, core.PluginDispatchRules, tb.testPlugin(t, "rules"), "r", nil)
	pid := tb.waitRunning(t, b)

	require.NoError(t, tb.h.CheckConfig(bg, b.PluginBinding))
	proposed := *b.PluginBinding
	proposed.Config = json.RawMessage(`{"tag": 5}`)
	err := tb.h.CheckConfig(bg, &proposed)
	require.Equal(t, core.EINVALID, errCode(err), "%v", err)
	require.ErrorContains(t, err, "refused by plugin")
	require.Equal(t, pid, tb.h.PID(b.ID), "the running process is not the checked one")

	// A binary whose checksum is wrong is no verdict on the configuration.
	wrong := *b.PluginBinding
	plugin := *b.Plugin
	plugin.SHA256 = "00" + plugin.SHA256[2:]
	wrong.Plugin = &plugin
	require.NoError(t, tb.h.CheckConfig(bg, &wrong))

	// Nor is a check that runs out of time.
	ctx, cancel := context.WithTimeout(bg, time.Millisecond)
	defer cancel()
	require.NoError(t, tb.h.CheckConfig(ctx, &proposed))
}
