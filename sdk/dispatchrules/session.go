package dispatchrules

import (
	"context"
	"errors"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
)

// The host sends Rank and ChooseTechnician as messages on Session streams
// instead of as unary gRPC calls: a decision makes two calls, and a unary
// call's setup (a new HTTP/2 stream, headers and trailers both ways, a
// handler goroutine) cost more than the rules themselves. Each stream carries one call at a time,
// sent and received on the caller's own goroutine; concurrent calls take
// more streams, kept open for the next ones.

// errNoSession says the plugin does not serve Session (an SDK from before
// it): the call is made as a unary call instead, as are all later ones.
var errNoSession = errors.New("plugin does not serve Session")

// maxIdleStreams bounds the streams kept open between calls.
const maxIdleStreams = 8

// session is a client's pool of Session streams.
type session struct {
	mu          sync.Mutex
	idle        []*stream
	unsupported bool
	next        uint64
}

// stream is one Session stream.
type stream struct {
	st       pb.DispatchRules_SessionClient
	cancel   context.CancelFunc // ends the stream
	answered bool               // a reply arrived: the plugin serves Session
}

// take returns an idle stream, or opens one.
func (s *session) take(c pb.DispatchRulesClient) (*stream, uint64, error) {
	s.mu.Lock()
	if s.unsupported {
		s.mu.Unlock()
		return nil, 0, errNoSession
	}
	s.next++
	id := s.next
	if n := len(s.idle); n > 0 {
		st := s.idle[n-1]
		s.idle = s.idle[:n-1]
		s.mu.Unlock()
		return st, id, nil
	}
	s.mu.Unlock()
	// The stream outlives the call: it ends when the connection does, when
	// a call on it fails or outlives its context, or when the pool is full.
	ctx, cancel := context.WithCancel(context.Background())
	st, err := c.Session(ctx)
	if err != nil {
		cancel()
		return nil, 0, err
	}
	return &stream{st: st, cancel: cancel}, id, nil
}

// put keeps st for the next call.
func (s *session) put(st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) < maxIdleStreams {
		s.idle = append(s.idle, st)
		return
	}
	st.cancel()
}

// call sends one call on a stream of the session and waits for its reply
// or for ctx to end. A Failure reply comes back as the gRPC status error a
// unary call would have ended with.
func (s *session) call(ctx context.Context, c pb.DispatchRulesClient, call *pb.Call) (*pb.Reply, error) {
	st, id, err := s.take(c)
	if err != nil {
		return nil, err
	}
	call.Id = id
	if d, ok := ctx.Deadline(); ok {
		call.DeadlineUnixNano = d.UnixNano()
	}
	// Recv cannot be interrupted but by ending the stream: a call that
	// outlives ctx does so, and the stream is not used again.
	stop := context.AfterFunc(ctx, st.cancel)
	var r *pb.Reply
	if err = st.st.Send(call); err == nil {
		r, err = st.st.Recv()
	} else { // the stream broke; Recv says why (Send only knows io.EOF)
		_, err = st.st.Recv()
	}
	if !stop() || err != nil || r.Id != id {
		st.cancel()
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err == nil:
			return nil, status.Errorf(codes.Internal, "the plugin answered call %d with the reply to %d", id, r.Id)
		case !st.answered && status.Code(err) == codes.Unimplemented:
			s.mu.Lock()
			s.unsupported = true
			s.mu.Unlock()
			return nil, errNoSession
		}
		return nil, err
	}
	st.answered = true
	s.put(st)
	if f, ok := r.Response.(*pb.Reply_Failure); ok {
		return nil, status.Error(codes.Code(f.Failure.Code), f.Failure.Message)
	}
	return r, nil
}

// sessionCall makes a call on the session, or as a unary call when the
// plugin does not serve Session. pick takes the expected response out of
// the reply.
func sessionCall[R any](ctx context.Context, c *client, call *pb.Call, pick func(*pb.Reply) (R, bool),
	unary func(context.Context) (R, error)) (R, error) {
	r, err := c.s.call(ctx, c.c, call)
	var zero R
	switch {
	case errors.Is(err, errNoSession):
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
	return sessionCall(ctx, c, &pb.Call{Request: &pb.Call_Rank{Rank: in}},
		func(r *pb.Reply) (*pb.RankResponse, bool) {
			_, ok := r.Response.(*pb.Reply_Rank)
			return r.GetRank(), ok
		},
		func(ctx context.Context) (*pb.RankResponse, error) { return c.c.Rank(ctx, in) })
}

func (c *client) chooseTechnician(ctx context.Context, in *pb.TechnicianRequest) (*pb.TechnicianResponse, error) {
	return sessionCall(ctx, c, &pb.Call{Request: &pb.Call_Technician{Technician: in}},
		func(r *pb.Reply) (*pb.TechnicianResponse, bool) {
			_, ok := r.Response.(*pb.Reply_Technician)
			return r.GetTechnician(), ok
		},
		func(ctx context.Context) (*pb.TechnicianResponse, error) { return c.c.ChooseTechnician(ctx, in) })
}
