package jobs

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

// complaintPayload is what a complaint message carries that its texts
// need (core/complaint's payload).
type complaintPayload struct {
	Notify []string `json:"notify"`
	Level  int      `json:"escalation_level"` // when the message was written
}

// notifyComplaint texts what a complaint message asks: at each escalation
// step (breached included), the managers the step notifies, the
// responsible unit's first; when a resolution is proposed, the customer,
// who answers 1 or 2 (messaging's ReceiveSMS). Each text once however
// often the message is handled.
func (o *Outbox) notifyComplaint(ctx context.Context, h handling, m core.OutboxMessage) error {
	if o.Complaints == nil {
		return nil
	}
	var p complaintPayload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		o.Log.Warn("complaint message with a bad payload", "outbox_id", m.ID, "type", m.Type, "err", err)
		return nil
	}
	n, err := o.Complaints.FindComplaintNotice(ctx, h.u, m.AggregateID, p.Notify, complaint.MaxNotified)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	n.Facts.Level = p.Level // the step of this message, not the case's latest
	var planned []plannedText
	switch m.Type {
	case complaint.OutboxProposed:
		planned = append(planned, plannedText{"sms:" + core.SMSComplaintConfirm, core.SMSComplaintConfirm, n.CustomerPhone})
	default:
		for _, phone := range n.ManagerPhones {
			planned = append(planned, plannedText{"sms:" + core.SMSComplaintEscalated + ":" + phone, core.SMSComplaintEscalated, phone})
		}
		if len(planned) == 0 {
			o.Log.Info("no manager with a phone to text of a complaint's escalation", "outbox_id", m.ID, "complaint_id", m.AggregateID)
		}
	}
	var handlers []string
	for _, t := range planned {
		if t.to != "" {
			handlers = append(handlers, t.handler)
		}
	}
	claimed, err := o.Effects.ClaimEffects(ctx, h.u, m.ID, handlers)
	if err != nil {
		return err
	}
	id := m.ID
	for _, t := range planned {
		if t.to == "" || !slices.Contains(claimed, t.handler) {
			continue
		}
		if err := h.texts.Queue(ctx, Text{Kind: t.kind, To: t.to, Locale: n.Locale, Facts: n.Facts, OutboxID: &id}); err != nil {
			return err
		}
	}
	return nil
}
