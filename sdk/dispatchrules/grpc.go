package dispatchrules

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/aftersales/aftersales/sdk"
	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
	pbv2 "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v2"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

const kind = "dispatch_rules"

func init() {
	wire.Register(kind, 1, func() plugin.Plugin {
		return &wire.GRPCPlugin{NewClient: func(c *grpc.ClientConn) any { return &client{c: pb.NewDispatchRulesClient(c)} }}
	})
	wire.Register(kind, 2, func() plugin.Plugin {
		return &wire.GRPCPlugin{NewClient: func(c *grpc.ClientConn) any { return newDecideClient(c) }}
	})
}

func serve(impl Configurer, opts []sdk.ServeOption) {
	d, v2 := impl.(Decider)
	p, v1 := impl.(Plugin)
	switch {
	case !v1 && !v2:
		panic(fmt.Sprintf("dispatchrules.Serve: %T implements neither Decider (Decide) nor Plugin (Rank and ChooseTechnician)", impl))
	case !v1:
		p = decidePlugin{d}
	}
	versions := map[int]plugin.Plugin{1: &wire.GRPCPlugin{RegisterServer: func(s *grpc.Server) {
		pb.RegisterDispatchRulesServer(s, &server{impl: p})
	}}}
	if v2 {
		versions[2] = &wire.GRPCPlugin{RegisterServer: func(s *grpc.Server) {
			pbv2.RegisterDispatchRulesServer(s, &decideServer{impl: d})
		}}
	}
	wire.Serve(kind, versions, opts)
}

// server serves protocol v1.
type server struct {
	pb.UnimplementedDispatchRulesServer
	impl Plugin
}

func (s *server) Configure(ctx context.Context, r *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	return &pb.ConfigureResponse{}, s.impl.Configure(ctx, json.RawMessage(r.ConfigJson))
}

func (s *server) Rank(ctx context.Context, r *pb.RankRequest) (*pb.RankResponse, error) {
	req := RankRequest{Order: orderFrom(r.Order), Candidates: mapSlice(r.Candidates, candidateFrom)}
	sent := sentReasons(req.Candidates, siteID, candidateReasons)
	res, err := s.impl.Rank(ctx, req)
	if err != nil {
		return nil, err
	}
	return &pb.RankResponse{
		Candidates: rankedAll(res.Candidates, rankedSite, sent),
		Excluded:   mapSlice(res.Excluded, exclusionTo),
		Reasons:    res.Reasons,
	}, nil
}

func (s *server) ChooseTechnician(ctx context.Context, r *pb.TechnicianRequest) (*pb.TechnicianResponse, error) {
	req := TechnicianRequest{Order: orderFrom(r.Order), SiteID: r.SiteId, Candidates: mapSlice(r.Candidates, techFrom)}
	sent := sentReasons(req.Candidates, techID, techReasons)
	res, err := s.impl.ChooseTechnician(ctx, req)
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianResponse{
		Candidates: rankedAll(res.Candidates, rankedTech, sent),
		Excluded:   mapSlice(res.Excluded, exclusionTo),
		Reasons:    res.Reasons,
	}, nil
}

// client is the host's typed client: Plugin over protocol v1's unary
// gRPC calls.
type client struct{ c pb.DispatchRulesClient }

func (c *client) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := c.c.Configure(ctx, &pb.ConfigureRequest{ConfigJson: config})
	return wire.FromStatus(ctx, "Configure", err)
}

func (c *client) Rank(ctx context.Context, req RankRequest) (RankResponse, error) {
	r, err := c.c.Rank(ctx, &pb.RankRequest{Order: orderTo(req.Order), Candidates: candidatesTo(req.Candidates)})
	if err != nil {
		return RankResponse{}, wire.FromStatus(ctx, "Rank", err)
	}
	return RankResponse{
		Candidates: rankedFrom(r.Candidates, req.Candidates, siteID, candidateReasons, withRanked),
		Excluded:   mapSlice(r.Excluded, exclusionFrom),
		Reasons:    r.Reasons,
	}, nil
}

func (c *client) ChooseTechnician(ctx context.Context, req TechnicianRequest) (TechnicianResponse, error) {
	r, err := c.c.ChooseTechnician(ctx, &pb.TechnicianRequest{Order: orderTo(req.Order), SiteId: req.SiteID,
		Candidates: techniciansTo(req.Candidates)})
	if err != nil {
		return TechnicianResponse{}, wire.FromStatus(ctx, "ChooseTechnician", err)
	}
	return TechnicianResponse{
		Candidates: rankedFrom(r.Candidates, req.Candidates, techID, techReasons, withRankedTech),
		Excluded:   mapSlice(r.Excluded, exclusionFrom),
		Reasons:    r.Reasons,
	}, nil
}

// withRanked and withRankedTech set what an answer brings back.
func withRanked(id string, score float64, reasons []string, c Candidate) Candidate {
	c.SiteID, c.Score, c.Reasons = id, score, reasons
	return c
}

func withRankedTech(id string, score float64, reasons []string, t TechCandidate) TechCandidate {
	t.TechnicianID, t.Score, t.Reasons = id, score, reasons
	return t
}

func siteID(c Candidate) string     { return c.SiteID }
func techID(t TechCandidate) string { return t.TechnicianID }

func candidateReasons(c Candidate) []string { return c.Reasons }
func techReasons(t TechCandidate) []string  { return t.Reasons }

// rankedSite and rankedTech are what of an answered candidate travels back.
func rankedSite(c *Candidate) (string, float64, []string) { return c.SiteID, c.Score, c.Reasons }
func rankedTech(t *TechCandidate) (string, float64, []string) {
	return t.TechnicianID, t.Score, t.Reasons
}
