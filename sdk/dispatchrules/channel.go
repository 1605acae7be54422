package dispatchrules

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"

	"github.com/aftersales/aftersales/sdk"
	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

// The host sends Rank and ChooseTechnician as messages on the plugin's
// channel (wire.ChannelListener) instead of as unary gRPC calls: a
// decision makes two calls, and a gRPC call's per-message hand-offs
// between goroutines cost more than the rules themselves. Each connection
// carries one call at a time, written and read by the caller's own
// goroutine; concurrent calls take more connections, kept open for the
// next ones.

// errNoChannel says the plugin does not serve the channel (an SDK from
// before it), or its channel cannot be reached: the call is made as a
// unary call instead, as are all later ones.
var errNoChannel = errors.New("plugin serves no channel")

// maxIdleConns bounds the connections kept open between calls.
const maxIdleConns = 8

// channel is a client's pool of channel connections.
type channel struct {
	mu       sync.Mutex
	opened   bool // OpenChannel answered
	unusable bool
	closed   bool
	network  string
	address  string
	own      tls.Certificate
	peer     []byte
	dials    int // connections made; one means the channel works
	idle     []*wire.FrameConn
	next     uint64
}

// open asks the plugin for its channel, once. A plugin that answers
// Unimplemented has none; one that fails to open it (it cannot listen
// where it runs) is called over gRPC too. Only a call that ran out of time
// asking leaves the question open for the next.
func (ch *channel) open(ctx context.Context, c pb.DispatchRulesClient, cc *grpc.ClientConn) error {
	own, err := wire.NewChannelCert()
	if err != nil {
		return err
	}
	info, err := c.OpenChannel(ctx, &pb.ChannelRequest{HostCertificate: own.Certificate[0]})
	ch.mu.Lock()
	defer ch.mu.Unlock()
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		ch.unusable = true
		return errNoChannel
	case ch.opened:
		return nil // a concurrent call opened it first
	}
	ch.opened, ch.network, ch.address, ch.own, ch.peer = true, info.Network, info.Address, own, info.PluginCertificate
	if cc != nil {
		go ch.closeWith(cc)
	}
	return nil
}

// closeWith closes the channel's connections when the plugin's gRPC
// connection shuts down (the host stopped the process).
func (ch *channel) closeWith(cc *grpc.ClientConn) {
	for s := cc.GetState(); s != connectivity.Shutdown; s = cc.GetState() {
		cc.WaitForStateChange(context.Background(), s)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.closed = true
	for _, f := range ch.idle {
		_ = f.Close()
	}
	ch.idle = nil
}

// take returns an idle connection, or makes one.
func (ch *channel) take(ctx context.Context, c *client) (*wire.FrameConn, uint64, error) {
	ch.mu.Lock()
	if ch.unusable {
		ch.mu.Unlock()
		return nil, 0, errNoChannel
	}
	if !ch.opened {
		ch.mu.Unlock()
		if err := ch.open(ctx, c.c, c.cc); err != nil {
			return nil, 0, err
		}
		ch.mu.Lock()
	}
	ch.next++
	id := ch.next
	if n := len(ch.idle); n > 0 {
		f := ch.idle[n-1]
		ch.idle = ch.idle[:n-1]
		ch.mu.Unlock()
		return f, id, nil
	}
	network, address, own, peer := ch.network, ch.address, ch.own, ch.peer
	ch.mu.Unlock()
	f, err := wire.DialChannel(ctx, network, address, own, peer)
	ch.mu.Lock()
	defer ch.mu.Unlock()
	switch {
	case err == nil:
		ch.dials++
		return f, id, nil
	case ctx.Err() != nil:
		return nil, 0, ctx.Err()
	case ch.dials == 0:
		// The channel never worked (the plugin runs where the host cannot
		// reach its address): gRPC it is.
		ch.unusable = true
		return nil, 0, errNoChannel
	}
	return nil, 0, status.Errorf(codes.Unavailable, "plugin channel: %v", err)
}

// put keeps f for the next call.
func (ch *channel) put(f *wire.FrameConn) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if !ch.closed && len(ch.idle) < maxIdleConns {
		ch.idle = append(ch.idle, f)
		return
	}
	_ = f.Close()
}

