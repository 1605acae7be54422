package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
)

// Task types of the SMS pipeline.
const (
	TypeSMSSend  = "sms:send"  // hands one queued message to the gateway
	TypeSMSSweep = "sms:sweep" // re-enqueues messages whose task was lost
)

// Errors a provider wraps to say how a failed send should be treated;
// any other error is retried.
var (
	// ErrSMSRejected: the gateway refused the message (bad number, bad
	// credentials); sending it again would not help.
	ErrSMSRejected = errors.New("SMS gateway rejected the message")
	// ErrSMSOutcomeUnknown: the request reached the gateway but no answer
	// came back; it may have been sent. With a gateway that gives no
	// delivery reports it is failed, never sent again; with one that does
	// (core.SMSSubmitReporter) it stays 'sending' for its report to settle
	// (messaging.ClaimForSending): sent if one comes, else sent again.
	ErrSMSOutcomeUnknown = errors.New("SMS gateway outcome unknown")
)

const (
	smsMaxRetry = 10
	// smsStuckAfter is how long a message may stay 'sending' before a task
	// takes its worker for dead; well above a provider's request timeout.
	// What then becomes of it depends on the provider's delivery reports
	// (messaging.ClaimForSending, core.SMSSubmitReporter).
	smsStuckAfter = time.Minute
	// smsMaxAttempts caps the claims of a message whose worker keeps dying
	// while sending it: past it, it is failed as of unknown outcome.
	smsMaxAttempts = smsMaxRetry
	// smsSweepIdle is how long a due message may wait without being touched
	// before the sweep enqueues it again.
	smsSweepIdle  = 30 * time.Second
	smsSweepBatch = 500
	// smsRecordFor is how long a worker keeps trying to record what the
	// gateway answered: longer than a database restart behind a pooler.
	smsRecordFor = 30 * time.Second
)

// Texts queues text messages in the transaction of their cause and sends
// each by its own task after the commit: exactly once to a gateway that
// reports every message it takes (core.SMSSubmitReporter, Kannel with a
// callback URL), even when a worker dies mid-send; at most once to one
// that does not (messaging.ClaimForSending).
type Texts struct {
	Tx       core.UnitsOfWork
	Store    core.SMSStore
	Settings SMSSettings // nil: DefaultSMSSettings for every tenant
	Provider core.SMSProvider
	Limiter  *RateLimiter // nil: no per-tenant rate limit
	Clock    core.Clock
	Log      *slog.Logger
	// Enqueue puts send tasks for the messages on the queue (EnqueueSMS
	// with a client); nil: messages stay queued for the sweep (tests).
	Enqueue func(context.Context, ...core.SMSRef) error

	cache settingsCache
}

// SMSSettings reads a tenant's SMS settings in a unit of work
// (core/messaging's Service).
type SMSSettings interface {
	SMSSettings(ctx context.Context, u core.UnitOfWork) (*core.SMSSettings, error)
}

// TextBatch queues the texts of one unit of work: they are recorded in
// the unit, and their send tasks are enqueued once it commits (never after
// a rollback). A failed enqueue is left to the sweep: the message is
// committed as queued, so it is never lost.
type TextBatch struct {
	x        *Texts
	u        core.UnitOfWork
	tenant   uuid.UUID
	settings *core.SMSSettings
	loc      *time.Location
	refs     []core.SMSRef
}

// Batch returns the text batch of u; ctx is the one its enqueues run in.
func (x *Texts) Batch(ctx context.Context, u core.UnitOfWork) *TextBatch {
	b := &TextBatch{x: x, u: u, tenant: u.TenantID()}
	u.AfterCommit(func() { b.enqueue(context.WithoutCancel(ctx)) })
	return b
}

func (b *TextBatch) enqueue(ctx context.Context) {
	if len(b.refs) == 0 || b.x.Enqueue == nil {
		return
	}
	if err := b.x.Enqueue(ctx, b.refs...); err != nil {
		b.x.Log.Warn("SMS tasks not enqueued; the sweep will", "messages", len(b.refs), "err", err)
	}
}

// Settings returns the tenant's SMS settings and zone, read once per batch.
func (b *TextBatch) Settings(ctx context.Context) (*core.SMSSettings, *time.Location, error) {
	if b.settings == nil {
		s, err := b.x.settings(ctx, b.u)
		if err != nil {
			return nil, nil, err
		}
		b.settings, b.loc = s, s.Location()
	}
	return b.settings, b.loc, nil
}

// settings returns the SMS settings of u's tenant, from the cache when
// fresh.
func (x *Texts) settings(ctx context.Context, u core.UnitOfWork) (*core.SMSSettings, error) {
	now, tenant := time.Now(), u.TenantID()
	s := x.cache.get(tenant, now)
	if s == nil {
		d := core.DefaultSMSSettings()
		s = &d
		if x.Settings != nil {
			got, err := x.Settings.SMSSettings(ctx, u)
			if err != nil {
				return nil, err
			}
			s = got
		}
		x.cache.put(tenant, s, now)
	}
	return s, nil
}

