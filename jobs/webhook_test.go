package jobs_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/webhook"
	"github.com/aftersales/aftersales/jobs"
)

// receiver is a webhook endpoint that answers each request with the next
// status of its script (the last one repeats) and records what it got.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	script []int
	got    []received
}

type received struct {
	header http.Header
	body   []byte
	status int
}

func newReceiver(t testing.TB, script ...int) *receiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return newReceiverOn(t, ln, script...)
}

// newReceiverOn is newReceiver on listener ln.
func newReceiverOn(t testing.TB, ln net.Listener, script ...int) *receiver {
	r := &receiver{script: script}
	r.Server = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := r.script[min(len(r.got), len(r.script)-1)]
		r.got = append(r.got, received{header: req.Header.Clone(), body: body, status: status})
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte("status " + strconv.Itoa(status)))
	})}}
	r.Start()
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// verifyStandardWebhook checks a request the way a receiver following the
// Standard Webhooks spec would, written from the spec and independent of
// core.SignWebhook: HMAC-SHA256 over "id.timestamp.body" keyed with the
// base64-decoded secret after "whsec_", compared with each space-separated
// "v1,<base64>" signature; the timestamp within five minutes.
func verifyStandardWebhook(secret string, h http.Header, body []byte) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing webhook headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("timestamp out of tolerance")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		raw, err := base64.StdEncoding.DecodeString(sig)
		if ok && version == "v1" && err == nil && hmac.Equal(raw, want) {
			return nil
		}
	}
	return errors.New("no matching signature")
}

// hookBundle runs the whole pipeline: relay, worker (outbox and webhook
// tasks) and sweeper, with a short retry schedule.
type hookBundle struct {
	*testBundle
	hooks *jobs.Webhooks
}

func setupHooks(t testing.TB, guard *core.EgressGuard, schedule []time.Duration, disable core.WebhookDisablePolicy,
	clock core.Clock) *hookBundle {
	if clock == nil {
		clock = core.SystemClock{}
	}
	b := setup(t, "en")
	if os.Getenv("TEST_LOG") != "" {
		b.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
		b.outbox.Log = b.log
	}
	client := asynq.NewClient(b.redis)
	t.Cleanup(func() { client.Close() })
	h := jobs.NewWebhooks(b.store, b.store, client, guard, clock, b.log)
	h.Schedule, h.Disable, h.Sweep, h.Timeout = schedule, disable, 20*time.Millisecond, 2*time.Second
	h.StaleAfter = 200 * time.Millisecond // retries due at once may meet their previous task's ID
	b.outbox.Webhooks = h
	w := jobs.NewWorker(b.redis, jobs.Deps{Housekeeper: b.store, Clock: core.SystemClock{}, Log: b.log, Concurrency: 20,
		Outbox: b.outbox, Webhooks: h, Texts: b.texts})
	require.NoError(t, w.Start())
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); jobs.NewRelay(b.store, b.store, client, b.log).Run(ctx) }()
	go func() { defer wg.Done(); h.RunSweeper(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait(); w.Stop() })
	return &hookBundle{testBundle: b, hooks: h}
}

// hooksOf returns the webhook use cases over s.
func hooksOf(s *postgres.Store) *webhook.Service { return webhook.New(webhook.Config{Store: s}) }

// endpoint registers a webhook through the store (the API's address check
// is tested in package api) and returns it with its secret.
func (b *hookBundle) endpoint(t testing.TB, url string, types ...string) *core.WebhookEndpoint {
	var e *core.WebhookEndpoint
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		ctx := context.Background()
		var err error
		e, err = hooksOf(b.store).CreateWebhook(ctx, u, core.NewWebhookEndpoint{URL: url, EventTypes: types})
		return err
	}))
	return e
}

func (b *hookBundle) deliveries(t testing.TB, endpoint uuid.UUID) []*core.WebhookDelivery {
	var out []*core.WebhookDelivery
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		ctx := context.Background()
		items, _, err := hooksOf(b.store).FindWebhookDeliveries(ctx, u, endpoint, "", 100)
		out = nil
		for _, d := range items {
			full, err := hooksOf(b.store).FindWebhookDelivery(ctx, u, endpoint, d.ID)
			if err != nil {
				return err
			}
			out = append(out, full)
		}
		return err
	}))
	return out
}

func (b *hookBundle) findEndpoint(t *testing.T, id uuid.UUID) *core.WebhookEndpoint {
	var e *core.WebhookEndpoint
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		ctx := context.Background()
		var err error
		e, err = hooksOf(b.store).FindWebhookByID(ctx, u, id)
		return err
	}))
	return e
}

// shiftClock is the real clock moved forward by a settable offset: retries
// scheduled hours ahead come due without waiting.
type shiftClock struct{ offset atomic.Int64 }

func (c *shiftClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *shiftClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// settleWithin is how long a delivery may take to reach what a test waits
// for.
const settleWithin = 30 * time.Second

func settled(ds []*core.WebhookDelivery, n int) bool {
	if len(ds) != n {
		return false
	}
	for _, d := range ds {
		if d.Status == core.WebhookPending {
			return false
		}
	}
	return true
}
