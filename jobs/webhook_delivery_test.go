package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/internal/testkit"
	"github.com/aftersales/aftersales/jobs"
)

var allowLoopback = &core.EgressGuard{AllowPrivate: true}

// TestWebhookFailsTwiceThenAccepted: a receiver that answers 500 twice
// and then 200 gets the order's one subscribed event three times with the
// same webhook-id and valid signatures; the delivery is delivered once,
// its three attempts logged, the retries no earlier than the schedule.
func TestWebhookFailsTwiceThenAccepted(t *testing.T) {
	t.Parallel()
	schedule := []time.Duration{50 * time.Millisecond, 150 * time.Millisecond, time.Hour}
	b := setupHooks(t, allowLoopback, schedule, core.WebhookDisablePolicy{Deliveries: 5, For: 24 * time.Hour}, nil)
	rcv := newReceiver(t, 500, 500, 200)
	e := b.endpoint(t, rcv.URL+"/hooks", core.OutboxWorkOrderAssigned)
	other := b.endpoint(t, rcv.URL+"/other", core.OutboxWorkOrderCompleted) // not subscribed: gets nothing
	w := b.intake(t)

	var ds []*core.WebhookDelivery
	testkit.Eventually(t, settleWithin, "the delivery settles", func() bool { ds = b.deliveries(t, e.ID); return settled(ds, 1) })
	b.waitDrained(t)
	d := ds[0]
	require.Equal(t, core.WebhookDelivered, d.Status)
	require.Equal(t, core.OutboxWorkOrderAssigned, d.EventType)
	require.Equal(t, 3, d.Attempts)
	require.Len(t, d.AttemptLog, 3)
	for i, want := range []int{500, 500, 200} {
		require.Equal(t, want, d.AttemptLog[i].StatusCode, "attempt %d", i+1)
		require.Equal(t, "status "+strconv.Itoa(want), d.AttemptLog[i].Response)
	}
	for i := 1; i < 3; i++ {
		gap := d.AttemptLog[i].At.Sub(d.AttemptLog[i-1].At)
		require.GreaterOrEqual(t, gap, schedule[i-1], "retry %d came before its schedule", i)
	}
	require.Empty(t, b.deliveries(t, other.ID))

	got := rcv.requests()
	require.Len(t, got, 3, "no attempt after the accepted one")
	accepted := 0
	for _, r := range got {
		require.NoError(t, verifyStandardWebhook(e.Secret, r.header, r.body))
		require.Equal(t, d.ID.String(), r.header.Get("webhook-id"), "the same webhook-id on every retry")
		require.Equal(t, "application/json", r.header.Get("Content-Type"))
		require.Len(t, strings.Fields(r.header.Get("webhook-signature")), 1, "one secret, one signature")
		if r.status/100 == 2 {
			accepted++
		}
	}
	require.Equal(t, 1, accepted)
	require.Error(t, verifyStandardWebhook(other.Secret, got[0].header, got[0].body), "another secret does not verify")
	tampered := append([]byte(nil), got[0].body...)
	tampered[len(tampered)-2] ^= 1
	require.Error(t, verifyStandardWebhook(e.Secret, got[0].header, tampered), "a changed body does not verify")

	var body struct {
		Type      string         `json:"type"`
		Timestamp time.Time      `json:"timestamp"`
		Data      map[string]any `json:"data"`
	}
	require.NoError(t, json.Unmarshal(got[2].body, &body))
	require.Equal(t, core.OutboxWorkOrderAssigned, body.Type)
	require.False(t, body.Timestamp.IsZero())
	require.Equal(t, w.ID.String(), body.Data["work_order_id"])
	require.Equal(t, b.net.Technician.String(), body.Data["technician_id"])
}

