package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/jobs"
)

// fakeGateway is the carrier edge: it records what it is handed and
// answers with the next of errs (nil when they run out).
type fakeGateway struct {
	mu   sync.Mutex
	sent map[uuid.UUID]int
	from map[uuid.UUID]string
	errs []error
}

func (*fakeGateway) Name() string { return "fake" }

func (g *fakeGateway) SendSMS(_ context.Context, _ uuid.UUID, m *core.SMS) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.errs) > 0 {
		err := g.errs[0]
		g.errs = g.errs[1:]
		if err != nil {
			return err
		}
	}
	if g.sent == nil {
		g.sent, g.from = map[uuid.UUID]int{}, map[uuid.UUID]string{}
	}
	g.sent[m.ID]++
	g.from[m.ID] = m.From
	return nil
}

func (g *fakeGateway) count(id uuid.UUID) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sent[id]
}

// captured replaces the bundle's texts with ones that send through gw and
// collect the send tasks instead of enqueueing them.
func (b *testBundle) captured(gw *fakeGateway) *[]core.SMSRef {
	var mu sync.Mutex
	refs := &[]core.SMSRef{}
	b.texts.Provider = gw
	b.texts.Enqueue = func(_ context.Context, rs ...core.SMSRef) error {
		mu.Lock()
		defer mu.Unlock()
		*refs = append(*refs, rs...)
		return nil
	}
	return refs
}

// handleAll handles the outbox messages one claim at a time until none is
// left, as the relay and a worker would.
func (b *testBundle) handleAll(t testing.TB) {
	for {
		var msgs []core.OutboxMessage
		require.NoError(t, core.InUnitOfWork(context.Background(), b.store, uuid.Nil, func(u core.UnitOfWork) error {
			var err error
			msgs, err = b.store.ClaimOutbox(context.Background(), u, 100, time.Hour)
			return err
		}))
		if len(msgs) == 0 {
			return
		}
		for _, m := range msgs {
			require.NoError(t, b.outbox.Handle(context.Background(), m))
		}
	}
}

func sendTask(t testing.TB, r core.SMSRef) *asynq.Task {
	raw, err := json.Marshal(r)
	require.NoError(t, err)
	return asynq.NewTask(jobs.TypeSMSSend, raw)
}

// smsOf returns status and error of a message.
func (b *testBundle) smsOf(t testing.TB, id uuid.UUID) (string, string) {
	status := tenantQuery[string](t, b, `SELECT status FROM sms_messages WHERE id = $1`, id)
	errText := tenantQuery[string](t, b, `SELECT error FROM sms_messages WHERE id = $1`, id)
	require.Len(t, status, 1)
	return status[0], errText[0]
}

// redisClient is a client of the bundle's private Redis.
func redisClient(t testing.TB, b *testBundle) redis.UniversalClient {
	rdb, ok := b.redis.MakeRedisClient().(redis.UniversalClient)
	require.True(t, ok)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// TestTextsAreSentOnceAfterCommit: the outbox handler only queues the two
// assignment texts (their tasks enqueued after the commit); each send task
// hands its text to the gateway once however often it runs, and the
// order's timeline shows queued then sent.
func TestTextsAreSentOnceAfterCommit(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	gw := &fakeGateway{}
	refs := b.captured(gw)
	w := b.intake(t)
	b.handleAll(t)
	require.Len(t, *refs, 2)
	kinds := map[string]bool{}
	for _, r := range *refs {
		kinds[r.Kind] = true
		status, _ := b.smsOf(t, r.ID)
		require.Equal(t, core.SMSQueued, status, "nothing is sent inside the handler's transaction")
		require.Zero(t, gw.count(r.ID))
		for i := 0; i < 3; i++ {
			require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, r)))
		}
		require.Equal(t, 1, gw.count(r.ID), "a task that runs again sends nothing more")
		status, _ = b.smsOf(t, r.ID)
		require.Equal(t, core.SMSSent, status)
	}
	require.Equal(t, map[string]bool{core.SMSTechnicianAssigned: true, core.SMSCustomerAssigned: true}, kinds)

	var ev []*core.WorkOrderEvent
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		var err error
		ev, err = b.work.FindWorkOrderEvents(ctx, u, w.ID)
		return err
	}))
	var statuses []string
	for _, e := range ev {
		if e.Type == "sms_status" {
			var p struct{ Kind, Status string }
			require.NoError(t, json.Unmarshal(e.Payload, &p))
			if p.Kind == core.SMSTechnicianAssigned {
				statuses = append(statuses, p.Status)
			}
		}
	}
	require.Equal(t, []string{core.SMSQueued, core.SMSSent}, statuses, "the technician's text on the timeline")
}

