package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
)

// Outbox handles outbox messages. Each handler's effect is recorded in the
// same tenant transaction as the effect itself (core.EffectStore), so a
// task that runs twice has one effect.
type Outbox struct {
	Tx      core.TenantTx
	Effects core.EffectStore
	Notes   core.NotificationStore
	SMS     core.SMSProvider
	Clock   core.Clock
	Log     *slog.Logger
	// Webhooks fans messages out to tenants' endpoints (nil: no webhooks).
	Webhooks *Webhooks
}

// HandleTask is the Asynq handler of TypeOutboxMessage.
func (o *Outbox) HandleTask(ctx context.Context, t *asynq.Task) error {
	var m core.OutboxMessage
	if err := json.Unmarshal(t.Payload(), &m); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	err := o.Handle(ctx, m)
	if err == nil {
		return nil
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, ok := asynq.GetMaxRetry(ctx)
	if ok && retried >= maxRetry {
		// Given up: let the order's next messages through; the task stays
		// archived for the operator.
		o.Log.Error("outbox message failed for good", "outbox_id", m.ID, "type", m.Type, "err", err)
		_ = o.Tx.InTenant(ctx, m.TenantID, func(ctx context.Context) error { return o.Effects.MarkOutboxDone(ctx, m.ID) })
	}
	return err
}

// Handle runs every handler of the message and marks it done, in one
// tenant transaction.
func (o *Outbox) Handle(ctx context.Context, m core.OutboxMessage) error {
	return o.Tx.InTenant(ctx, m.TenantID, func(ctx context.Context) error {
		if m.Type == core.OutboxWorkOrderAssigned {
			if err := o.notifyAssignment(ctx, m); err != nil {
				return err
			}
		}
		if err := o.Webhooks.FanOut(ctx, m); err != nil {
			return err
		}
		return o.Effects.MarkOutboxDone(ctx, m.ID)
	})
}

// notifyAssignment texts the technician the order and the customer who
// comes.
func (o *Outbox) notifyAssignment(ctx context.Context, m core.OutboxMessage) error {
	var p struct {
		TechnicianID *uuid.UUID `json:"technician_id"`
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || p.TechnicianID == nil {
		o.Log.Warn("assignment message without technician", "outbox_id", m.ID)
		return nil
	}
	f, err := o.Notes.FindAssignmentFacts(ctx, m.AggregateID, *p.TechnicianID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	texts := map[string]string{"sms:" + core.SMSTechnicianAssigned: f.TechnicianPhone, "sms:" + core.SMSCustomerAssigned: f.CustomerPhone}
	var handlers []string
	for h, to := range texts {
		if to != "" {
			handlers = append(handlers, h)
		}
	}
	claimed, err := o.Effects.ClaimEffects(ctx, m.ID, handlers)
	if err != nil {
		return err
	}
	for _, h := range claimed {
		if err := o.send(ctx, m, strings.TrimPrefix(h, "sms:"), texts[h], f.Locale, f); err != nil {
			return err
		}
	}
	return nil
}

// send renders and sends one SMS of kind for the message, and records it.
func (o *Outbox) send(ctx context.Context, m core.OutboxMessage, kind, to, locale string, facts any) error {
	body, err := core.RenderSMS(kind, locale, facts)
	if err != nil {
		return err
	}
	order, id := m.AggregateID, m.ID
	sms := &core.SMS{ID: uuid.New(), WorkOrderID: &order, OutboxID: &id, Kind: kind, To: to, Locale: locale, Body: body,
		Provider: o.SMS.Name(), Status: core.SMSQueued}
	if err := o.SMS.SendSMS(ctx, sms); err != nil {
		return err
	}
	now := o.Clock.Now()
	sms.Status, sms.SentAt = core.SMSSent, &now
	return o.Notes.SaveSMS(ctx, sms)
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