// TestWebhookHandledTwiceHasOneDelivery: an outbox message handled again
// (its task ran twice) creates no second delivery.
func TestWebhookHandledTwiceHasOneDelivery(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, allowLoopback, nil, core.WebhookDisablePolicy{}, nil)
	rcv := newReceiver(t, 200)
	e := b.endpoint(t, rcv.URL, "*")
	b.intake(t)
	testkit.Eventually(t, settleWithin, "three deliveries settle", func() bool { return settled(b.deliveries(t, e.ID), 3) })
	b.waitDrained(t)
	msgs := tenantQuery[int64](t, b.testBundle, `SELECT id FROM outbox ORDER BY id`)
	require.Len(t, msgs, 3)
	m := core.OutboxMessage{TenantID: b.net.Tenant, ID: msgs[0], Type: core.OutboxWorkOrderCreated, Payload: []byte(`{}`)}
	require.NoError(t, b.outbox.Handle(context.Background(), m))
	time.Sleep(100 * time.Millisecond) // a second delivery, if any, would be sent by now
	require.Len(t, b.deliveries(t, e.ID), 3)
	require.Len(t, rcv.requests(), 3)
}

// TestWebhookDisabledAfterPersistentFailureThenReplayed: deliveries that
// fail every retry count; at the policy's limit the endpoint is disabled
// with a reason, gets no new deliveries, and after re-enabling a replay
// sends the failed delivery again with the same webhook-id.
func TestWebhookDisabledAfterPersistentFailureThenReplayed(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, allowLoopback, []time.Duration{10 * time.Millisecond}, core.WebhookDisablePolicy{Deliveries: 2}, nil)
	rcv := newReceiver(t, 503)
	e := b.endpoint(t, rcv.URL, core.OutboxWorkOrderCreated)
	b.intake(t)
	b.intake(t)
	var ds []*core.WebhookDelivery
	testkit.Eventually(t, settleWithin, "both deliveries fail", func() bool { ds = b.deliveries(t, e.ID); return settled(ds, 2) })
	for _, d := range ds {
		require.Equal(t, core.WebhookFailed, d.Status)
		require.Len(t, d.AttemptLog, 2, "the first attempt and one retry")
		require.Equal(t, "HTTP 503 Service Unavailable", d.LastError)
	}
	got := b.findEndpoint(t, e.ID)
	require.False(t, got.Enabled)
	require.Equal(t, "disabled after 2 failed deliveries in a row", got.DisabledReason)
	require.NotNil(t, got.DisabledAt)

	b.intake(t) // the disabled endpoint gets nothing
	b.waitDrained(t)
	require.Len(t, b.deliveries(t, e.ID), 2)
	require.Len(t, rcv.requests(), 4)

	ctx := context.Background()
	err := core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		ctx := context.Background()
		_, err := hooksOf(b.store).ReplayWebhookDelivery(ctx, u, e.ID, ds[0].ID)
		return err
	})
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "no replay to a disabled endpoint")
	rcv.mu.Lock()
	rcv.script = []int{200}
	rcv.mu.Unlock()
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		ctx := context.Background()
		on := true
		e2, err := hooksOf(b.store).UpdateWebhook(ctx, u, e.ID, core.WebhookEndpointUpdate{Enabled: &on})
		if err == nil {
			require.True(t, e2.Enabled)
			require.Empty(t, e2.DisabledReason)
			_, err = hooksOf(b.store).ReplayWebhookDelivery(ctx, u, e.ID, ds[0].ID)
		}
		return err
	}))
	testkit.Eventually(t, settleWithin, "the replay is delivered", func() bool {
		for _, d := range b.deliveries(t, e.ID) {
			if d.ID == ds[0].ID {
				return d.Status == core.WebhookDelivered
			}
		}
		return false
	})
	reqs := rcv.requests()
	require.Len(t, reqs, 5)
	last := reqs[4]
	require.Equal(t, 200, last.status)
	require.Equal(t, ds[0].ID.String(), last.header.Get("webhook-id"), "a replay keeps the webhook-id")
	require.NoError(t, verifyStandardWebhook(e.Secret, last.header, last.body))
	require.Equal(t, string(ds[0].Body), string(last.body))
	require.True(t, b.findEndpoint(t, e.ID).Enabled)
}