// TestReassignmentToTheSameTechnicianTextsNobody: a dispatcher reassigns
// an order within its site and the engine chooses the same technician
// again; the technician and the customer already have their texts, so
// nobody is texted a second time.
func TestReassignmentToTheSameTechnicianTextsNobody(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	refs := b.captured(&fakeGateway{})
	w := b.intake(t)
	b.handleAll(t)
	require.Len(t, *refs, 2)

	ctx := context.Background()
	site := b.net.Site
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		again, err := b.work.Act(ctx, u, w.ID, core.ActionInput{Action: core.ActionReassign, SiteID: &site, Reason: "rebooked"}, "dispatcher")
		if err == nil {
			require.Equal(t, b.net.Technician, *again.TechnicianID, "the engine chose the same technician")
		}
		return err
	}))
	b.handleAll(t)
	require.Len(t, *refs, 2, "no second text to the technician or the customer")
}

// TestSendOutcomes: what the gateway answers decides the status.
func TestSendOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		errs       []error
		runs       int
		wantStatus string
		wantSent   int
		wantErr    string
	}{
		{"transient error: queued again, the retry sends", []error{errors.New("connection reset")}, 2, core.SMSSent, 1, ""},
		{"rejected: failed, not retried", []error{fmt.Errorf("%w: bad number", jobs.ErrSMSRejected)}, 2, core.SMSFailed, 0, "bad number"},
		{"no answer: failed, never resent", []error{fmt.Errorf("%w: timeout", jobs.ErrSMSOutcomeUnknown)}, 2, core.SMSFailed, 0, "timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, "")
			gw := &fakeGateway{errs: c.errs}
			refs := b.captured(gw)
			b.intake(t)
			b.handleAll(t)
			r := (*refs)[0]
			for i := 0; i < c.runs; i++ {
				err := b.texts.HandleSend(context.Background(), sendTask(t, r))
				if i == 0 && c.wantStatus == core.SMSFailed {
					require.ErrorIs(t, err, asynq.SkipRetry)
				}
			}
			status, errText := b.smsOf(t, r.ID)
			require.Equal(t, c.wantStatus, status)
			require.Contains(t, errText, c.wantErr)
			require.Equal(t, c.wantSent, gw.count(r.ID))
		})
	}
}

// reportingGateway is a fakeGateway whose carrier reports every text it
// takes within window (core.SMSSubmitReporter), as Kannel does.
type reportingGateway struct {
	*fakeGateway
	window time.Duration
}

func (g reportingGateway) SubmitReportWithin() time.Duration { return g.window }

