package dispatchrules_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/pluginhost"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

// A real plugin process answers over gRPC; killed, its calls fail as
// unavailable at once.
func TestPluginProcessAnswers(t *testing.T) {
	proc := plugintest.Launch(t, pluginhost.DispatchRules, plugintest.Build(t, "./example"))
	p := proc.Plugin.(dr.Plugin)
	ctx := context.Background()
	require.NoError(t, p.Configure(ctx, json.RawMessage(`{"max_km": 50}`)))
	req := dr.RankRequest{Order: dr.Order{ID: "o1"}, Candidates: []dr.Candidate{
		{SiteID: "far", DistanceKm: 80}, {SiteID: "near", DistanceKm: 3}}}
	for range 5 {
		res, err := p.Rank(ctx, req)
		require.NoError(t, err)
		require.Len(t, res.Candidates, 1)
		require.Equal(t, "near", res.Candidates[0].SiteID)
		require.Equal(t, "far", res.Excluded[0].ID)
	}
	tres, err := p.ChooseTechnician(ctx, dr.TechnicianRequest{Order: req.Order, SiteID: "near",
		Candidates: []dr.TechCandidate{{TechnicianID: "t1"}}})
	require.NoError(t, err)
	require.Equal(t, "t1", tres.Candidates[0].TechnicianID)

	pr, err := os.FindProcess(proc.Client.ReattachConfig().Pid)
	require.NoError(t, err)
	require.NoError(t, pr.Kill())
	_, err = p.Rank(ctx, req)
	require.ErrorIs(t, err, sdk.ErrUnavailable)
}