// TestWebhookDialRefusesPrivateAddresses: with private addresses not
// allowed, an endpoint that points at loopback (stored before the rule,
// or by a name that resolves there later: DNS rebinding) is never
// connected to; the attempt logs why.
func TestWebhookDialRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, &core.EgressGuard{}, nil, core.WebhookDisablePolicy{}, nil)
	rcv := newReceiver(t, 200)
	port := rcv.URL[strings.LastIndex(rcv.URL, ":"):]
	byIP := b.endpoint(t, rcv.URL, core.OutboxWorkOrderCreated)
	byName := b.endpoint(t, "http://localhost"+port+"/", core.OutboxWorkOrderCreated)
	b.intake(t)
	for _, e := range []*core.WebhookEndpoint{byIP, byName} {
		var ds []*core.WebhookDelivery
		testkit.Eventually(t, settleWithin, "the delivery fails", func() bool { ds = b.deliveries(t, e.ID); return settled(ds, 1) })
		require.Equal(t, core.WebhookFailed, ds[0].Status)
		require.Len(t, ds[0].AttemptLog, 1)
		require.Zero(t, ds[0].AttemptLog[0].StatusCode)
		require.Contains(t, ds[0].AttemptLog[0].Error, "refused: a loopback address")
	}
	require.Empty(t, rcv.requests(), "nothing reached the loopback receiver")
}

// TestWebhookDeliveryRefusesRedirectToPrivate: the redirect case
// on a real delivery. The guard allows only the endpoint's own address
// (127.0.0.1); the endpoint redirects to a loopback target (127.0.0.2).
// The delivery does not follow (a redirect is an answer, and the
// transport's dial check would refuse the target anyway: see
// TestEgressTransportRefusesRedirectTarget): it fails with the 307, and
// the target never receives the signed body.
func TestWebhookDeliveryRefusesRedirectToPrivate(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	target := newReceiverOn(t, ln, 200)
	origin := httptest.NewServer(http.RedirectHandler(target.URL+"/inside", http.StatusTemporaryRedirect))
	t.Cleanup(origin.Close)
	guard := &core.EgressGuard{AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	b := setupHooks(t, guard, nil, core.WebhookDisablePolicy{}, nil)
	e := b.endpoint(t, origin.URL+"/hook", core.OutboxWorkOrderCreated)
	b.intake(t)
	var ds []*core.WebhookDelivery
	testkit.Eventually(t, settleWithin, "the delivery fails", func() bool { ds = b.deliveries(t, e.ID); return settled(ds, 1) })
	require.Equal(t, core.WebhookFailed, ds[0].Status)
	require.Len(t, ds[0].AttemptLog, 1)
	require.Equal(t, http.StatusTemporaryRedirect, ds[0].AttemptLog[0].StatusCode)
	require.Empty(t, target.requests(), "nothing reached the redirect's loopback target")
}

// TestWebhookSweepHandsOutLostDeliveries: a delivery committed while no
// sweeper listens (a crash between commit and enqueue) is enqueued by the
// next sweep, once; when its task is lost (Redis data gone) it is enqueued
// again after StaleAfter.
func TestWebhookSweepHandsOutLostDeliveries(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	client := asynq.NewClient(b.redis)
	defer client.Close()
	insp := asynq.NewInspector(b.redis)
	defer insp.Close()
	h := jobs.NewWebhooks(b.store, b.store, client, allowLoopback, core.SystemClock{}, b.log)
	hb := &hookBundle{testBundle: b, hooks: h}
	e := hb.endpoint(t, "http://127.0.0.1:9/", "*")
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		return h.FanOut(ctx, u, core.OutboxMessage{TenantID: b.net.Tenant, ID: 1, AggregateID: uuid.New(),
			Type: core.OutboxWorkOrderCreated, Payload: []byte(`{}`), CreatedAt: time.Now()})
	}))
	ds := hb.deliveries(t, e.ID)
	require.Len(t, ds, 1)
	taskID := ds[0].ID.String()

	n, err := h.SweepOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	info, err := insp.GetTaskInfo("default", taskID)
	require.NoError(t, err)
	require.Equal(t, jobs.TypeWebhookDelivery, info.Type)
	n, err = h.SweepOnce(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "handed out already")

	require.NoError(t, insp.DeleteTask("default", taskID)) // lost with Redis' data
	h.StaleAfter = 0
	n, err = h.SweepOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = insp.GetTaskInfo("default", taskID)
	require.NoError(t, err, "enqueued again")
}

