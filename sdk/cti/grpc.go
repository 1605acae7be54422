package cti

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aftersales/aftersales/sdk"
	pb "github.com/aftersales/aftersales/sdk/internal/proto/cti/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

const kind = "cti"

func init() {
	wire.Register(kind, 1, func() plugin.Plugin {
		return &wire.GRPCPlugin{NewClient: func(c *grpc.ClientConn) any { return &client{c: pb.NewCTIClient(c)} }}
	})
}

func serve(impl Plugin, opts []sdk.ServeOption) {
	v1 := &wire.GRPCPlugin{RegisterServer: func(s *grpc.Server) { pb.RegisterCTIServer(s, &server{impl: impl}) }}
	wire.Serve(kind, map[int]plugin.Plugin{1: v1}, opts)
}

type server struct {
	pb.UnimplementedCTIServer
	impl Plugin
}

func (s *server) Configure(ctx context.Context, r *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	return &pb.ConfigureResponse{}, s.impl.Configure(ctx, json.RawMessage(r.ConfigJson))
}

func (s *server) ParseEvents(ctx context.Context, r *pb.ParseEventsRequest) (*pb.ParseEventsResponse, error) {
	evs, err := s.impl.ParseEvents(ctx, VendorRequest{
		Headers: wire.FromMultiMap(r.Headers, unwrap),
		Query:   url.Values(wire.FromMultiMap(r.Query, unwrap)),
		Body:    r.Body,
	})
	if err != nil {
		return nil, err
	}
	out := &pb.ParseEventsResponse{Events: make([]*pb.CallEvent, len(evs))}
	for i, e := range evs {
		out.Events[i] = &pb.CallEvent{
			Type: string(e.Type), CallId: e.CallID, Caller: e.Caller, Called: e.Called,
			AgentExtension: e.AgentExtension, RecordingUrl: e.RecordingURL, AtUnixNano: wire.UnixNano(e.At),
			Direction: e.Direction, Queue: e.Queue,
		}
	}
	return out, nil
}

func (s *server) Dial(ctx context.Context, r *pb.DialRequest) (*pb.DialResponse, error) {
	res, err := s.impl.Dial(ctx, DialRequest{AgentExtension: r.AgentExtension, Number: r.Number, Reference: r.Reference})
	if err != nil {
		return nil, err
	}
	return &pb.DialResponse{CallId: res.CallID}, nil
}

// SyncAgents serves the optional AgentSyncer: a plugin without it, or one
// that says it cannot, answers Unimplemented, as a plugin built before
// the method existed does.
func (s *server) SyncAgents(ctx context.Context, r *pb.SyncAgentsRequest) (*pb.SyncAgentsResponse, error) {
	syncer, ok := s.impl.(AgentSyncer)
	if !ok {
		return nil, status.Error(codes.Unimplemented, ErrSyncNotSupported.Error())
	}
	in := AgentSync{Groups: make([]AgentGroup, len(r.Groups))}
	for i, g := range r.Groups {
		in.Groups[i] = AgentGroup{ID: g.Id, Name: g.Name, Skill: g.Skill, Queue: g.Queue, Members: make([]Agent, len(g.Members))}
		for k, m := range g.Members {
			in.Groups[i].Members[k] = Agent{Extension: m.Extension, Available: m.Available, State: m.State}
		}
	}
	if err := syncer.SyncAgents(ctx, in); err != nil {
		if errors.Is(err, ErrSyncNotSupported) {
			return nil, status.Error(codes.Unimplemented, err.Error())
		}
		return nil, err
	}
	return &pb.SyncAgentsResponse{}, nil
}

// client is the host's typed client: Plugin over gRPC.
type client struct{ c pb.CTIClient }

func (c *client) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := c.c.Configure(ctx, &pb.ConfigureRequest{ConfigJson: config})
	return wire.FromStatus(ctx, "Configure", err)
}

func (c *client) ParseEvents(ctx context.Context, req VendorRequest) ([]CallEvent, error) {
	r, err := c.c.ParseEvents(ctx, &pb.ParseEventsRequest{
		Headers: wire.MultiMap(req.Headers, wrap),
		Query:   wire.MultiMap(req.Query, wrap),
		Body:    req.Body,
	})
	if err != nil {
		return nil, wire.FromStatus(ctx, "ParseEvents", err)
	}
	out := make([]CallEvent, len(r.Events))
	for i, e := range r.Events {
		out[i] = CallEvent{
			Type: EventType(e.Type), CallID: e.CallId, Caller: e.Caller, Called: e.Called,
			AgentExtension: e.AgentExtension, RecordingURL: e.RecordingUrl, At: wire.Time(e.AtUnixNano),
			Direction: e.Direction, Queue: e.Queue,
		}
	}
	return out, nil
}

func (c *client) Dial(ctx context.Context, req DialRequest) (DialResult, error) {
	r, err := c.c.Dial(ctx, &pb.DialRequest{AgentExtension: req.AgentExtension, Number: req.Number, Reference: req.Reference})
	if err != nil {
		return DialResult{}, wire.FromStatus(ctx, "Dial", err)
	}
	return DialResult{CallID: r.CallId}, nil
}

// SyncAgents implements AgentSyncer for every plugin: one that does not
// sync agents (or was built before SyncAgents) gives ErrSyncNotSupported.
func (c *client) SyncAgents(ctx context.Context, in AgentSync) error {
	r := &pb.SyncAgentsRequest{Groups: make([]*pb.SyncAgentGroup, len(in.Groups))}
	for i, g := range in.Groups {
		pg := &pb.SyncAgentGroup{Id: g.ID, Name: g.Name, Skill: g.Skill, Queue: g.Queue, Members: make([]*pb.SyncAgent, len(g.Members))}
		for k, m := range g.Members {
			pg.Members[k] = &pb.SyncAgent{Extension: m.Extension, Available: m.Available, State: m.State}
		}
		r.Groups[i] = pg
	}
	_, err := c.c.SyncAgents(ctx, r)
	if status.Code(err) == codes.Unimplemented && ctx.Err() == nil {
		return ErrSyncNotSupported
	}
	return wire.FromStatus(ctx, "SyncAgents", err)
}

func wrap(vs []string) *pb.Values  { return &pb.Values{Values: vs} }
func unwrap(v *pb.Values) []string { return v.GetValues() }