// Text is one notification to queue.
type Text = messaging.Text

// QueueText queues one text in u, in a batch of its own
// (messaging.Texts).
func (x *Texts) QueueText(ctx context.Context, u core.UnitOfWork, t Text) error {
	return x.Batch(ctx, u).Queue(ctx, t)
}

// ProviderName implements messaging.Texts.
func (x *Texts) ProviderName() string { return x.Provider.Name() }

// Queue composes and records a text in the batch's unit: nothing when the
// tenant has the kind off; failed at once when the phone cannot receive
// texts; else queued, held through the quiet hours for customers. Its send
// task is enqueued after the commit.
func (b *TextBatch) Queue(ctx context.Context, t Text) error {
	x := b.x
	s, loc, err := b.Settings(ctx)
	if err != nil {
		return err
	}
	t.Facts.Location = loc
	body, enabled, err := s.Compose(t.Kind, t.Locale, t.Facts)
	if err != nil || !enabled {
		return err
	}
	m := &core.SMS{ID: uuid.New(), WorkOrderID: t.WorkOrderID, OutboxID: t.OutboxID, Kind: t.Kind, Locale: core.SMSLocale(t.Locale),
		Body: body, Provider: x.Provider.Name(), Status: core.SMSQueued}
	now := x.Clock.Now()
	m.SendAfter = s.SendAt(t.Kind, now, loc) // now, or held through the quiet hours
	m.Encoding, m.Segments = core.SMSSegments(body)
	if m.To, err = core.SMSRecipient(t.To); err != nil {
		m.To, m.Status, m.Error = t.To, core.SMSFailed, core.ErrorMessage(err)
	}
	ref := core.SMSRef{TenantID: b.tenant, ID: m.ID, Kind: m.Kind}
	if m.SendAfter.After(now) {
		ref.SendAfter = m.SendAfter // its task is scheduled then; zero: at once
	}
	if err := x.Store.QueueSMS(ctx, b.u, m); err != nil {
		return err
	}
	if m.Status == core.SMSQueued {
		b.refs = append(b.refs, ref)
	}
	return nil
}

// InTenant runs fn in a new unit of work of the tenant with the unit's
// text batch.
func (x *Texts) InTenant(ctx context.Context, tenantID uuid.UUID, fn func(ctx context.Context, u core.UnitOfWork, texts *TextBatch) error) error {
	return core.InUnitOfWork(ctx, x.Tx, tenantID, func(u core.UnitOfWork) error {
		return fn(ctx, u, x.Batch(ctx, u))
	})
}

// groupInOrder splits items by key, the groups in the order their keys
// first appear (claim order, for the tasks made of them).
func groupInOrder[K comparable, V any](items []V, key func(V) K) ([]K, map[K][]V) {
	var order []K
	groups := map[K][]V{}
	for _, it := range items {
		k := key(it)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], it)
	}
	return order, groups
}

// smsTaskBatch is the most messages one send task carries.
const smsTaskBatch = 100

// smsTask is the payload of TypeSMSSend: messages of one tenant due at
// the same time (the form of a single core.SMSRef, with ID, is read too).
type smsTask struct {
	TenantID uuid.UUID   `json:"tenant_id"`
	ID       uuid.UUID   `json:"id,omitzero"`
	IDs      []uuid.UUID `json:"ids,omitempty"`
}

func (t smsTask) ids() []uuid.UUID {
	if len(t.IDs) == 0 && t.ID != uuid.Nil {
		return []uuid.UUID{t.ID}
	}
	return t.IDs
}

// EnqueueSMS puts send tasks for the messages on their queues (technician
// texts on critical), each due when its messages may go out: one task per
// tenant, queue and due time, of up to smsTaskBatch messages, so a burst
// costs a task and two transactions per batch rather than per text. The
// task ID is the first message's, so enqueueing the same batch twice
// makes one task; a message in two tasks is still sent once (ClaimSMS).
func EnqueueSMS(ctx context.Context, client *asynq.Client, refs ...core.SMSRef) error {
	type group struct {
		tenant uuid.UUID
		queue  string
		at     time.Time
	}
	order, groups := groupInOrder(refs, func(r core.SMSRef) group {
		g := group{tenant: r.TenantID, queue: "default"}
		if core.SMSAudience(r.Kind) == core.SMSToTechnician {
			g.queue = "critical"
		}
		if time.Until(r.SendAfter) > 0 {
			g.at = r.SendAfter
		}
		return g
	})
	for _, g := range order {
		ids := make([]uuid.UUID, len(groups[g]))
		for i, r := range groups[g] {
			ids[i] = r.ID
		}
		for ids := range slices.Chunk(ids, smsTaskBatch) {
			raw, err := json.Marshal(smsTask{TenantID: g.tenant, IDs: ids})
			if err != nil {
				return err
			}
			opts := []asynq.Option{asynq.TaskID("sms-" + ids[0].String()), asynq.Queue(g.queue), asynq.MaxRetry(smsMaxRetry)}
			if !g.at.IsZero() {
				opts = append(opts, asynq.ProcessAt(g.at))
			}
			_, err = client.EnqueueContext(ctx, asynq.NewTask(TypeSMSSend, raw), opts...)
			if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
				return err
			}
		}
	}
	return nil
}

