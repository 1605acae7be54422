package cti

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

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

func wrap(vs []string) *pb.Values  { return &pb.Values{Values: vs} }
func unwrap(v *pb.Values) []string { return v.GetValues() }
