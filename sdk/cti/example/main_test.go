package main

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// The example plugin, built and run the way the platform runs it.
func TestExamplePlugin(t *testing.T) {
	p := plugintest.CTI(t, plugintest.Build(t, "."), plugintest.Config(config{Trunk: "9"}))
	ctx := context.Background()

	evs, err := p.ParseEvents(ctx, cti.VendorRequest{Query: url.Values{
		"event": {"ringing"}, "call": {"c1"}, "from": {"13800000000"}, "to": {"4008001234"}, "ext": {"801"},
	}})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, cti.Ringing, evs[0].Type)
	require.Equal(t, "801", evs[0].AgentExtension)
	require.False(t, evs[0].At.IsZero())

	_, err = p.ParseEvents(ctx, cti.VendorRequest{Query: url.Values{"event": {"exploded"}}})
	require.True(t, errors.Is(err, sdk.ErrBadRequest), "got %v", err)

	res, err := p.Dial(ctx, cti.DialRequest{AgentExtension: "801", Number: "13800000000"})
	require.NoError(t, err)
	require.Equal(t, "example-1", res.CallID)
}
