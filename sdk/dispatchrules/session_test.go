package dispatchrules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/aftersales/aftersales/sdk"
	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

// echoRules answers Rank with the candidates reversed and the order's ID
// as its reason; an order ID starting with "slow" sleeps first, ignoring
// its context as a stuck plugin does.
type echoRules struct{ calls atomic.Int64 }

func (e *echoRules) Configure(context.Context, json.RawMessage) error { return nil }

func (e *echoRules) Rank(ctx context.Context, req RankRequest) (RankResponse, error) {
	e.calls.Add(1)
	if len(req.Order.ID) >= 4 && req.Order.ID[:4] == "slow" {
		time.Sleep(300 * time.Millisecond)
	}
	switch req.Order.ID {
	case "fail":
		return RankResponse{}, sdk.BadRequest("no rules for this order")
	case "panic":
		panic("nil map")
	}
	res := RankResponse{Reasons: []string{req.Order.ID}}
	for k := len(req.Candidates) - 1; k >= 0; k-- {
		res.Candidates = append(res.Candidates, req.Candidates[k])
	}
	return res, nil
}

func (e *echoRules) ChooseTechnician(_ context.Context, req TechnicianRequest) (TechnicianResponse, error) {
	return TechnicianResponse{Candidates: req.Candidates, Reasons: []string{req.SiteID}}, nil
}

// unaryOnly is a plugin built with an SDK from before Session.
type unaryOnly struct{ *server }

func (unaryOnly) Session(pb.DispatchRules_SessionServer) error {
	return pb.UnimplementedDispatchRulesServer{}.Session(nil)
}

// sessions counts the Session streams a server opened.
type sessions struct {
	*server
	opened atomic.Int64
}

func (s *sessions) Session(st pb.DispatchRules_SessionServer) error {
	s.opened.Add(1)
	return s.server.Session(st)
}

func dial(t *testing.T, register func(*grpc.Server)) *client {
	t.Helper()
	l := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(wire.ServerOptions(wire.Options(nil))...)
	register(srv)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufconn", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return l.DialContext(ctx) }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return &client{c: pb.NewDispatchRulesClient(conn)}
}

func rankOf(ctx context.Context, c *client, order string) (RankResponse, error) {
	return c.Rank(ctx, RankRequest{Order: Order{ID: order}, Candidates: []Candidate{{SiteID: "a"}, {SiteID: "b"}}})
}

func TestSessionCarriesConcurrentCallsOnFewStreams(t *testing.T) {
	rules := &echoRules{}
	srv := &sessions{server: &server{impl: rules, log: sdk.Logger()}}
	c := dial(t, func(s *grpc.Server) { pb.RegisterDispatchRulesServer(s, srv) })

	// One caller after another: one stream for all.
	for k := range 10 {
		res, err := rankOf(t.Context(), c, fmt.Sprint("seq-", k))
		require.NoError(t, err)
		require.Equal(t, []string{fmt.Sprint("seq-", k)}, res.Reasons)
	}
	require.EqualValues(t, 1, srv.opened.Load())

	// Many at once: each gets its own answer, on streams kept for reuse.
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := range 20 {
		wg.Go(func() {
			for k := range 10 {
				id := fmt.Sprintf("o-%d-%d", g, k)
				res, err := rankOf(t.Context(), c, id)
				switch {
				case err != nil:
					errs <- err
				case len(res.Reasons) != 1 || res.Reasons[0] != id || res.Candidates[0].SiteID != "b":
					errs <- fmt.Errorf("call %s got the answer %+v", id, res)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	require.EqualValues(t, 210, rules.calls.Load())
	require.Less(t, srv.opened.Load(), int64(200), "streams are reused")

	res, err := c.ChooseTechnician(t.Context(), TechnicianRequest{SiteID: "s1", Candidates: []TechCandidate{{TechnicianID: "t1"}}})
	require.NoError(t, err)
	require.Equal(t, []string{"s1"}, res.Reasons)
	require.Equal(t, "t1", res.Candidates[0].TechnicianID)
}

func TestSessionCallErrorsKeepTheirKind(t *testing.T) {
	c := dial(t, func(s *grpc.Server) {
		pb.RegisterDispatchRulesServer(s, &server{impl: &echoRules{}, log: sdk.Logger()})
	})
	_, err := rankOf(t.Context(), c, "fail")
	require.ErrorIs(t, err, sdk.ErrBadRequest)
	require.ErrorContains(t, err, "no rules for this order")
	_, err = rankOf(t.Context(), c, "panic")
	require.ErrorIs(t, err, sdk.ErrInternal)
	require.ErrorContains(t, err, "plugin panicked: nil map")
	// The stream survives failed calls.
	_, err = rankOf(t.Context(), c, "next")
	require.NoError(t, err)
}

func TestSessionCallOutlivingItsDeadline(t *testing.T) {
	rules := &echoRules{}
	srv := &sessions{server: &server{impl: rules, log: sdk.Logger()}}
	c := dial(t, func(s *grpc.Server) { pb.RegisterDispatchRulesServer(s, srv) })
	_, err := rankOf(t.Context(), c, "warm")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = rankOf(ctx, c, "slow")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 500*time.Millisecond)

	// The late call's stream is ended, not reused (its late reply must not
	// answer another call): the next call gets its own answer on another.
	res, err := rankOf(t.Context(), c, "after")
	require.NoError(t, err)
	require.Equal(t, []string{"after"}, res.Reasons)
	require.EqualValues(t, 2, srv.opened.Load())
}

func TestPluginWithoutSessionIsCalledUnary(t *testing.T) {
	rules := &echoRules{}
	c := dial(t, func(s *grpc.Server) {
		pb.RegisterDispatchRulesServer(s, unaryOnly{&server{impl: rules, log: sdk.Logger()}})
	})
	for k := range 3 {
		res, err := rankOf(t.Context(), c, fmt.Sprint("u", k))
		require.NoError(t, err)
		require.Equal(t, []string{fmt.Sprint("u", k)}, res.Reasons)
	}
	require.EqualValues(t, 3, rules.calls.Load())
	c.s.mu.Lock()
	unsupported := c.s.unsupported
	c.s.mu.Unlock()
	require.True(t, unsupported, "after the first Unimplemented the client stops opening streams")
	_, err := rankOf(t.Context(), c, "fail")
	require.True(t, errors.Is(err, sdk.ErrBadRequest), "errors of unary calls keep their kind too: %v", err)
}
