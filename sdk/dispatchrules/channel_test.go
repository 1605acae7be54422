package dispatchrules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
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

// registerWithoutChannel registers srv as a plugin built with an SDK from
// before the channel does: its service has no OpenChannel.
func registerWithoutChannel(srv pb.DispatchRulesServer) func(*grpc.Server) {
	desc := pb.DispatchRules_ServiceDesc
	desc.Methods = slices.DeleteFunc(slices.Clone(desc.Methods), func(m grpc.MethodDesc) bool { return m.MethodName == "OpenChannel" })
	return func(s *grpc.Server) { s.RegisterService(&desc, srv) }
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
	return &client{c: pb.NewDispatchRulesClient(conn), cc: conn}
}

func rankOf(ctx context.Context, c *client, order string) (RankResponse, error) {
	return c.Rank(ctx, RankRequest{Order: Order{ID: order}, Candidates: []Candidate{{SiteID: "a"}, {SiteID: "b"}}})
}

func newServer(rules Plugin) *server { return &server{impl: rules, log: sdk.Logger()} }

func register(srv pb.DispatchRulesServer) func(*grpc.Server) {
	return func(s *grpc.Server) { pb.RegisterDispatchRulesServer(s, srv) }
}

func dials(c *client) int {
	c.ch.mu.Lock()
	defer c.ch.mu.Unlock()
	return c.ch.dials
}

func TestChannelCarriesConcurrentCallsOnFewConnections(t *testing.T) {
	rules := &echoRules{}
	c := dial(t, register(newServer(rules)))

	// One caller after another: one connection for all.
	for k := range 10 {
		res, err := rankOf(t.Context(), c, fmt.Sprint("seq-", k))
		require.NoError(t, err)
		require.Equal(t, []string{fmt.Sprint("seq-", k)}, res.Reasons)
	}
	require.Equal(t, 1, dials(c))

	// Many at once: each gets its own answer, on connections kept for reuse.
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
	require.Less(t, dials(c), 200, "connections are reused")

	res, err := c.ChooseTechnician(t.Context(), TechnicianRequest{SiteID: "s1", Candidates: []TechCandidate{{TechnicianID: "t1"}}})
	require.NoError(t, err)
	require.Equal(t, []string{"s1"}, res.Reasons)
	require.Equal(t, "t1", res.Candidates[0].TechnicianID)
}

func TestChannelCallErrorsKeepTheirKind(t *testing.T) {
	c := dial(t, register(newServer(&echoRules{})))
	_, err := rankOf(t.Context(), c, "fail")
	require.ErrorIs(t, err, sdk.ErrBadRequest)
	require.ErrorContains(t, err, "no rules for this order")
	_, err = rankOf(t.Context(), c, "panic")
	require.ErrorIs(t, err, sdk.ErrInternal)
	require.ErrorContains(t, err, "plugin panicked: nil map")
	// The connection survives failed calls.
	_, err = rankOf(t.Context(), c, "next")
	require.NoError(t, err)
	require.Equal(t, 1, dials(c))
}

func TestChannelCallOutlivingItsDeadline(t *testing.T) {
	c := dial(t, register(newServer(&echoRules{})))
	_, err := rankOf(t.Context(), c, "warm")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = rankOf(ctx, c, "slow")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 250*time.Millisecond)

	// A call cancelled without a deadline ends as soon too.
	ctx, cancel = context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start = time.Now()
	_, err = rankOf(ctx, c, "slow-cancelled")
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, time.Since(start), 250*time.Millisecond)

	// A late call's connection is closed, not reused (its late reply must
	// not answer another call): the next call gets its own answer on
	// another.
	res, err := rankOf(t.Context(), c, "after")
	require.NoError(t, err)
	require.Equal(t, []string{"after"}, res.Reasons)
	require.Equal(t, 3, dials(c))
}