// TestAWorkerThatDiedMidSend: a message left 'sending' by a dead worker.
// With a gateway that gives no delivery reports it is failed with an
// unknown outcome and never sent again (at most once). With one that
// reports every text it takes, it waits for the report window after its
// claim; a message the gateway reported is done, never resent; one with
// no report past the window is sent again, exactly once, and its record
// is the resend's; one claimed too often is failed. One being sent right
// now makes the task retry later.
func TestAWorkerThatDiedMidSend(t *testing.T) {
	t.Parallel()
	t.Run("no reports: failed as unknown, never resent", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		gw := &fakeGateway{}
		refs := b.captured(gw)
		b.intake(t)
		b.handleAll(t)
		dead, busy := (*refs)[0], (*refs)[1]
		exec(t, b, `UPDATE sms_messages SET status = 'sending', updated_at = now() - interval '2 minutes' WHERE id = $1`, dead.ID)
		exec(t, b, `UPDATE sms_messages SET status = 'sending', updated_at = now() WHERE id = $1`, busy.ID)

		require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, dead)))
		status, errText := b.smsOf(t, dead.ID)
		require.Equal(t, core.SMSFailed, status)
		require.Equal(t, core.SMSUnknownOutcome, errText)
		exec(t, b, `UPDATE sms_messages SET updated_at = now() - interval '1 hour' WHERE id = $1`, dead.ID)
		require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, dead)), "failed is final")

		require.Error(t, b.texts.HandleSend(context.Background(), sendTask(t, busy)), "another task is sending it")
		status, _ = b.smsOf(t, busy.ID)
		require.Equal(t, core.SMSSending, status)
		require.Zero(t, gw.count(dead.ID)+gw.count(busy.ID))
	})
	t.Run("reports: resent once past the window, never when reported", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		g := b.gateway(t)
		gw := &fakeGateway{}
		refs := b.captured(gw)
		b.texts.Provider = reportingGateway{fakeGateway: gw, window: 2 * time.Minute}
		w := b.intake(t)
		b.handleAll(t)
		lost, reported := (*refs)[0], (*refs)[1]
		for _, id := range []uuid.UUID{lost.ID, reported.ID} {
			exec(t, b, `UPDATE sms_messages SET status = 'sending', attempts = 1, updated_at = now() - interval '90 seconds' WHERE id = $1`, id)
		}
		ctx := context.Background()
		// The gateway took one before its worker died: its report came.
		require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, reported.ID, core.DLRSMSCSubmit, ""))

		// Past stuckAfter, within the window: a report may still come.
		require.Error(t, b.texts.HandleSend(ctx, sendTask(t, lost)), "waits for the report window")
		require.NoError(t, b.texts.HandleSend(ctx, sendTask(t, reported)))
		require.Zero(t, gw.count(lost.ID)+gw.count(reported.ID))
		status, _ := b.smsOf(t, lost.ID)
		require.Equal(t, core.SMSSending, status)

		// Past the window with no report: it never reached the gateway.
		exec(t, b, `UPDATE sms_messages SET updated_at = now() - interval '121 seconds' WHERE status = 'sending'`)
		exec(t, b, `UPDATE sms_messages SET updated_at = now() - interval '1 hour' WHERE id = $1`, reported.ID)
		for range 3 {
			require.NoError(t, b.texts.HandleSend(ctx, sendTask(t, lost)))
			require.NoError(t, b.texts.HandleSend(ctx, sendTask(t, reported)))
		}
		require.Equal(t, 1, gw.count(lost.ID), "resent once")
		require.Zero(t, gw.count(reported.ID), "the reported one is never resent")
		status, errText := b.smsOf(t, lost.ID)
		require.Equal(t, core.SMSSent, status, errText)
		require.Equal(t, []int{2}, tenantQuery[int](t, b, `SELECT attempts FROM sms_messages WHERE id = $1`, lost.ID))
		status, _ = b.smsOf(t, reported.ID)
		require.Equal(t, core.SMSSent, status)

		// The resend's report, late and twice: one record, consistent.
		require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, lost.ID, core.DLRSMSCSubmit, ""))
		require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, lost.ID, core.DLRDelivered, "stat:DELIVRD"))
		require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, lost.ID, core.DLRDelivered, "stat:DELIVRD"))
		status, _ = b.smsOf(t, lost.ID)
		require.Equal(t, core.SMSDelivered, status)
		for _, r := range []core.SMSRef{lost, reported} {
			got := tenantQuery[string](t, b, `SELECT payload->>'status' FROM work_order_events
				WHERE work_order_id = $1 AND type = 'sms_status' AND payload->>'sms_id' = $2 ORDER BY seq`, w.ID, r.ID.String())
			want := []string{core.SMSQueued, core.SMSSent}
			if r == lost {
				want = append(want, core.SMSDelivered)
			}
			require.Equal(t, want, got, "one sent on the timeline")
		}
	})
	t.Run("reports: no answer from the gateway is settled as a dead worker's", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		g := b.gateway(t)
		timeout := fmt.Errorf("%w: timeout", jobs.ErrSMSOutcomeUnknown)
		gw := &fakeGateway{errs: []error{timeout, timeout}}
		refs := b.captured(gw)
		b.texts.Provider = reportingGateway{fakeGateway: gw, window: 2 * time.Minute}
		b.intake(t)
		b.handleAll(t)
		took, lost := (*refs)[0], (*refs)[1]
		ctx := context.Background()
		for _, r := range []core.SMSRef{took, lost} {
			err := b.texts.HandleSend(ctx, sendTask(t, r))
			require.ErrorIs(t, err, jobs.ErrSMSOutcomeUnknown, "retried, not failed")
			require.NotErrorIs(t, err, asynq.SkipRetry)
			status, _ := b.smsOf(t, r.ID)
			require.Equal(t, core.SMSSending, status, "left to its report")
		}
		require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, took.ID, core.DLRSMSCSubmit, "")) // it had taken one
		exec(t, b, `UPDATE sms_messages SET updated_at = now() - interval '121 seconds' WHERE status = 'sending'`)
		for _, r := range []core.SMSRef{took, lost} {
			require.NoError(t, b.texts.HandleSend(ctx, sendTask(t, r)))
			status, errText := b.smsOf(t, r.ID)
			require.Equal(t, core.SMSSent, status, errText)
		}
		require.Zero(t, gw.count(took.ID), "the reported one is not sent again")
		require.Equal(t, 1, gw.count(lost.ID), "the other is, once")
	})
	t.Run("reports: a message whose workers keep dying is failed", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		gw := &fakeGateway{}
		refs := b.captured(gw)
		b.texts.Provider = reportingGateway{fakeGateway: gw, window: 2 * time.Minute}
		b.intake(t)
		b.handleAll(t)
		r := (*refs)[0]
		exec(t, b, `UPDATE sms_messages SET status = 'sending', attempts = 10, updated_at = now() - interval '1 hour' WHERE id = $1`, r.ID)
		require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, r)))
		status, errText := b.smsOf(t, r.ID)
		require.Equal(t, core.SMSFailed, status)
		require.Equal(t, core.SMSUnknownOutcome, errText)
		require.Zero(t, gw.count(r.ID))
	})
}

