package cti_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk/cti"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// TestPluginWithoutAgentSync: a plugin written before SyncAgents existed
// (the example implements only Plugin) keeps serving events, and the
// host's client reports that it does not sync agents, every time, without
// breaking the process.
func TestPluginWithoutAgentSync(t *testing.T) {
	p := plugintest.CTI(t, plugintest.Build(t, "./example"))
	ctx := context.Background()
	syncer, ok := p.(cti.AgentSyncer)
	require.True(t, ok, "the host's client offers SyncAgents for every plugin")
	for range 3 {
		err := syncer.SyncAgents(ctx, cti.AgentSync{Groups: []cti.AgentGroup{{ID: "g", Members: []cti.Agent{{Extension: "801"}}}}})
		require.ErrorIs(t, err, cti.ErrSyncNotSupported)
	}
	evs, err := p.ParseEvents(ctx, cti.VendorRequest{Query: url.Values{
		"event": {"ringing"}, "call": {"c1"}, "from": {"13800000000"}, "to": {"4008001234"}, "ext": {"801"},
	}})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, "801", evs[0].AgentExtension)
}
