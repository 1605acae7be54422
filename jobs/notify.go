package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
	"github.com/aftersales/aftersales/core/claim"
	"github.com/aftersales/aftersales/core/complaint"
)

// Outbox handles outbox messages. Each handler's effect is recorded in the
// same tenant transaction as the effect itself (core.EffectStore), so a
// task that runs twice has one effect. Texts are queued in that
// transaction and sent by their own tasks after it commits.
type Outbox struct {
	Tx      core.UnitsOfWork
	Effects core.EffectStore
	Notes   core.NotificationStore
	Texts   *Texts
	Clock   core.Clock
	Log     *slog.Logger
	// Webhooks fans messages out to tenants' endpoints (nil: no webhooks).
	Webhooks *Webhooks
	// Callbacks runs the tenants' callback rules on completed orders
	// (nil: none run).
	Callbacks CallbackRules
	// Complaints reads what complaint messages text and to whom (nil:
	// no complaint texts).
	Complaints complaint.NoticeStore
	// Claims drafts the warranty claim of a completed in-warranty order
	// for its site (nil: none are drafted).
	Claims ClaimDrafts
}

// ClaimDrafts drafts a completed order's claim when it qualifies
// (core/claim's Service).
type ClaimDrafts interface {
	DraftOnCompletion(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID) (*claim.Claim, error)
}

// CallbackRules runs the callback rules on a completed order, once per
// order and rule (core/callback's Service).
type CallbackRules interface {
	EvaluateOrder(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID) ([]*callback.Task, error)
}