// errRateLimited asks Asynq to run the task again later without counting
// a retry (see isFailure).
type errRateLimited struct{ wait time.Duration }

func (e errRateLimited) Error() string {
	return fmt.Sprintf("tenant SMS rate limit: retry in %s", e.wait)
}

// HandleSend is the handler of TypeSMSSend: claim the task's messages
// (sending) in one transaction, call the gateway outside any transaction,
// record the answers in another. A provider that records rather than
// sends (core.SMSRecorder, the log provider) has its messages marked sent
// in the claiming transaction instead: no window in which a crash could
// leave a message's outcome unknown. A message left 'sending' by a worker
// that died is settled by messaging.ClaimForSending: with a provider
// that reports (core.SMSSubmitReporter) its report made it sent, or with
// none past the report window it is sent again with the same ID; with one
// that does not, it is failed as of unknown outcome (at most once).
func (x *Texts) HandleSend(ctx context.Context, t *asynq.Task) error {
	var task smsTask
	if err := json.Unmarshal(t.Payload(), &task); err != nil || task.TenantID == uuid.Nil {
		return fmt.Errorf("%w: bad SMS task %q: %v", asynq.SkipRetry, t.Payload(), err)
	}
	ids := task.ids()
	_, recorder := x.Provider.(core.SMSRecorder)
	policy := messaging.SendPolicy{StuckAfter: smsStuckAfter, ReportWindow: core.SMSReportWindow(x.Provider),
		MaxAttempts: smsMaxAttempts}
	var claimed []*core.SMS
	var from string
	var busy error
	err := core.InUnitOfWork(ctx, x.Tx, task.TenantID, func(u core.UnitOfWork) error {
		claimed, busy = nil, nil
		s, err := x.settings(ctx, u)
		if err != nil {
			return err
		}
		if x.Limiter != nil {
			if wait, ok := x.Limiter.Allow(ctx, task.TenantID, s.RatePerMinute, len(ids)); !ok {
				return errRateLimited{wait}
			}
		}
		from = s.Number
		if recorder {
			claimed, err = x.Store.MarkSMSSent(ctx, u, ids)
			return err
		}
		held, err := x.Store.LockSMSForSending(ctx, u, ids)
		if err != nil {
			return err
		}
		pos := make(map[uuid.UUID]int, len(ids))
		for i, id := range ids {
			pos[id] = i
		}
		slices.SortFunc(held, func(a, b core.SMSForSending) int { return pos[a.ID] - pos[b.ID] }) // the task's order
		for _, m := range held {
			switch messaging.ClaimForSending(m.Status, m.Idle, m.Attempts, policy) {
			case messaging.ClaimResend:
				x.Log.Warn("SMS left sending with no delivery report within the window; sending it again",
					"sms_id", m.ID, "kind", m.Kind, "attempts", m.Attempts, "claimed_ago", m.Idle.Round(time.Second))
				fallthrough
			case messaging.ClaimSend:
				x.Store.StartSendingSMS(u, m.ID)
				m.Status, m.Attempts = core.SMSSending, m.Attempts+1
				claimed = append(claimed, m.SMS)
			case messaging.ClaimStuck:
				x.Store.FailSMS(u, m.SMS, core.SMSUnknownOutcome)
			case messaging.ClaimBusy: // come back to see it done
				busy = core.Errorf(core.ECONFLICT, "SMS message %s is being sent by another task", m.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if recorder {
		for _, m := range claimed {
			m.From = from
			_ = x.Provider.SendSMS(ctx, task.TenantID, m)
		}
		return nil
	}
	if err := x.send(ctx, task.TenantID, claimed, from); err != nil {
		return err
	}
	return busy
}

// send hands claimed messages to the gateway and records the answers in
// one transaction. It returns an error (the task is retried) when any
// message met a transient failure: those are queued again, and the retry
// finds the others done.
func (x *Texts) send(ctx context.Context, tenant uuid.UUID, claimed []*core.SMS, from string) error {
	type answer struct {
		m       *core.SMS
		status  string
		errText string
	}
	answers := make([]answer, 0, len(claimed))
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, inTask := asynq.GetMaxRetry(ctx)
	reports := core.SMSReportWindow(x.Provider) > 0
	var retry error
	for _, m := range claimed {
		m.From = from
		sendErr := x.Provider.SendSMS(ctx, tenant, m)
		a := answer{m: m, status: core.SMSSent}
		switch {
		case sendErr == nil:
		case errors.Is(sendErr, ErrSMSRejected), inTask && retried >= maxRetry,
			errors.Is(sendErr, ErrSMSOutcomeUnknown) && !reports:
			a.status, a.errText = core.SMSFailed, sendErr.Error()
		case errors.Is(sendErr, ErrSMSOutcomeUnknown):
			// Left 'sending', as by a worker that died: its report makes
			// it sent, or with none past the window the retry sends it again.
			a.status = core.SMSSending
			retry = sendErr
		default:
			a.status, a.errText = core.SMSQueued, sendErr.Error() // claimable again by the retry
			retry = sendErr
		}
		if sendErr != nil {
			x.Log.Warn("SMS not sent", "sms_id", m.ID, "kind", m.Kind, "status", a.status, "err", sendErr)
		}
		answers = append(answers, a)
	}
	// The gateway has answered: record it even if the task's ctx ended,
	// and through a dropped connection or a database restart, retrying
	// (FinishSMS changes only a message still 'sending', so a commit whose
	// answer was lost is not recorded twice, and a delivery report that
	// came first is not overwritten). Given up, a message stays 'sending'
	// as a dead worker's: settled by its report, or, with a provider that
	// gives none, failed as of unknown outcome although the carrier has it.
	wctx := context.WithoutCancel(ctx)
	if err := retrySoon(wctx, smsRecordFor, func() error {
		return core.InUnitOfWork(wctx, x.Tx, tenant, func(u core.UnitOfWork) error {
			for _, a := range answers {
				if a.status == core.SMSSending {
					continue // left to its report or the resend window
				}
				if err := x.Store.FinishSMS(wctx, u, a.m.ID, a.status, a.errText); err != nil {
					return err
				}
			}
			return nil
		})
	}); err != nil {
		x.Log.Error("SMS sent but their statuses not recorded", "messages", len(answers), "err", err)
	}
	if retry != nil {
		return retry
	}
	// Failed for good: the task ends as archived (seen in the job monitor),
	// with nothing a retry could change.
	var failed []string
	for _, a := range answers {
		if a.status == core.SMSFailed {
			failed = append(failed, a.m.ID.String()+": "+a.errText)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %d of %d texts failed: %s", asynq.SkipRetry, len(failed), len(answers), strings.Join(failed, "; "))
	}
	return nil
}

// HandleSweep is the periodic handler of TypeSMSSweep: messages committed
// as queued whose task never made it to Redis (a crash between commit and
// enqueue, or Redis' data lost) get one now.
func (x *Texts) HandleSweep(ctx context.Context, _ *asynq.Task) error {
	if x.Enqueue == nil {
		return nil
	}
	var refs []core.SMSRef
	if err := core.InUnitOfWork(ctx, x.Tx, uuid.Nil, func(u core.UnitOfWork) error {
		var err error
		refs, err = x.Store.UnsentSMS(ctx, u, smsSweepBatch, smsSweepIdle)
		return err
	}); err != nil {
		return err
	}
	if len(refs) > 0 {
		if err := x.Enqueue(ctx, refs...); err != nil {
			return err
		}
		x.Log.Info("SMS sweep enqueued messages", "messages", len(refs))
	}
	return nil
}

// LogSMS is the SMS provider of the embedded default: it sends nothing and
// writes each message to the log (and, through the caller, to the
// sms_messages table, which is its record: a core.SMSRecorder). It gives
// no delivery reports (not a core.SMSSubmitReporter): were one of its
// messages ever left 'sending', it would be failed, never resent (at
// most once).
type LogSMS struct{ Log *slog.Logger }

// RecordsSMS implements core.SMSRecorder.
func (LogSMS) RecordsSMS() {}

// Name implements core.SMSProvider.
func (LogSMS) Name() string { return "log" }

// SendSMS implements core.SMSProvider.
func (l LogSMS) SendSMS(_ context.Context, _ uuid.UUID, m *core.SMS) error {
	l.Log.Info("sms", "provider", "log", "to", m.To, "kind", m.Kind, "locale", m.Locale, "body", m.Body)
	return nil
}

// retrySoon runs fn until it succeeds or for about d, waiting 100 ms
// doubling up to 2 s between tries; it returns fn's last error.
func retrySoon(ctx context.Context, d time.Duration, fn func() error) error {
	deadline, wait := time.Now().Add(d), 100*time.Millisecond
	for {
		err := fn()
		if err == nil || time.Now().Add(wait).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}
