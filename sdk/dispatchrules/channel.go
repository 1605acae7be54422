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
	"google.golang.org/protobuf/encoding/protowire"

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

// call sends one call, which encode appends (given the call's ID and
// deadline), on a connection of the channel and waits for its reply or for
// ctx to end. A Failure reply comes back as the gRPC status error a unary
// call would have ended with.
func (ch *channel) call(ctx context.Context, c *client, encode func(e *enc, id uint64, deadline int64)) (reply, error) {
	f, id, err := ch.take(ctx, c)
	if err != nil {
		return reply{}, err
	}
	d, _ := ctx.Deadline()
	// A call that outlives ctx (its deadline or a cancel) ends its
	// connection, which is not used again: its late reply must not answer
	// another call. (AfterFunc rather than a deadline on the connection:
	// ctx ends at its deadline already.)
	stop := context.AfterFunc(ctx, func() { _ = f.SetDeadline(time.Unix(1, 0)) })
	var r reply
	err = f.WriteFrame(func(b []byte) []byte {
		e := enc{b: b}
		encode(&e, id, wire.UnixNano(d))
		return e.b
	})
	if err == nil {
		var frame []byte
		if frame, err = f.ReadFrame(); err == nil {
			r, err = newDec(frame).reply()
		}
	}
	if !stop() || err != nil || r.id != id {
		_ = f.Close()
		switch {
		case ctx.Err() != nil:
			return reply{}, ctx.Err()
		case errors.Is(err, os.ErrDeadlineExceeded):
			return reply{}, context.DeadlineExceeded
		case err == nil:
			return reply{}, status.Errorf(codes.Internal, "the plugin answered call %d with the reply to %d", id, r.id)
		}
		return reply{}, status.Errorf(codes.Unavailable, "plugin channel: %v", err)
	}
	ch.put(f)
	if r.which == replyFailure {
		return reply{}, status.Error(codes.Code(r.code), r.message)
	}
	return r, nil
}

// ask makes a call on the channel, or as a unary call when the plugin has
// none, and returns the answer of the kind want.
func (c *client) ask(ctx context.Context, encode func(e *enc, id uint64, deadline int64), want protowire.Number,
	unary func(context.Context) (answer, error)) (answer, error) {
	r, err := c.ch.call(ctx, c, encode)
	switch {
	case errors.Is(err, errNoChannel):
		return unary(ctx)
	case err != nil:
		return answer{}, err
	case r.which != want:
		return answer{}, status.Errorf(codes.Internal, "the plugin answered with a reply of another kind (field %d)", r.which)
	}
	return r.answer, nil
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
// the next: the host sends one at a time per connection. A call it cannot
// decode ends the connection.
func (s *server) serveChannel(f *wire.FrameConn) {
	for {
		frame, err := f.ReadFrame()
		if err != nil {
			return
		}
		c, err := newDec(frame).call()
		if err != nil {
			s.log.Warn("channel: a call the plugin cannot decode", "err", err)
			return
		}
		if err := f.WriteFrame(func(b []byte) []byte { return s.answer(context.Background(), c, b) }); err != nil {
			return
		}
	}
}

// answer appends the reply to c as its unary method would answer it.
func (s *server) answer(ctx context.Context, c call, b []byte) []byte {
	if c.deadline != 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Unix(0, c.deadline))
		defer cancel()
	}
	e := enc{b: b}
	e.varint(replyID, c.id)
	mark := len(e.b)
	err := wire.Guard(s.log, "channel", func() error {
		switch {
		case c.rank != nil:
			sent := sentReasons(c.rank.Candidates, siteID, candidateReasons)
			res, err := s.impl.Rank(ctx, *c.rank)
			if err != nil {
				return err
			}
			appendAnswer(&e, replyRank, res.Candidates, rankedSite, sent, res.Excluded, res.Reasons)
			return nil
		case c.tech != nil:
			sent := sentReasons(c.tech.Candidates, techID, techReasons)
			res, err := s.impl.ChooseTechnician(ctx, *c.tech)
			if err != nil {
				return err
			}
			appendAnswer(&e, replyTechnician, res.Candidates, rankedTech, sent, res.Excluded, res.Reasons)
			return nil
		}
		return sdk.BadRequest("a channel call with no request the plugin knows")
	})
	if err != nil {
		e.b = e.b[:mark]
		st := status.Convert(err)
		e.failure(int32(st.Code()), st.Message())
	}
	return e.b
}
