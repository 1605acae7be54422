package dispatchrules

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/aftersales/aftersales/sdk"
	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

const kind = "dispatch_rules"

func init() {
	wire.Register(kind, 1, func() plugin.Plugin {
		return &wire.GRPCPlugin{NewClient: func(c *grpc.ClientConn) any { return &client{c: pb.NewDispatchRulesClient(c), cc: c} }}
	})
}

func serve(impl Plugin, opts []sdk.ServeOption) {
	opts = append([]sdk.ServeOption{sdk.WithMaxProcs(1)}, opts...)
	srv := &server{impl: impl, log: wire.Options(opts).Logger}
	v1 := &wire.GRPCPlugin{RegisterServer: func(s *grpc.Server) { pb.RegisterDispatchRulesServer(s, srv) }}
	wire.Serve(kind, map[int]plugin.Plugin{1: v1}, opts)
}

type server struct {
	pb.UnimplementedDispatchRulesServer
	impl Plugin
	log  *slog.Logger
	ch   channelServer
}

func (s *server) Configure(ctx context.Context, r *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	return &pb.ConfigureResponse{}, s.impl.Configure(ctx, json.RawMessage(r.ConfigJson))
}

func (s *server) Rank(ctx context.Context, r *pb.RankRequest) (*pb.RankResponse, error) {
	req := RankRequest{Order: orderFrom(r.Order), Candidates: mapSlice(r.Candidates, candidateFrom)}
	sent := sentReasons(req.Candidates, siteID, func(c Candidate) []string { return c.Reasons })
	res, err := s.impl.Rank(ctx, req)
	if err != nil {
		return nil, err
	}
	return &pb.RankResponse{
		Candidates: rankedAll(res.Candidates, func(c Candidate) (string, float64, []string) { return c.SiteID, c.Score, c.Reasons }, sent),
		Excluded:   mapSlice(res.Excluded, exclusionTo),
		Reasons:    res.Reasons,
	}, nil
}

func (s *server) ChooseTechnician(ctx context.Context, r *pb.TechnicianRequest) (*pb.TechnicianResponse, error) {
	req := TechnicianRequest{Order: orderFrom(r.Order), SiteID: r.SiteId, Candidates: mapSlice(r.Candidates, techFrom)}
	sent := sentReasons(req.Candidates, techID, func(t TechCandidate) []string { return t.Reasons })
	res, err := s.impl.ChooseTechnician(ctx, req)
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianResponse{
		Candidates: rankedAll(res.Candidates, func(t TechCandidate) (string, float64, []string) {
			return t.TechnicianID, t.Score, t.Reasons
		}, sent),
		Excluded: mapSlice(res.Excluded, exclusionTo),
		Reasons:  res.Reasons,
	}, nil
}

// answer handles one call of the channel as its unary method would.
func (s *server) answer(ctx context.Context, call *pb.Call) *pb.Reply {
	if call.DeadlineUnixNano != 0 {
		var cancel context.CancelFunc
		ctx, cancel = wire.WithDeadline(ctx, time.Unix(0, call.DeadlineUnixNano))
		defer cancel()
	}
	reply := &pb.Reply{Id: call.Id}
	err := wire.Guard(s.log, "channel", func() error {
		switch r := call.Request.(type) {
		case *pb.Call_Rank:
			res, err := s.Rank(ctx, r.Rank)
			reply.Response = &pb.Reply_Rank{Rank: res}
			return err
		case *pb.Call_Technician:
			res, err := s.ChooseTechnician(ctx, r.Technician)
			reply.Response = &pb.Reply_Technician{Technician: res}
			return err
		}
		return sdk.BadRequest("a session call with no request the plugin knows")
	})
	if err != nil {
		st := status.Convert(err)
		reply.Response = &pb.Reply_Failure{Failure: &pb.Failure{Code: int32(st.Code()), Message: st.Message()}}
	}
	return reply
}

// client is the host's typed client: Plugin over gRPC, its Rank and
// ChooseTechnician calls sent on the plugin's channel when it has one.
type client struct {
	c  pb.DispatchRulesClient
	cc *grpc.ClientConn // closes the channel's connections when it shuts down; nil in tests
	ch channel
}

func (c *client) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := c.c.Configure(ctx, &pb.ConfigureRequest{ConfigJson: config})
	return wire.FromStatus(ctx, "Configure", err)
}

func (c *client) Rank(ctx context.Context, req RankRequest) (RankResponse, error) {
	in := &pb.RankRequest{Order: orderTo(req.Order), Candidates: candidatesTo(req.Candidates)}
	r, err := c.rank(ctx, in)
	if err != nil {
		return RankResponse{}, wire.FromStatus(ctx, "Rank", err)
	}
	return RankResponse{
		Candidates: rankedFrom(r.Candidates, req.Candidates, siteID, func(c Candidate) []string { return c.Reasons },
			func(id string, score float64, reasons []string, c Candidate) Candidate {
				c.SiteID, c.Score, c.Reasons = id, score, reasons
				return c
			}),
		Excluded: mapSlice(r.Excluded, exclusionFrom),
		Reasons:  r.Reasons,
	}, nil
}

func (c *client) ChooseTechnician(ctx context.Context, req TechnicianRequest) (TechnicianResponse, error) {
	in := &pb.TechnicianRequest{Order: orderTo(req.Order), SiteId: req.SiteID, Candidates: mapSlice(req.Candidates, techTo)}
	r, err := c.chooseTechnician(ctx, in)
	if err != nil {
		return TechnicianResponse{}, wire.FromStatus(ctx, "ChooseTechnician", err)
	}
	return TechnicianResponse{
		Candidates: rankedFrom(r.Candidates, req.Candidates, techID, func(t TechCandidate) []string { return t.Reasons },
			func(id string, score float64, reasons []string, t TechCandidate) TechCandidate {
				t.TechnicianID, t.Score, t.Reasons = id, score, reasons
				return t
			}),
		Excluded: mapSlice(r.Excluded, exclusionFrom),
		Reasons:  r.Reasons,
	}, nil
}

func siteID(c Candidate) string     { return c.SiteID }
func techID(t TechCandidate) string { return t.TechnicianID }