// TestWebhookDisabledWhenFailingForLong: an endpoint that has answered no
// attempt for longer than the policy allows is disabled at its next failed
// attempt, before any delivery has run out of retries; the clock moves
// instead of the test waiting hours.
func TestWebhookDisabledWhenFailingForLong(t *testing.T) {
	t.Parallel()
	clock := &shiftClock{}
	b := setupHooks(t, allowLoopback, []time.Duration{time.Hour, time.Hour, time.Hour},
		core.WebhookDisablePolicy{Deliveries: 100, For: 90 * time.Minute}, clock)
	rcv := newReceiver(t, 500)
	e := b.endpoint(t, rcv.URL, core.OutboxWorkOrderCreated)
	b.intake(t)
	attempts := func(n int) func() bool {
		return func() bool {
			ds := b.deliveries(t, e.ID)
			return len(ds) == 1 && len(ds[0].AttemptLog) == n && ds[0].NextAttemptAt != nil
		}
	}
	testkit.Eventually(t, settleWithin, "the first attempt", attempts(1))
	clock.Advance(time.Hour)
	testkit.Eventually(t, settleWithin, "the first retry", attempts(2))
	require.True(t, b.findEndpoint(t, e.ID).Enabled, "failing for an hour only")
	clock.Advance(time.Hour)
	testkit.Eventually(t, settleWithin, "the endpoint is disabled", func() bool { return !b.findEndpoint(t, e.ID).Enabled })
	got := b.findEndpoint(t, e.ID)
	require.Contains(t, got.DisabledReason, "disabled: no delivery attempt succeeded since")
	ds := b.deliveries(t, e.ID)
	require.Len(t, ds[0].AttemptLog, 3)
	require.Equal(t, core.WebhookPending, ds[0].Status, "one retry left, which will fail as disabled")
	clock.Advance(time.Hour)
	testkit.Eventually(t, settleWithin, "the delivery fails without an attempt", func() bool {
		return b.deliveries(t, e.ID)[0].Status == core.WebhookFailed
	})
	require.Len(t, rcv.requests(), 3)
	require.Equal(t, "endpoint disabled", b.deliveries(t, e.ID)[0].LastError)
}

// TestWebhookAttemptIsLeased: a delivery taken for an attempt is not taken
// again (a second task, or another worker) until the attempt ends or its
// lease runs out.
func TestWebhookAttemptIsLeased(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	h := jobs.NewWebhooks(b.store, b.store, nil, allowLoopback, core.SystemClock{}, b.log)
	hb := &hookBundle{testBundle: b, hooks: h}
	e := hb.endpoint(t, "http://127.0.0.1:9/", "*")
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		return h.FanOut(ctx, u, core.OutboxMessage{TenantID: b.net.Tenant, ID: 7, AggregateID: uuid.New(),
			Type: core.OutboxWorkOrderCreated, Payload: []byte(`{}`), CreatedAt: time.Now()})
	}))
	id := hb.deliveries(t, e.ID)[0].ID
	start := func(now time.Time) *core.WebhookSend {
		var s *core.WebhookSend
		require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
			var err error
			s, err = b.store.StartWebhookAttempt(ctx, u, id, now, time.Minute)
			return err
		}))
		return s
	}
	now := time.Now()
	first := start(now)
	require.NotNil(t, first)
	require.Equal(t, 1, first.Attempt)
	require.Nil(t, start(now.Add(time.Second)), "under way")
	again := start(now.Add(2 * time.Minute))
	require.NotNil(t, again, "the lease ran out: the worker died")
	require.Equal(t, 2, again.N)
}