// call sends one call on a connection of the channel and waits for its
// reply or for ctx to end. A Failure reply comes back as the gRPC status
// error a unary call would have ended with.
func (ch *channel) call(ctx context.Context, c *client, call *pb.Call) (*pb.Reply, error) {
	f, id, err := ch.take(ctx, c)
	if err != nil {
		return nil, err
	}
	call.Id = id
	d, _ := ctx.Deadline()
	call.DeadlineUnixNano = wire.UnixNano(d)
	// A call that outlives ctx (its deadline or a cancel) ends its
	// connection, which is not used again: its late reply must not answer
	// another call. (AfterFunc rather than a deadline on the connection:
	// ctx has its timer already.)
	stop := context.AfterFunc(ctx, func() { _ = f.SetDeadline(time.Unix(1, 0)) })
	r := &pb.Reply{}
	if err = f.WriteMsg(call); err == nil {
		err = f.ReadMsg(r)
	}
	if !stop() || err != nil || r.Id != id {
		_ = f.Close()
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, context.DeadlineExceeded
		case err == nil:
			return nil, status.Errorf(codes.Internal, "the plugin answered call %d with the reply to %d", id, r.Id)
		}
		return nil, status.Errorf(codes.Unavailable, "plugin channel: %v", err)
	}
	ch.put(f)
	if fail, ok := r.Response.(*pb.Reply_Failure); ok {
		return nil, status.Error(codes.Code(fail.Failure.Code), fail.Failure.Message)
	}
	return r, nil
}

// channelCall makes a call on the channel, or as a unary call when the
// plugin has none. pick takes the expected response out of the reply.
func channelCall[R any](ctx context.Context, c *client, call *pb.Call, pick func(*pb.Reply) (R, bool),
	unary func(context.Context) (R, error)) (R, error) {
	r, err := c.ch.call(ctx, c, call)
	var zero R
	switch {
	case errors.Is(err, errNoChannel):
		return unary(ctx)
	case err != nil:
		return zero, err
	}
	out, ok := pick(r)
	if !ok {
		return zero, status.Errorf(codes.Internal, "the plugin answered with a reply of another kind (%T)", r.Response)
	}
	return out, nil
}

func (c *client) rank(ctx context.Context, in *pb.RankRequest) (*pb.RankResponse, error) {
	return channelCall(ctx, c, &pb.Call{Request: &pb.Call_Rank{Rank: in}},
		func(r *pb.Reply) (*pb.RankResponse, bool) {
			_, ok := r.Response.(*pb.Reply_Rank)
			return r.GetRank(), ok
		},
		func(ctx context.Context) (*pb.RankResponse, error) { return c.c.Rank(ctx, in) })
}

func (c *client) chooseTechnician(ctx context.Context, in *pb.TechnicianRequest) (*pb.TechnicianResponse, error) {
	return channelCall(ctx, c, &pb.Call{Request: &pb.Call_Technician{Technician: in}},
		func(r *pb.Reply) (*pb.TechnicianResponse, bool) {
			_, ok := r.Response.(*pb.Reply_Technician)
			return r.GetTechnician(), ok
		},
		func(ctx context.Context) (*pb.TechnicianResponse, error) { return c.c.ChooseTechnician(ctx, in) })
}

// channelServer is the plugin's side: its listener, made on the first
// OpenChannel.
type channelServer struct {
	mu sync.Mutex
	l  *wire.ChannelListener
}

// OpenChannel implements the protocol's OpenChannel.
func (s *server) OpenChannel(_ context.Context, r *pb.ChannelRequest) (*pb.ChannelInfo, error) {
	if len(r.HostCertificate) == 0 {
		return nil, sdk.BadRequest("OpenChannel needs the host's certificate")
	}
	s.ch.mu.Lock()
	defer s.ch.mu.Unlock()
	if s.ch.l == nil {
		l, err := wire.ListenChannel()
		if err != nil {
			return nil, sdk.Unavailable("%v", err)
		}
		s.ch.l = l
		go func() { _ = l.Serve(s.serveChannel) }()
	}
	s.ch.l.Allow(r.HostCertificate)
	a := s.ch.l.Addr()
	return &pb.ChannelInfo{Network: a.Network(), Address: a.String(), PluginCertificate: s.ch.l.Certificate()}, nil
}

// serveChannel answers the calls of one connection, each before reading
// the next: the host sends one at a time per connection.
func (s *server) serveChannel(f *wire.FrameConn) {
	for {
		call := &pb.Call{}
		if err := f.ReadMsg(call); err != nil {
			return
		}
		if err := f.WriteMsg(s.answer(context.Background(), call)); err != nil {
			return
		}
	}
}
