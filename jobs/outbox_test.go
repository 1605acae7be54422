package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/jobs"
)

type testBundle struct {
	store  *postgres.Store
	net    *pgtest.Network
	redis  asynq.RedisConnOpt
	outbox *jobs.Outbox
	texts  *jobs.Texts
	log    *slog.Logger
	work   *workorder.Service
}

func setup(t testing.TB, locale string) *testBundle {
	s := pgtest.NewStore(t, nil)
	opt, err := jobs.RedisOpt(pgtest.NewRedis(t))
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	client := asynq.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	texts := &jobs.Texts{Tx: s, Store: s, Settings: messagingOf(s), Provider: jobs.LogSMS{Log: log}, Clock: noonClock{}, Log: log,
		Enqueue: func(ctx context.Context, refs ...core.SMSRef) error { return jobs.EnqueueSMS(ctx, client, refs...) }}
	return &testBundle{store: s, net: pgtest.NewNetwork(t, s, "acme", locale), redis: opt, log: log, texts: texts,
		work:   workorder.NewService(workorder.Config{Store: s, Units: s}),
		outbox: &jobs.Outbox{Tx: s, Effects: s, Notes: s, Texts: texts, Clock: core.SystemClock{}, Log: log}}
}

// messagingOf returns the messaging use cases over s.
func messagingOf(s *postgres.Store) *messaging.Service {
	return messaging.New(messaging.Config{Store: s, Units: s})
}

// worker runs an Asynq worker of n with the outbox and SMS handlers until
// the test ends.
func (b *testBundle) worker(t testing.TB, n int, outbox asynq.HandlerFunc) {
	srv := asynq.NewServer(b.redis, asynq.Config{Concurrency: n, Queues: jobs.Queues, Logger: nopLogger{},
		TaskCheckInterval: jobs.TaskCheckInterval})
	mux := asynq.NewServeMux()
	mux.HandleFunc(jobs.TypeOutboxMessage, outbox)
	mux.HandleFunc(jobs.TypeSMSSend, b.texts.HandleSend)
	require.NoError(t, srv.Start(mux))
	t.Cleanup(srv.Shutdown)
}

// tenantQuery runs a query in the fixture tenant and collects one column.
func tenantQuery[T any](t testing.TB, b *testBundle, sql string, args ...any) []T {
	t.Helper()
	return pgtest.TenantRows[T](t, b.store.Pool(), b.net.Tenant, sql, args...)
}

func (b *testBundle) intake(t testing.TB) *core.WorkOrder {
	var w *core.WorkOrder
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		var err error
		w, err = b.work.Intake(ctx, u, b.net.NewOrder(), "agent")
		return err
	}))
	return w
}

// waitDrained waits until every outbox message is done and every text
// handed to the gateway.
func (b *testBundle) waitDrained(t testing.TB) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		left := tenantQuery[int64](t, b, `SELECT (SELECT count(*) FROM outbox WHERE done_at IS NULL)
			+ (SELECT count(*) FROM sms_messages WHERE status IN ('queued', 'sending'))`)[0]
		if left == 0 {
			return
		}
		require.True(t, time.Now().Before(deadline), "%d outbox messages or texts still pending", left)
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTwoRelaysSendEachNotificationOnceInOrder: two relays and a worker
// of ten run while orders are taken in. Every message is enqueued by
// exactly one relay once, the handlers see each order's messages in the
// order they were written, and each order's two assignment SMS exist once.
func TestTwoRelaysSendEachNotificationOnceInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var mu sync.Mutex
	enqueued := map[int64]int{}
	handled := map[uuid.UUID][]string{}
	client := asynq.NewClient(b.redis)
	defer client.Close()
	var relays sync.WaitGroup
	for i := 0; i < 2; i++ {
		r := jobs.NewRelayFunc(b.store, b.store, func(ctx context.Context, msgs ...core.OutboxMessage) error {
			mu.Lock()
			for _, m := range msgs {
				enqueued[m.ID]++
			}
			mu.Unlock()
			return jobs.EnqueueOutbox(ctx, client, msgs...)
		}, b.log)
		r.Batch = 7 // many small claims: more chances to collide
		relays.Add(1)
		go func() { defer relays.Done(); r.Run(ctx) }()
	}
	b.worker(t, 10, func(ctx context.Context, task *asynq.Task) error {
		if err := b.outbox.HandleTask(ctx, task); err != nil {
			return err
		}
		var batch struct{ Messages []core.OutboxMessage }
		require.NoError(t, json.Unmarshal(task.Payload(), &batch))
		if len(batch.Messages) == 0 { // a task of one message is the message
			var m core.OutboxMessage
			require.NoError(t, json.Unmarshal(task.Payload(), &m))
			batch.Messages = append(batch.Messages, m)
		}
		mu.Lock()
		for _, m := range batch.Messages {
			handled[m.AggregateID] = append(handled[m.AggregateID], m.Type)
		}
		mu.Unlock()
		return nil
	})

	const orders = 60
	numbers := map[uuid.UUID]string{}
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < orders/4; i++ {
				w := b.intake(t)
				mu.Lock()
				numbers[w.ID] = w.Number
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b.waitDrained(t)
	cancel()
	relays.Wait()

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, enqueued, orders*3)
	for id, n := range enqueued {
		require.Equal(t, 1, n, "outbox message %d enqueued %d times", id, n)
	}
	require.Len(t, handled, orders)
	for id, types := range handled {
		require.Equal(t, []string{core.OutboxWorkOrderCreated, core.OutboxWorkOrderDispatched, core.OutboxWorkOrderAssigned},
			types, "order %s", id)
	}
	counts := tenantQuery[int64](t, b, `SELECT count(*) FROM sms_messages WHERE status = 'sent' GROUP BY work_order_id, kind`)
	require.Len(t, counts, orders*2, "two texts per order")
	for _, n := range counts {
		require.Equal(t, int64(1), n, "a text sent more than once")
	}
	bodies := tenantQuery[string](t, b, `SELECT body FROM sms_messages WHERE kind = $1 ORDER BY body LIMIT 1`, core.SMSTechnicianAssigned)
	require.Contains(t, bodies[0], "深圳市南山区科技园")
	require.Contains(t, bodies[0], "13800138000", "the technician's text has the customer's phone")
	require.Contains(t, bodies[0], "空调不制冷")
}