// flakyFinish is the bundle's SMS store whose first FinishSMS calls fail
// as a connection dropped by a database restart or a pooler does.
type flakyFinish struct {
	core.SMSStore
	mu    sync.Mutex
	fails int
}

func (s *flakyFinish) FinishSMS(ctx context.Context, u core.UnitOfWork, id uuid.UUID, status, errText string) error {
	s.mu.Lock()
	fail := s.fails > 0
	s.fails--
	s.mu.Unlock()
	if fail {
		return fmt.Errorf("recording the answer: %w", io.ErrUnexpectedEOF)
	}
	return s.SMSStore.FinishSMS(ctx, u, id, status, errText)
}

// TestASentTextIsRecordedThroughADroppedConnection: when the connection
// drops as the gateway's answer is recorded (found by the failure drill,
// TestDrill), the worker records it again; the text ends sent, not left
// 'sending' to be failed as of unknown outcome although the carrier has
// it, and is handed to the gateway once.
func TestASentTextIsRecordedThroughADroppedConnection(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	gw := &fakeGateway{}
	refs := b.captured(gw)
	b.texts.Store = &flakyFinish{SMSStore: b.texts.Store, fails: 2}
	b.intake(t)
	b.handleAll(t)
	r := (*refs)[0]
	require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, r)))
	status, errText := b.smsOf(t, r.ID)
	require.Equal(t, core.SMSSent, status, errText)
	require.Equal(t, 1, gw.count(r.ID))
}

