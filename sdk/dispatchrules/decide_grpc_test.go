package dispatchrules

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	pbv2 "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v2"
)

// overV2 connects a protocol v2 client to a server for impl in memory.
func overV2(t *testing.T, impl Decider) *decideClient {
	l := bufconn.Listen(1 << 20)
	s := grpc.NewServer()
	pbv2.RegisterDispatchRulesServer(s, &decideServer{impl: impl})
	go func() { _ = s.Serve(l) }()
	t.Cleanup(s.Stop)
	cc, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return l.DialContext(ctx) }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = cc.Close() })
	return newDecideClient(cc)
}

// A decision and its answer survive protocol v2 whole: the answer's
// candidates come back as the rules returned them, though only their ID,
// score and added reasons travel.
func TestDecideRoundTrip(t *testing.T) {
	d := Decision{
		Order: Order{ID: "o", ServiceType: "repair", At: time.Unix(3, 4).UTC(), TimeZone: "Asia/Shanghai"},
		Sites: []Candidate{
			{SiteID: "a", Name: "A", Kind: Dealer, DistanceKm: 1, Score: 0.5, Reasons: []string{"given"},
				Opening: []Opening{{Day: time.Sunday, From: "09:00", To: "12:00"}}, Tags: []string{"24h"}},
			{SiteID: "b", Name: "B", Kind: RepairCenter, Score: 0.4},
			{SiteID: "c", Name: "C"},
		},
		Technicians: map[string][]TechCandidate{
			"a": {{TechnicianID: "t1", Name: "Li", Status: TechAvailable, Tags: []string{"senior"}, Reasons: []string{"given"}}, {TechnicianID: "t2"}},
			"b": {{TechnicianID: "t3", Skills: []string{"gas"}}},
		},
	}
	rules := &decider{answer: func(got Decision) Answer {
		if len(got.Sites) == 0 {
			return Answer{Technicians: map[string]TechnicianResponse{"a": {Candidates: got.Technicians["a"][1:], Reasons: []string{"t2"}}}}
		}
		sites := slices.Clone(got.Sites)
		b := sites[1]
		b.Score, b.Reasons = 0.9, append(slices.Clip(b.Reasons), "dealer sold it")
		a := sites[0]
		a.Reasons = append(slices.Clip(a.Reasons), "kept")
		ts := slices.Clone(got.Technicians["a"])
		ts[1].Reasons = []string{"replaced"}
		first := Answer{
			Sites: []Candidate{a, b}, Excluded: []Exclusion{{ID: "c", Reason: "closed"}}, Reasons: []string{"VIP"},
			Technicians: map[string]TechnicianResponse{
				"a": {Candidates: []TechCandidate{ts[1]}, Excluded: []Exclusion{{ID: "t1"}}, Reasons: []string{"juniors"}},
				"b": {Candidates: slices.Clone(got.Technicians["b"])},
			},
		}
		if got.Order.ServiceType == "install" {
			first.Sites[0], first.Sites[1] = b, a
		}
		return first
	}}
	c := overV2(t, rules)
	got, err := c.Decide(context.Background(), d)
	require.NoError(t, err)
	require.Equal(t, d, rules.got, "the decision arrived whole")
	want := rules.answer(d)
	delete(want.Technicians, "b")
	require.Equal(t, want, got, "the technicians of the site kept first travel back, and no other's")

	d.Order.ServiceType = "install" // the rules keep b first
	got, err = c.Decide(context.Background(), d)
	require.NoError(t, err)
	want = rules.answer(d)
	delete(want.Technicians, "a")
	require.Equal(t, want, got)

	only := Decision{Order: d.Order, Technicians: map[string][]TechCandidate{"a": d.Technicians["a"]}}
	got, err = c.Decide(context.Background(), only)
	require.NoError(t, err)
	require.Equal(t, map[string]TechnicianResponse{"a": rules.answer(only).Technicians["a"]}, got.Technicians,
		"a decision without sites: its one site's technicians")
}