// TestHandlingTwiceHasOneEffect: the same message handled again (a task
// that ran twice) sends nothing more.
func TestHandlingTwiceHasOneEffect(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	w := b.intake(t)
	var msgs []core.OutboxMessage
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, uuid.Nil, func(u core.UnitOfWork) error {
		var err error
		msgs, err = b.store.ClaimOutbox(context.Background(), u, 10, time.Hour)
		return err
	}))
	require.Len(t, msgs, 1)
	// Handle the order's three messages in order, the assignment twice.
	for _, typ := range []string{core.OutboxWorkOrderCreated, core.OutboxWorkOrderDispatched, core.OutboxWorkOrderAssigned} {
		var m core.OutboxMessage
		require.NoError(t, core.InUnitOfWork(context.Background(), b.store, uuid.Nil, func(u core.UnitOfWork) error {
			got, err := b.store.ClaimOutbox(context.Background(), u, 10, time.Hour)
			if err == nil {
				require.Len(t, got, 1)
				m = got[0]
			}
			return err
		}))
		require.Equal(t, typ, m.Type)
		require.NoError(t, b.outbox.Handle(context.Background(), m))
		require.NoError(t, b.outbox.Handle(context.Background(), m))
	}
	bodies := tenantQuery[string](t, b, `SELECT body FROM sms_messages WHERE work_order_id = $1 ORDER BY kind`, w.ID)
	require.Equal(t, []string{
		"Your service order " + w.Number + ": technician 张伟 (phone 13900000001) will visit you, expected time: as soon as possible.",
		"New job " + w.Number + ": 深圳市南山区科技园, customer 王芳, phone 13800138000, fault: 空调不制冷, visit as soon as possible. Reply \"accept " + w.Number + "\" to confirm.",
	}, bodies)
	// Queued in the handler's transaction; sent by their own tasks.
	require.Equal(t, []string{core.SMSQueued, core.SMSQueued}, tenantQuery[string](t, b, `SELECT status FROM sms_messages`))
}

// noonClock is midday in Shanghai, outside the default quiet hours:
// customer texts go at once whenever the tests run.
type noonClock struct{}

func (noonClock) Now() time.Time { return time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC) }

type nopLogger struct{}

func (nopLogger) Debug(...any) {}
func (nopLogger) Info(...any)  {}
func (nopLogger) Warn(...any)  {}
func (nopLogger) Error(...any) {}
func (nopLogger) Fatal(...any) {}

// TestARelayOfMoreMessagesIsANewTask: a batch relayed again after a crash
// between enqueue and commit is the same task, but a batch that starts
// with the same message and holds more (another replica claimed after the
// crash) is queued too, so none of its messages is marked relayed without
// a task that carries it.
func TestARelayOfMoreMessagesIsANewTask(t *testing.T) {
	t.Parallel()
	opt, err := jobs.RedisOpt(pgtest.NewRedis(t))
	require.NoError(t, err)
	client := asynq.NewClient(opt)
	defer client.Close()
	tenant := uuid.New()
	msgs := make([]core.OutboxMessage, 3)
	for i := range msgs {
		msgs[i] = core.OutboxMessage{ID: int64(101 + i), TenantID: tenant, Type: core.OutboxWorkOrderCreated, AggregateID: uuid.New()}
	}
	ctx := context.Background()
	require.NoError(t, jobs.EnqueueOutbox(ctx, client, msgs[:2]...))
	require.NoError(t, jobs.EnqueueOutbox(ctx, client, msgs[:2]...), "the same batch again is no error")
	require.NoError(t, jobs.EnqueueOutbox(ctx, client, msgs...))

	inspector := asynq.NewInspector(opt)
	defer inspector.Close()
	tasks, err := inspector.ListPendingTasks("default")
	require.NoError(t, err)
	require.Len(t, tasks, 2, "the batch relayed twice is one task; the larger batch is another")
	carried := map[int64]int{}
	for _, task := range tasks {
		var batch struct{ Messages []core.OutboxMessage }
		require.NoError(t, json.Unmarshal(task.Payload, &batch))
		for _, m := range batch.Messages {
			carried[m.ID]++
		}
	}
	require.Equal(t, map[int64]int{101: 2, 102: 2, 103: 1}, carried)
}
