package pluginhost_test

import (
	"maps"
	"os/exec"
	"slices"
	"testing"

	"github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/pluginhost"
)

// Every kind speaks protocol v1 under its own name; dispatch rules speak
// v2 too.
func TestEveryKindHasItsVersions(t *testing.T) {
	for _, k := range pluginhost.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			require.True(t, k.Valid())
			sets := pluginhost.VersionedPlugins(k)
			want := []int{1}
			if k == pluginhost.DispatchRules {
				want = []int{1, dispatchrules.ProtocolVersion}
			}
			require.ElementsMatch(t, want, slices.Collect(maps.Keys(sets)))
			for _, v := range want {
				require.Contains(t, sets[v], string(k))
			}
		})
	}
	require.Equal(t, sdk.ProtocolVersion, dispatchrules.ProtocolVersion, "the newest version of any kind")
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
