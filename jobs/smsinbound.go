package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/workorder"
)

// SMSGateway handles what the SMS gateway calls back with: delivery
// reports and inbound texts (core.SMSGatewayService).
type SMSGateway struct {
	Texts      *Texts
	Numbers    core.SMSSettingsStore // FindTenantBySMSNumber
	Replies    core.SMSReplyStore
	WorkOrders *workorder.Service
	FollowUps  core.FollowUpService
	Log        *slog.Logger
}

// DeliveryReport implements core.SMSGatewayService.
func (g *SMSGateway) DeliveryReport(ctx context.Context, tenantID, id uuid.UUID, typ int, detail string) error {
	status, err := core.DLRStatus(typ)
	if err != nil {
		return err
	}
	return g.Texts.Tx.InTenant(ctx, tenantID, func(ctx context.Context) error {
		return g.Texts.Store.ReportSMS(ctx, id, status, detail)
	})
}

// smsCommands maps reply kinds to work-order actions.
var smsCommands = map[string]string{core.ReplyAccept: core.ActionAccept, core.ReplyArrived: core.ActionArrive,
	core.ReplyDone: core.ActionComplete}

// ReceiveSMS implements core.SMSGatewayService. The text is stored with
// what became of it; a text that is not understood, from an unknown
// phone, or refused by the state machine is answered with the help text.
func (g *SMSGateway) ReceiveSMS(ctx context.Context, from, to, text string) error {
	var tenant uuid.UUID
	if err := g.Texts.Tx.InPlatform(ctx, func(ctx context.Context) error {
		var err error
		tenant, err = g.Numbers.FindTenantBySMSNumber(ctx, to)
		return err
	}); err != nil {
		return err
	}
	phone, err := core.NormalizePhone(from, core.DefaultPhoneCountry)
	if err != nil {
		return core.FieldError("from", "%s", core.ErrorMessage(err))
	}
	in := &core.SMS{ID: uuid.New(), Direction: core.SMSIn, Kind: "inbound", From: phone, To: to, Body: text,
		Provider: g.Texts.Provider.Name(), Status: core.SMSReceived}
	in.Encoding, in.Segments = core.SMSSegments(text)
	var locale string
	err = g.Texts.InTenant(ctx, tenant, func(ctx context.Context, u core.UnitOfWork, texts *TextBatch) error {
		snd, err := g.Replies.FindSMSSender(ctx, phone)
		if err != nil {
			return err
		}
		locale = snd.Locale
		in.Locale = core.SMSLocale(locale)
		order, err := g.act(ctx, u, texts, snd, text)
		if err != nil {
			return err
		}
		in.WorkOrderID = order
		return g.Texts.Store.SaveInboundSMS(ctx, in)
	})
	if code := core.ErrorCode(err); code == core.EINTERNAL || code == "" {
		return err
	}
	// Refused: the action rolled back; keep the text and answer it.
	reason := core.ErrorMessage(err)
	g.Log.Info("inbound SMS refused; sending help", "tenant", tenant, "from", phone, "reason", reason)
	in.Error = reason
	return g.Texts.InTenant(ctx, tenant, func(ctx context.Context, _ core.UnitOfWork, texts *TextBatch) error {
		if err := g.Texts.Store.SaveInboundSMS(ctx, in); err != nil {
			return err
		}
		// A phone that answers every text automatically must not start an
		// endless exchange: a few help replies an hour, then silence.
		n, err := g.Texts.Store.CountRecentSMS(ctx, core.SMSHelpReply, phone, time.Hour)
		if err != nil || n >= maxHelpRepliesPerHour {
			if n >= maxHelpRepliesPerHour {
				g.Log.Warn("help replies to this phone capped", "tenant", tenant, "from", phone)
			}
			return err
		}
		return texts.Queue(ctx, Text{Kind: core.SMSHelpReply, To: phone, Locale: locale,
			Facts: core.SMSFacts{Reason: reason}})
	})
}

// maxHelpRepliesPerHour caps the help texts to one phone.
const maxHelpRepliesPerHour = 5

// act carries out a parsed text in the tenant transaction and returns the
// order it concerned. Its core errors are refusals, answered with help.
func (g *SMSGateway) act(ctx context.Context, u core.UnitOfWork, texts *TextBatch, snd *core.SMSSender, text string) (*uuid.UUID, error) {
	s, _, err := texts.Settings(ctx)
	if err != nil {
		return nil, err
	}
	r, err := core.ParseSMSReply(text, s.Keywords())
	if err != nil {
		return nil, err
	}
	actor := "sms:" + snd.Phone
	if r.Kind == core.ReplySatisfaction {
		if snd.CustomerID == nil {
			return nil, core.Errorf(core.ENOTFOUND, "this phone is not a customer's")
		}
		w, err := g.Replies.RecordSatisfaction(ctx, *snd.CustomerID, r.Score, actor)
		if err != nil {
			return nil, err
		}
		if s.IsLowScore(r.Score) {
			if _, err := g.FollowUps.OpenFollowUp(ctx, w.ID, core.FollowUpLowSatisfaction, &r.Score); err != nil {
				return nil, err
			}
		}
		return &w.ID, nil
	}
	if snd.TechnicianID == nil {
		return nil, core.Errorf(core.ENOTFOUND, "this phone is not a technician's")
	}
	id, err := g.Replies.FindTechnicianOrder(ctx, *snd.TechnicianID, r.OrderNumber)
	if err != nil {
		return nil, err
	}
	if snd.UserID != nil {
		actor = core.UserSubject(*snd.UserID)
	}
	act := core.ActionInput{Action: smsCommands[r.Kind], TechnicianID: snd.TechnicianID}
	if act.Action == core.ActionArrive {
		act.Lat, act.Lon = snd.Lat, snd.Lon // the last known location
	}
	if act.Action == core.ActionComplete {
		return nil, core.Errorf(core.EINVALID, "completing needs the service record; complete order %s in the app", r.OrderNumber)
	}
	if _, err := g.WorkOrders.Act(ctx, u, id, act, actor); err != nil {
		return nil, err
	}
	return &id, nil
}