func TestPluginWithoutChannelIsCalledUnary(t *testing.T) {
	rules := &echoRules{}
	c := dial(t, registerWithoutChannel(newServer(rules)))
	for k := range 3 {
		res, err := rankOf(t.Context(), c, fmt.Sprint("u", k))
		require.NoError(t, err)
		require.Equal(t, []string{fmt.Sprint("u", k)}, res.Reasons)
	}
	require.EqualValues(t, 3, rules.calls.Load())
	c.ch.mu.Lock()
	unusable := c.ch.unusable
	c.ch.mu.Unlock()
	require.True(t, unusable, "after the first Unimplemented the client stops asking for the channel")
	require.Zero(t, dials(c))
	_, err := rankOf(t.Context(), c, "fail")
	require.True(t, errors.Is(err, sdk.ErrBadRequest), "errors of unary calls keep their kind too: %v", err)
}

func TestChannelAcceptsOnlyTheExchangedCertificates(t *testing.T) {
	c := dial(t, register(newServer(&echoRules{})))
	_, err := rankOf(t.Context(), c, "open")
	require.NoError(t, err)
	c.ch.mu.Lock()
	network, address, own, peer := c.ch.network, c.ch.address, c.ch.own, c.ch.peer
	c.ch.mu.Unlock()

	// Another process that found the address, with a certificate of its own.
	stranger, err := wire.NewChannelCert()
	require.NoError(t, err)
	f, err := wire.DialChannel(t.Context(), network, address, stranger, peer)
	if err == nil { // TLS 1.3: the server's verdict on the client arrives after the handshake
		err = f.WriteFrame(func(b []byte) []byte {
			e := enc{b: b}
			e.rankCall(1, 0, &RankRequest{})
			return e.b
		})
		if err == nil {
			_, err = f.ReadFrame()
		}
		f.Close()
	}
	require.Error(t, err, "a stranger's certificate is refused")

	// Without TLS: no answer at all.
	raw, err := net.Dial(network, address)
	require.NoError(t, err)
	_, _ = raw.Write([]byte{0, 0, 0, 2, 8, 1})
	_ = raw.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _ := raw.Read(make([]byte, 64))
	raw.Close()
	require.Zero(t, n)

	// The host refuses a listener posing as the plugin.
	impostor, err := wire.ListenChannel()
	require.NoError(t, err)
	defer impostor.Close()
	impostor.Allow(own.Certificate[0])
	go func() { _ = impostor.Serve(func(*wire.FrameConn) {}) }()
	_, err = wire.DialChannel(t.Context(), impostor.Addr().Network(), impostor.Addr().String(), own, peer)
	require.ErrorContains(t, err, "not the one exchanged")
}

func TestChannelClosesWithThePluginConnection(t *testing.T) {
	c := dial(t, register(newServer(&echoRules{})))
	_, err := rankOf(t.Context(), c, "open")
	require.NoError(t, err)
	require.NoError(t, c.cc.Close())
	require.Eventually(t, func() bool {
		c.ch.mu.Lock()
		defer c.ch.mu.Unlock()
		return c.ch.closed && len(c.ch.idle) == 0
	}, 5*time.Second, 10*time.Millisecond)
}

// cannotListen is a plugin that cannot open its channel where it runs.
type cannotListen struct{ *server }

func (cannotListen) OpenChannel(context.Context, *pb.ChannelRequest) (*pb.ChannelInfo, error) {
	return nil, status.Error(codes.Unavailable, "channel: listen: permission denied")
}

func TestPluginThatCannotOpenItsChannelIsCalledUnary(t *testing.T) {
	rules := &echoRules{}
	c := dial(t, register(cannotListen{newServer(rules)}))
	for k := range 3 {
		res, err := rankOf(t.Context(), c, fmt.Sprint("u", k))
		require.NoError(t, err)
		require.Equal(t, []string{fmt.Sprint("u", k)}, res.Reasons)
	}
	require.Zero(t, dials(c))
	c.ch.mu.Lock()
	defer c.ch.mu.Unlock()
	require.True(t, c.ch.unusable, "asked once, not at every call")
}
