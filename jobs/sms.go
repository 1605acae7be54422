package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
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
	// came back; it may have been sent, so it is not sent again.
	ErrSMSOutcomeUnknown = errors.New("SMS gateway outcome unknown")
)

const (
	smsMaxRetry = 10
	// smsStuckAfter is how long a message may stay 'sending' before a task
	// takes its worker for dead; well above a provider's request timeout.
	smsStuckAfter = time.Minute
	// smsSweepIdle is how long a due message may wait without being touched
	// before the sweep enqueues it again.
	smsSweepIdle  = 30 * time.Second
	smsSweepBatch = 500
)

// Texts queues text messages in the transaction of their cause and sends
// each by its own task after the commit (at most once to the gateway).
type Texts struct {
	Tx       core.TenantTx
	Store    core.SMSStore
	Settings core.SMSSettingsStore // nil: DefaultSMSSettings for every tenant
	Provider core.SMSProvider
	Limiter  *RateLimiter // nil: no per-tenant rate limit
	Clock    core.Clock
	Log      *slog.Logger
	// Enqueue puts a send task on the queue (EnqueueSMS with a client);
	// nil: messages stay queued for the sweep (tests).
	Enqueue func(context.Context, core.SMSRef) error

	cache settingsCache
}

// textBatch collects, per tenant transaction, the tenant's settings (read
// once) and the messages to enqueue once it commits.
type textBatch struct {
	settings *core.SMSSettings
	loc      *time.Location
	refs     []core.SMSRef
}

type textBatchKey struct{}

// batchOf returns the batch of the transaction (Texts.InTenant); outside
// one, a throwaway batch: its messages are left to the sweep.
func batchOf(ctx context.Context) *textBatch {
	b, _ := ctx.Value(textBatchKey{}).(*textBatch)
	if b == nil {
		b = &textBatch{}
	}
	return b
}

// settings returns the tenant's SMS settings, read once per batch.
func (x *Texts) settings(ctx context.Context, b *textBatch) (*core.SMSSettings, *time.Location, error) {
	if b.settings != nil {
		return b.settings, b.loc, nil
	}
	tenant, now := tenantIDOf(ctx), time.Now()
	s := x.cache.get(tenant, now)
	if s == nil {
		d := core.DefaultSMSSettings()
		s = &d
		if x.Settings != nil {
			got, err := x.Settings.FindSMSSettings(ctx)
			if err != nil {
				return nil, nil, err
			}
			s = got
		}
		x.cache.put(tenant, s, now)
	}
	b.settings, b.loc = s, s.Location()
	return b.settings, b.loc, nil
}

// Text is one notification to queue.
type Text struct {
	Kind        string
	To          string
	Locale      string
	Facts       core.SMSFacts
	WorkOrderID *uuid.UUID
	OutboxID    *int64
}

// Queue composes and records a text in the tenant transaction of ctx:
// nothing when the tenant has the kind off; failed at once when the phone
// cannot receive texts; else queued, held through the quiet hours for
// customers. Texts.InTenant enqueues the send task after the commit.
func (x *Texts) Queue(ctx context.Context, t Text) error {
	b := batchOf(ctx)
	s, loc, err := x.settings(ctx, b)
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
	if now := x.Clock.Now(); s.SendAt(t.Kind, now, loc).After(now) {
		m.SendAfter = s.SendAt(t.Kind, now, loc) // held through the quiet hours; zero: at once
	}
	m.Encoding, m.Segments = core.SMSSegments(body)
	if m.To, err = core.SMSRecipient(t.To); err != nil {
		m.To, m.Status, m.Error = t.To, core.SMSFailed, core.ErrorMessage(err)
	}
	ref := core.SMSRef{TenantID: tenantIDOf(ctx), ID: m.ID, Kind: m.Kind, SendAfter: m.SendAfter}
	if err := x.Store.QueueSMS(ctx, m); err != nil {
		return err
	}
	if m.Status == core.SMSQueued {
		b.refs = append(b.refs, ref)
	}
	return nil
}

// InTenant runs fn in a tenant transaction whose queued texts are
// enqueued once it commits. A failed enqueue is left to the sweep: the
// message is committed as queued, so it is never lost.
func (x *Texts) InTenant(ctx context.Context, tenantID uuid.UUID, fn func(ctx context.Context) error) error {
	b := &textBatch{}
	err := x.Tx.InTenant(context.WithValue(withTenantID(ctx, tenantID), textBatchKey{}, b), tenantID, func(ctx context.Context) error {
		*b = textBatch{} // a retried transaction starts afresh
		return fn(ctx)
	})
	if err != nil || x.Enqueue == nil {
		return err
	}
	for _, r := range b.refs {
		if err := x.Enqueue(ctx, r); err != nil {
			x.Log.Warn("SMS task not enqueued; the sweep will", "sms_id", r.ID, "err", err)
		}
	}
	return nil
}

type tenantIDKey struct{}

