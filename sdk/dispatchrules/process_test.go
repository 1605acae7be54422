package dispatchrules_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/pluginhost"
	"github.com/aftersales/aftersales/sdk/plugintest"
)

var (
	rankReq = dr.RankRequest{Order: dr.Order{ID: "o1", ServiceType: "installation"}, Candidates: []dr.Candidate{
		{SiteID: "far", DistanceKm: 80}, {SiteID: "near", DistanceKm: 3}}}
	techReq = dr.TechnicianRequest{Order: rankReq.Order, SiteID: "near",
		Candidates: []dr.TechCandidate{{TechnicianID: "t1"}, {TechnicianID: "t2", Tags: []string{"senior"}}}}
)

// A plugin speaking protocol v2 answers a decision in one Decide call, and
// Rank and ChooseTechnician through it; killed, its calls fail as
// unavailable at once.
func TestV2PluginProcess(t *testing.T) {
	proc := plugintest.Launch(t, pluginhost.DispatchRules, plugintest.Build(t, "./example"))
	require.Equal(t, 2, proc.Client.NegotiatedVersion())
	p := proc.Plugin.(dr.Decider)
	ctx := context.Background()
	require.NoError(t, p.Configure(ctx, json.RawMessage(`{"max_km": 50, "senior_for": ["installation"]}`)))

	a, err := p.Decide(ctx, dr.Decision{Order: rankReq.Order, Sites: rankReq.Candidates,
		Technicians: map[string][]dr.TechCandidate{"near": techReq.Candidates}})
	require.NoError(t, err)
	require.Equal(t, []dr.Candidate{rankReq.Candidates[1]}, a.Sites)
	require.Equal(t, "far", a.Excluded[0].ID)
	require.Equal(t, "t2", a.Technicians["near"].Candidates[0].TechnicianID)

	v1 := proc.Plugin.(dr.Plugin)
	res, err := v1.Rank(ctx, rankReq)
	require.NoError(t, err)
	require.Equal(t, []dr.Candidate{rankReq.Candidates[1]}, res.Candidates)
	tres, err := v1.ChooseTechnician(ctx, techReq)
	require.NoError(t, err)
	require.Equal(t, "t2", tres.Candidates[0].TechnicianID)

	pr, err := os.FindProcess(proc.Client.ReattachConfig().Pid)
	require.NoError(t, err)
	require.NoError(t, pr.Kill())
	_, err = p.Decide(ctx, dr.Decision{Order: rankReq.Order, Sites: rankReq.Candidates})
	require.ErrorIs(t, err, sdk.ErrUnavailable)
}

// A plugin written for protocol v1 still serves it: the host negotiates
// v1 and calls Rank and ChooseTechnician.
func TestV1PluginProcess(t *testing.T) {
	proc := plugintest.Launch(t, pluginhost.DispatchRules, plugintest.Build(t, "./testdata/v1"))
	require.Equal(t, 1, proc.Client.NegotiatedVersion())
	require.NotImplements(t, (*dr.Decider)(nil), proc.Plugin)
	p := plugintest.DispatchRules(t, plugintest.Build(t, "./testdata/v1"))
	ctx := context.Background()
	res, err := p.Rank(ctx, rankReq)
	require.NoError(t, err)
	require.Equal(t, "near", res.Candidates[0].SiteID)
	require.Equal(t, []string{"v1: reversed"}, res.Candidates[0].Reasons)
	tres, err := p.ChooseTechnician(ctx, techReq)
	require.NoError(t, err)
	require.Equal(t, "t2", tres.Candidates[0].TechnicianID)
	require.Equal(t, []string{"v1: technicians of near reversed"}, tres.Reasons)
}

// A plugin built for v2 still runs on a platform that speaks only v1: its
// Decide answers Rank (without technicians) and ChooseTechnician (without
// sites).
func TestV2PluginOnAV1Host(t *testing.T) {
	cfg := pluginhost.ClientConfig(pluginhost.DispatchRules, exec.Command(plugintest.Build(t, "./example")))
	delete(cfg.VersionedPlugins, 2)
	c := plugin.NewClient(cfg)
	t.Cleanup(c.Kill)
	rpc, err := c.Client()
	require.NoError(t, err)
	require.Equal(t, 1, c.NegotiatedVersion())
	p, err := pluginhost.DispenseDispatchRules(rpc)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, p.Configure(ctx, json.RawMessage(`{"max_km": 50, "senior_for": ["installation"]}`)))
	res, err := p.Rank(ctx, rankReq)
	require.NoError(t, err)
	require.Equal(t, []dr.Candidate{rankReq.Candidates[1]}, res.Candidates)
	tres, err := p.ChooseTechnician(ctx, techReq)
	require.NoError(t, err)
	require.Equal(t, "t2", tres.Candidates[0].TechnicianID)
	require.Equal(t, []string{"senior technician for installation"}, tres.Candidates[0].Reasons)
}

type configureOnly struct{}

func (configureOnly) Configure(context.Context, json.RawMessage) error { return nil }

func TestServeRefusesAPluginWithoutRules(t *testing.T) {
	require.PanicsWithValue(t, "dispatchrules.Serve: dispatchrules_test.configureOnly implements neither Decider (Decide) nor Plugin (Rank and ChooseTechnician)",
		func() { dr.Serve(configureOnly{}) })
}
