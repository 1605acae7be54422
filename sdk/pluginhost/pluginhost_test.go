package pluginhost_test

import (
	"os/exec"
	"testing"

	"github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/pluginhost"
)

// Every kind speaks protocol v1 (and, for now, only v1), under its own name.
func TestEveryKindHasItsVersions(t *testing.T) {
	for _, k := range pluginhost.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			require.True(t, k.Valid())
			sets := pluginhost.VersionedPlugins(k)
			require.Len(t, sets, sdk.ProtocolVersion)
			require.Contains(t, sets[1], string(k))
		})
	}
	require.False(t, pluginhost.Kind("sms").Valid())
	require.Empty(t, pluginhost.VersionedPlugins("sms"))
}

func TestClientConfig(t *testing.T) {
	cmd := exec.Command("/bin/true")
	c := pluginhost.ClientConfig(pluginhost.Parts, cmd)
	require.True(t, c.AutoMTLS)
	require.Equal(t, []plugin.Protocol{plugin.ProtocolGRPC}, c.AllowedProtocols)
	require.Equal(t, pluginhost.Handshake(), c.HandshakeConfig)
	require.Same(t, cmd, c.Cmd)
	require.Contains(t, c.VersionedPlugins[1], "parts")
}