func withTenantID(ctx context.Context, id uuid.UUID) context.Context {
	return context.WithValue(ctx, tenantIDKey{}, id)
}

func tenantIDOf(ctx context.Context) uuid.UUID {
	id, _ := ctx.Value(tenantIDKey{}).(uuid.UUID)
	return id
}

// EnqueueSMS puts a message's send task on its queue (technician texts on
// critical), due when the message may go out. The task ID is the
// message's, so enqueueing twice makes one task.
func EnqueueSMS(ctx context.Context, client *asynq.Client, r core.SMSRef) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	queue := "default"
	if core.SMSAudience(r.Kind) == core.SMSToTechnician {
		queue = "critical"
	}
	opts := []asynq.Option{asynq.TaskID("sms-" + r.ID.String()), asynq.Queue(queue), asynq.MaxRetry(smsMaxRetry)}
	if time.Until(r.SendAfter) > 0 {
		opts = append(opts, asynq.ProcessAt(r.SendAfter))
	}
	_, err = client.EnqueueContext(ctx, asynq.NewTask(TypeSMSSend, raw), opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// errRateLimited asks Asynq to run the task again later without counting
// a retry (see isFailure).
type errRateLimited struct{ wait time.Duration }

func (e errRateLimited) Error() string {
	return fmt.Sprintf("tenant SMS rate limit: retry in %s", e.wait)
}

// HandleSend is the handler of TypeSMSSend: claim (sending), call the
// gateway outside any transaction, record the answer.
func (x *Texts) HandleSend(ctx context.Context, t *asynq.Task) error {
	var r core.SMSRef
	if err := json.Unmarshal(t.Payload(), &r); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	var m *core.SMS
	var from string
	err := x.Tx.InTenant(withTenantID(ctx, r.TenantID), r.TenantID, func(ctx context.Context) error {
		s, _, err := x.settings(ctx, &textBatch{})
		if err != nil {
			return err
		}
		if x.Limiter != nil {
			if wait, ok := x.Limiter.Allow(ctx, r.TenantID, s.RatePerMinute); !ok {
				return errRateLimited{wait}
			}
		}
		from = s.Number
		m, err = x.Store.ClaimSMS(ctx, r.ID, smsStuckAfter)
		return err
	})
	switch {
	case core.ErrorCode(err) == core.ENOTFOUND:
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	case err != nil || m == nil:
		return err
	}
	m.From = from
	sendErr := x.Provider.SendSMS(withTenantID(ctx, r.TenantID), m)
	status, errText := core.SMSSent, ""
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, inTask := asynq.GetMaxRetry(ctx)
	switch {
	case sendErr == nil:
	case errors.Is(sendErr, ErrSMSRejected), errors.Is(sendErr, ErrSMSOutcomeUnknown), inTask && retried >= maxRetry:
		status, errText = core.SMSFailed, sendErr.Error()
		sendErr = fmt.Errorf("%w: %v", asynq.SkipRetry, sendErr)
	default:
		status, errText = core.SMSQueued, sendErr.Error() // claimable again by the retry
	}
	// The gateway has answered: record it even if the task's ctx ended.
	if err := x.Tx.InTenant(context.WithoutCancel(ctx), r.TenantID, func(ctx context.Context) error {
		return x.Store.FinishSMS(ctx, m.ID, status, errText)
	}); err != nil {
		x.Log.Error("SMS sent but its status not recorded", "sms_id", m.ID, "status", status, "err", err)
	}
	if sendErr != nil {
		x.Log.Warn("SMS not sent", "sms_id", m.ID, "kind", m.Kind, "status", status, "err", sendErr)
	}
	return sendErr
}

// HandleSweep is the periodic handler of TypeSMSSweep: messages committed
// as queued whose task never made it to Redis (a crash between commit and
// enqueue, or Redis' data lost) get one now.
func (x *Texts) HandleSweep(ctx context.Context, _ *asynq.Task) error {
	if x.Enqueue == nil {
		return nil
	}
	var refs []core.SMSRef
	if err := x.Tx.InPlatform(ctx, func(ctx context.Context) error {
		var err error
		refs, err = x.Store.UnsentSMS(ctx, smsSweepBatch, smsSweepIdle)
		return err
	}); err != nil {
		return err
	}
	for _, r := range refs {
		if err := x.Enqueue(ctx, r); err != nil {
			return err
		}
	}
	if len(refs) > 0 {
		x.Log.Info("SMS sweep enqueued messages", "messages", len(refs))
	}
	return nil
}

// LogSMS is the SMS provider of the embedded default: it sends nothing and
// writes each message to the log (and, through the caller, to the
// sms_messages table).
type LogSMS struct{ Log *slog.Logger }

// Name implements core.SMSProvider.
func (LogSMS) Name() string { return "log" }

// SendSMS implements core.SMSProvider.
func (l LogSMS) SendSMS(_ context.Context, m *core.SMS) error {
	l.Log.Info("sms", "provider", "log", "to", m.To, "kind", m.Kind, "locale", m.Locale, "body", m.Body)
	return nil
}