// HandleTask is the Asynq handler of TypeOutboxMessage. A task carries
// one message or a batch of one tenant's messages (EnqueueOutbox), handled
// in one transaction; should that fail, each message is handled in its
// own, and the task is retried while any fails - harmless for those done
// (their effects are claimed once).
func (o *Outbox) HandleTask(ctx context.Context, t *asynq.Task) error {
	msgs, err := decodeOutboxTask(t.Payload())
	if err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	if len(msgs) > 1 {
		if err = o.handleBatch(ctx, msgs); err == nil {
			return nil
		}
		o.Log.Warn("outbox batch failed; handling its messages one by one", "messages", len(msgs), "err", err)
	}
	var failed []core.OutboxMessage
	retried, _ := asynq.GetRetryCount(ctx)
	for _, m := range msgs {
		if err1 := o.Handle(ctx, m); err1 != nil {
			failed, err = append(failed, m), err1
			o.Log.Warn("outbox message failed", "outbox_id", m.ID, "type", m.Type, "retried", retried, "err", err1)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	maxRetry, ok := asynq.GetMaxRetry(ctx)
	if ok && retried >= maxRetry {
		// Given up: let the orders' next messages through; the task stays
		// archived for the operator.
		for _, m := range failed {
			o.Log.Error("outbox message failed for good", "outbox_id", m.ID, "type", m.Type, "err", err)
			_ = core.InUnitOfWork(ctx, o.Tx, m.TenantID, func(u core.UnitOfWork) error { return o.Effects.MarkOutboxDone(ctx, u, m.ID) })
		}
	}
	return err
}

// handleBatch handles messages of one tenant in one transaction.
func (o *Outbox) handleBatch(ctx context.Context, msgs []core.OutboxMessage) error {
	return o.Texts.InTenant(ctx, msgs[0].TenantID, func(ctx context.Context, u core.UnitOfWork, texts *TextBatch) error {
		pre, err := o.prefetch(ctx, u, msgs)
		if err != nil {
			return err
		}
		h := handling{u: u, texts: texts, pre: pre}
		ids := make([]int64, len(msgs))
		for i, m := range msgs {
			if err := o.handleIn(ctx, h, m); err != nil {
				return err
			}
			ids[i] = m.ID
		}
		return o.Effects.MarkOutboxDone(ctx, u, ids...)
	})
}

// Handle runs the handlers of the message's type and marks it done, in one
// tenant transaction.
func (o *Outbox) Handle(ctx context.Context, m core.OutboxMessage) error {
	return o.Texts.InTenant(ctx, m.TenantID, func(ctx context.Context, u core.UnitOfWork, texts *TextBatch) error {
		if err := o.handleIn(ctx, handling{u: u, texts: texts}, m); err != nil {
			return err
		}
		return o.Effects.MarkOutboxDone(ctx, u, m.ID)
	})
}

// handling is what the handlers of one unit of work share: the unit, its
// text batch, and the facts prefetched for a batch of messages (nil: none).
type handling struct {
	u     core.UnitOfWork
	texts *TextBatch
	pre   *prefetched
}

// handleIn runs the handlers of the message's type in the unit of work of
// h; the caller marks it done.
func (o *Outbox) handleIn(ctx context.Context, h handling, m core.OutboxMessage) error {
	var err error
	switch m.Type {
	case core.OutboxWorkOrderAssigned:
		err = o.notifyAssignment(ctx, h, m)
	case core.OutboxWorkOrderCompleted:
		if err = o.askSatisfaction(ctx, h, m); err == nil && o.Callbacks != nil {
			_, err = o.Callbacks.EvaluateOrder(ctx, h.u, m.AggregateID)
		}
	case core.OutboxWorkOrderUrged:
		err = o.urgeSite(ctx, h, m)
	case core.OutboxWorkOrderSLABreached:
		err = o.notifySLABreach(ctx, h, m)
	case complaint.OutboxEscalated, complaint.OutboxBreached, complaint.OutboxProposed:
		err = o.notifyComplaint(ctx, h, m)
	}
	if err == nil && m.Type == core.OutboxWorkOrderCompleted && o.Claims != nil {
		_, err = o.Claims.DraftOnCompletion(ctx, h.u, m.AggregateID)
	}
	if err != nil {
		return err
	}
	return o.Webhooks.FanOut(ctx, h.u, m)
}

// notifyAssignment texts the technician the order and the customer who
// comes.
func (o *Outbox) notifyAssignment(ctx context.Context, h handling, m core.OutboxMessage) error {
	var f *core.AssignmentFacts
	if p := h.pre; p != nil && p.has(m.ID) {
		if f = p.facts[m.ID]; f == nil {
			return nil // the order or its technician is gone
		}
		return o.queueTexts(ctx, h, m, f.Locale, f.SMSFacts(), assignmentTexts(f), p.effects[m.ID])
	}
	tech := assignedTechnician(m)
	if tech == nil {
		if !unchangedAssignment(m) {
			o.Log.Warn("assignment message without technician", "outbox_id", m.ID)
		}
		return nil
	}
	f, err := o.Notes.FindAssignmentFacts(ctx, h.u, m.AggregateID, *tech)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	return o.text(ctx, h, m, f.Locale, f.SMSFacts(), assignmentTexts(f))
}

// plannedText is a text a message may cause, and the effect that makes it
// once: "sms:" + kind, or with the phone too where a kind goes to several.
type plannedText struct{ handler, kind, to string }

// assignmentTexts are the texts of an assignment.
func assignmentTexts(f *core.AssignmentFacts) []plannedText {
	return []plannedText{
		{"sms:" + core.SMSTechnicianAssigned, core.SMSTechnicianAssigned, f.TechnicianPhone},
		{"sms:" + core.SMSCustomerAssigned, core.SMSCustomerAssigned, f.CustomerPhone},
	}
}

// assignedTechnician reads an assignment message's technician (nil: none,
// or the same technician again, who is not texted twice).
func assignedTechnician(m core.OutboxMessage) *uuid.UUID {
	var p core.AssignedPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil || p.Unchanged() {
		return nil
	}
	return p.TechnicianID
}

// unchangedAssignment: the message gives the order back to its technician.
func unchangedAssignment(m core.OutboxMessage) bool {
	var p core.AssignedPayload
	return json.Unmarshal(m.Payload, &p) == nil && p.Unchanged()
}

// prefetched is what a batch's assignment messages need, read for the
// whole batch in two statements instead of two per message.
type prefetched struct {
	messages map[int64]bool                  // the messages prefetched for
	facts    map[int64]*core.AssignmentFacts // per message; missing: the order or technician is gone
	effects  map[int64][]string              // claimed handlers per message
}

func (p *prefetched) has(id int64) bool { return p.messages[id] }

// prefetch reads the facts of the batch's assignments and claims their
// texts' effects, in the batch's unit u; nil when fewer than two
// assignments would share them.
func (o *Outbox) prefetch(ctx context.Context, u core.UnitOfWork, msgs []core.OutboxMessage) (*prefetched, error) {
	var as []core.Assignment
	var ids []int64
	for _, m := range msgs {
		if m.Type != core.OutboxWorkOrderAssigned {
			continue
		}
		if tech := assignedTechnician(m); tech != nil {
			as, ids = append(as, core.Assignment{WorkOrderID: m.AggregateID, TechnicianID: *tech}), append(ids, m.ID)
		}
	}
	if len(as) < 2 {
		return nil, nil
	}
	found, err := o.Notes.FindAssignmentFactsBatch(ctx, u, as)
	if err != nil {
		return nil, err
	}
	effects, err := o.Effects.ClaimEffectsBatch(ctx, u, ids, []string{"sms:" + core.SMSTechnicianAssigned, "sms:" + core.SMSCustomerAssigned})
	if err != nil {
		return nil, err
	}
	p := &prefetched{messages: make(map[int64]bool, len(ids)), facts: make(map[int64]*core.AssignmentFacts, len(ids)), effects: effects}
	for i, id := range ids {
		p.messages[id], p.facts[id] = true, found[as[i]]
	}
	return p, nil
}

// askSatisfaction texts the customer of a completed order the satisfaction
// question, answered with one digit (SMSGateway.ReceiveSMS).
func (o *Outbox) askSatisfaction(ctx context.Context, h handling, m core.OutboxMessage) error {
	f, err := o.Notes.FindCompletionFacts(ctx, h.u, m.AggregateID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	return o.text(ctx, h, m, f.Locale, f.SMSFacts(), []plannedText{
		{"sms:" + core.SMSCustomerSatisfaction, core.SMSCustomerSatisfaction, f.CustomerPhone}})
}

// text queues the planned texts that have a phone to go to, each once
// however often the message is handled.
func (o *Outbox) text(ctx context.Context, h handling, m core.OutboxMessage, locale string, facts core.SMSFacts, planned []plannedText) error {
	var handlers []string
	for _, p := range planned {
		if p.to != "" {
			handlers = append(handlers, p.handler)
		}
	}
	claimed, err := o.Effects.ClaimEffects(ctx, h.u, m.ID, handlers)
	if err != nil {
		return err
	}
	return o.queueTexts(ctx, h, m, locale, facts, planned, claimed)
}

// queueTexts queues each planned text whose effect is among those claimed
// and that has a phone to go to.
func (o *Outbox) queueTexts(ctx context.Context, h handling, m core.OutboxMessage, locale string, facts core.SMSFacts, planned []plannedText,
	claimed []string) error {
	order, id := m.AggregateID, m.ID
	for _, p := range planned {
		if p.to == "" || !slices.Contains(claimed, p.handler) {
			continue
		}
		if err := h.texts.Queue(ctx, Text{Kind: p.kind, To: p.to, Locale: locale, Facts: facts,
			WorkOrderID: &order, OutboxID: &id}); err != nil {
			return err
		}
	}
	return nil
}