// flakyAttempts is a webhook store whose first RecordWebhookAttempt calls
// fail as a connection dropped by a database restart or a pooler does.
type flakyAttempts struct {
	core.WebhookDeliveryStore
	mu    sync.Mutex
	fails int
}

func (s *flakyAttempts) RecordWebhookAttempt(ctx context.Context, u core.UnitOfWork, r core.WebhookResult, status string) (core.WebhookHealth, error) {
	s.mu.Lock()
	fail := s.fails > 0
	s.fails--
	s.mu.Unlock()
	if fail {
		return core.WebhookHealth{}, fmt.Errorf("recording the attempt: %w", io.ErrUnexpectedEOF)
	}
	return s.WebhookDeliveryStore.RecordWebhookAttempt(ctx, u, r, status)
}

// TestWebhookAttemptIsRecordedThroughADroppedConnection: when the
// connection drops as a delivered attempt is recorded (found by the
// failure drill, TestDrill), the worker records it again; the delivery
// is delivered, and not left for the sweeper to post a second time.
func TestWebhookAttemptIsRecordedThroughADroppedConnection(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	h := jobs.NewWebhooks(b.store, &flakyAttempts{WebhookDeliveryStore: b.store, fails: 2}, nil, allowLoopback, core.SystemClock{}, b.log)
	hb := &hookBundle{testBundle: b, hooks: h}
	recv := newReceiver(t, http.StatusNoContent)
	e := hb.endpoint(t, recv.URL, "*")
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		return h.FanOut(ctx, u, core.OutboxMessage{TenantID: b.net.Tenant, ID: 7, AggregateID: uuid.New(),
			Type: core.OutboxWorkOrderCreated, Payload: []byte(`{}`), CreatedAt: time.Now()})
	}))
	d := hb.deliveries(t, e.ID)[0]
	require.NoError(t, h.Deliver(ctx, core.WebhookDue{TenantID: b.net.Tenant, ID: d.ID}))
	require.Equal(t, "delivered", hb.deliveries(t, e.ID)[0].Status)
	require.Len(t, recv.requests(), 1)
}

// TestWebhookRotationSignsWithBothSecrets: after a rotation a delivery
// carries a signature with the new secret and one with the previous, so
// a receiver verifies it with either while it switches over.
func TestWebhookRotationSignsWithBothSecrets(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, allowLoopback, nil, core.WebhookDisablePolicy{}, nil)
	rcv := newReceiver(t, 200)
	e := b.endpoint(t, rcv.URL, core.OutboxWorkOrderCreated)
	var rotated *core.WebhookEndpoint
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		var err error
		rotated, err = hooksOf(b.store).RotateWebhookSecret(context.Background(), u, e.ID)
		return err
	}))
	require.NotEqual(t, e.Secret, rotated.Secret)
	b.intake(t)
	testkit.Eventually(t, settleWithin, "the delivery", func() bool { return settled(b.deliveries(t, e.ID), 1) })
	r := rcv.requests()[0]
	require.Len(t, strings.Fields(r.header.Get("webhook-signature")), 2)
	require.NoError(t, verifyStandardWebhook(rotated.Secret, r.header, r.body))
	require.NoError(t, verifyStandardWebhook(e.Secret, r.header, r.body))
	require.Error(t, verifyStandardWebhook(core.NewWebhookSecret(), r.header, r.body))
}