// TestSweepFindsTextsWhoseTaskWasLost: texts committed as queued whose
// task never reached Redis (a crash between commit and enqueue) are
// enqueued by the sweep once they have waited long enough; held ones are
// not, until they are due.
func TestSweepFindsTextsWhoseTaskWasLost(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	gw := &fakeGateway{}
	lost := b.captured(gw) // the handler's enqueues go nowhere
	b.intake(t)
	b.handleAll(t)
	require.Len(t, *lost, 2)
	held := (*lost)[1].ID
	exec(t, b, `UPDATE sms_messages SET updated_at = now() - interval '1 minute'`)
	exec(t, b, `UPDATE sms_messages SET send_after = now() + interval '8 hours' WHERE id = $1`, held)

	swept := b.captured(gw)
	require.NoError(t, b.texts.HandleSweep(context.Background(), asynq.NewTask(jobs.TypeSMSSweep, nil)))
	require.Len(t, *swept, 1)
	require.Equal(t, (*lost)[0].ID, (*swept)[0].ID)
	require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, (*swept)[0])))
	require.Equal(t, 1, gw.count((*swept)[0].ID))
}

// TestTenantSettingsShapeTheTexts: a kind switched off sends nothing; the
// tenant's number is the sender; customer texts in the quiet hours are
// held until they end (their task scheduled then), technician texts are
// not; over the rate limit a text waits without losing a retry.
func TestTenantSettingsShapeTheTexts(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		s := core.DefaultSMSSettings()
		s.Number = "10690001"
		s.RatePerMinute = 1
		s.Notifications[core.SMSCustomerSatisfaction] = core.SMSNotification{Enabled: false}
		_, err := messagingOf(b.store).UpdateSMSSettings(context.Background(), u, s)
		return err
	}))
	night := time.Date(2030, 1, 10, 15, 30, 0, 0, time.UTC) // 23:30 in Shanghai, ahead of the real clock
	b.texts.Clock = fixedClock{night}
	client := asynq.NewClient(b.redis)
	defer client.Close()
	var refs []core.SMSRef
	b.texts.Enqueue = func(ctx context.Context, rs ...core.SMSRef) error {
		refs = append(refs, rs...)
		return jobs.EnqueueSMS(ctx, client, rs...)
	}
	w := b.intake(t)
	b.handleAll(t)
	require.Len(t, refs, 2)
	inspector := asynq.NewInspector(b.redis)
	defer inspector.Close()
	for _, r := range refs {
		switch r.Kind {
		case core.SMSCustomerAssigned:
			require.Equal(t, time.Date(2030, 1, 11, 0, 0, 0, 0, time.UTC), r.SendAfter.UTC(), "held until 08:00 Shanghai")
			info, err := inspector.GetTaskInfo("default", "sms-"+r.ID.String())
			require.NoError(t, err)
			require.Equal(t, asynq.TaskStateScheduled, info.State)
		case core.SMSTechnicianAssigned:
			require.True(t, r.SendAfter.IsZero(), "technicians are texted at night too")
			info, err := inspector.GetTaskInfo("critical", "sms-"+r.ID.String())
			require.NoError(t, err)
			require.Equal(t, asynq.TaskStatePending, info.State)
		}
	}

	// Completed: the satisfaction question is off for this tenant.
	exec(t, b, `UPDATE work_orders SET state = 'completed', completed_at = now() WHERE id = $1`, w.ID)
	exec(t, b, `INSERT INTO outbox (tenant_id, aggregate_id, type) VALUES (app_current_tenant(), $1, 'work_order.completed')`, w.ID)
	b.handleAll(t)
	require.Len(t, refs, 2, "%+v", refs)

	// One text a minute: the first goes, the second waits (an error that
	// is no failure), still queued.
	b.texts.Limiter = jobs.NewRateLimiter(redisClient(t, b), b.log)
	b.texts.Limiter.Clock = fixedClock{night} // both texts in one minute
	gw := &fakeGateway{}
	b.texts.Provider = gw
	require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, refs[0])))
	err := b.texts.HandleSend(context.Background(), sendTask(t, refs[1]))
	require.ErrorContains(t, err, "rate limit")
	status, _ := b.smsOf(t, refs[1].ID)
	require.Equal(t, core.SMSQueued, status)
	require.Equal(t, 1, gw.count(refs[0].ID))
	require.Equal(t, "10690001", gw.from[refs[0].ID], "sent from the tenant's number")
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// exec runs a statement in the fixture tenant.
func exec(t testing.TB, b *testBundle, sql string, args ...any) {
	t.Helper()
	pgtest.TenantExec(t, b.store.Pool(), b.net.Tenant, sql, args...)
}
