package jobs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// timerPayload is what work_order.urged and work_order.sla_breached carry
// that their texts need (core/outbox.go).
type timerPayload struct {
	SiteID *uuid.UUID `json:"site_id"`
	Kind   string     `json:"kind"`   // response or arrival; "" on a manual urge
	DueAt  *time.Time `json:"due_at"` // the deadline at stake; nil on a manual urge
	Note   string     `json:"note"`   // the dispatcher's words with an urge
}

// notice reads the message's payload and the order's notice facts for its
// site; nil (and no error) when there is nothing to say: a payload that
// does not parse is logged, a deleted order ignored.
func (o *Outbox) notice(ctx context.Context, u core.UnitOfWork, m core.OutboxMessage) (*core.OrderNotice, *timerPayload, error) {
	var p timerPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		o.Log.Warn("timer message with a bad payload", "outbox_id", m.ID, "type", m.Type, "err", err)
		return nil, nil, nil
	}
	n, err := o.Notes.FindOrderNotice(ctx, u, m.AggregateID, p.SiteID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	n.Facts.SLA, n.Facts.Note = p.Kind, p.Note
	if p.DueAt != nil { // the deadline the timer acted on, not the order's next one
		n.Facts.Deadline = *p.DueAt
	}
	return n, &p, nil
}

// urgeSite texts the urged site (催办) at its phone: the order and the
// deadline it is urged for.
func (o *Outbox) urgeSite(ctx context.Context, h handling, m core.OutboxMessage) error {
	n, _, err := o.notice(ctx, h.u, m)
	if n == nil || err != nil {
		return err
	}
	if n.Facts.SitePhone == "" {
		o.Log.Info("urged site has no phone to text", "outbox_id", m.ID, "work_order_id", m.AggregateID)
		return nil
	}
	return o.textPhones(ctx, h, m, core.SMSSiteUrge, n, []string{n.Facts.SitePhone})
}

// notifySLABreach texts the dispatchers whose scope covers the order's
// site (or region) that a deadline was missed.
func (o *Outbox) notifySLABreach(ctx context.Context, h handling, m core.OutboxMessage) error {
	n, p, err := o.notice(ctx, h.u, m)
	if n == nil || err != nil {
		return err
	}
	phones, err := o.Notes.FindSLADispatcherPhones(ctx, h.u, m.AggregateID, p.SiteID, core.MaxSLADispatchers)
	if err != nil {
		return err
	}
	if len(phones) == 0 {
		o.Log.Info("no dispatcher with a phone covers the order of an SLA breach", "outbox_id", m.ID,
			"work_order_id", m.AggregateID)
		return nil
	}
	return o.textPhones(ctx, h, m, core.SMSSLABreached, n, phones)
}

// textPhones queues a text of kind to each phone, each once however often
// the message is handled.
func (o *Outbox) textPhones(ctx context.Context, h handling, m core.OutboxMessage, kind string, n *core.OrderNotice, phones []string) error {
	planned := make([]plannedText, len(phones))
	for i, phone := range phones {
		planned[i] = plannedText{"sms:" + kind + ":" + phone, kind, phone}
	}
	return o.text(ctx, h, m, n.Locale, n.Facts, planned)
}
