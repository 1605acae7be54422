package messaging

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// DeliveryReport applies the gateway's report of type typ (Kannel's %d)
// for a message of a tenant: delivered or failed. Any report, even an
// intermediate one (buffered, SMSC submit), proves the gateway handed the
// message to its carrier, so a message still 'sending' becomes at least
// sent: its send task's record of the gateway's answer then changes
// nothing (core.SMSStore.FinishSMS changes only a message 'sending'), and
// a send task finding it after its worker died does not send it again
// (ClaimForSending). Intermediate reports on a sent message, reports
// after the final status and duplicates change nothing. A report may
// overtake the send task's record (a fast carrier): the timeline says sent
// before it says delivered. ENOTFOUND for an unknown message, EINVALID for
// an unknown type. Called by the gateway endpoint.
func (s *Service) DeliveryReport(ctx context.Context, tenantID, id uuid.UUID, typ int, detail string) error {
	status, err := core.DLRStatus(typ)
	if err != nil {
		return err
	}
	return core.InUnitOfWork(ctx, s.units, tenantID, func(u core.UnitOfWork) error {
		repo := s.store.Messaging(u)
		m, err := repo.LockOutgoingSMS(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case m.Status == core.SMSSending && status == "":
			status = core.SMSSent // it reached the carrier
		case m.Status == core.SMSSending, m.Status == core.SMSSent && status != "":
		default:
			return nil // intermediate on a sent message, or final already
		}
		errText := ""
		if status == core.SMSFailed {
			errText = "delivery report: " + detail
		}
		now := s.now()
		repo.SetSMSStatus(id, status, errText, now)
		if m.WorkOrderID == nil {
			return nil
		}
		if m.Status == core.SMSSending && status != core.SMSSent {
			repo.AppendSMSStatusEvent(m, core.SMSSent, "", now)
		}
		repo.AppendSMSStatusEvent(m, status, errText, now)
		return nil
	})
}

// maxHelpRepliesPerHour caps the help texts to one phone: a phone that
// answers every text automatically must not start an endless exchange.
const maxHelpRepliesPerHour = 5

// ReceiveSMS handles a text from a phone to a number: a technician's
// command, a customer's score, or anything else. The text is stored with
// what became of it; a text that is not understood, from an unknown phone,
// or refused by the state machine is answered with the help text (a few
// an hour per phone). ENOTFOUND when no tenant has the number; EINVALID
// when the sender is not a phone number. Called by the gateway endpoint.
func (s *Service) ReceiveSMS(ctx context.Context, from, to, text string) error {
	tenant, err := s.FindTenantBySMSNumber(ctx, to)
	if err != nil {
		return err
	}
	phone, err := core.NormalizePhone(from, core.DefaultPhoneCountry)
	if err != nil {
		return core.FieldError("from", "%s", core.ErrorMessage(err))
	}
	in := &core.SMS{ID: uuid.New(), Direction: core.SMSIn, Kind: "inbound", From: phone, To: to, Body: text,
		Provider: s.texts.ProviderName(), Status: core.SMSReceived}
	in.Encoding, in.Segments = core.SMSSegments(text)
	var locale string
	err = core.InUnitOfWork(ctx, s.units, tenant, func(u core.UnitOfWork) error {
		repo := s.store.Messaging(u)
		snd, err := repo.FindSMSSender(ctx, phone)
		if err != nil {
			return err
		}
		locale = snd.Locale
		in.Locale = core.SMSLocale(locale)
		order, err := s.act(ctx, u, snd, text)
		if err != nil {
			return err
		}
		in.WorkOrderID = order
		repo.SaveInboundSMS(in)
		return nil
	})
	if code := core.ErrorCode(err); code == core.EINTERNAL || code == "" {
		return err
	}
	// Refused: the action rolled back; keep the text and answer it.
	reason := core.ErrorMessage(err)
	s.log.Info("inbound SMS refused; sending help", "tenant", tenant, "from", phone, "reason", reason)
	in.Error = reason
	return core.InUnitOfWork(ctx, s.units, tenant, func(u core.UnitOfWork) error {
		repo := s.store.Messaging(u)
		repo.SaveInboundSMS(in)
		n, err := repo.CountRecentSMS(ctx, core.SMSHelpReply, phone, time.Hour)
		if err != nil {
			return err
		}
		if n >= maxHelpRepliesPerHour {
			s.log.Warn("help replies to this phone capped", "tenant", tenant, "from", phone)
			return nil
		}
		return s.texts.QueueText(ctx, u, Text{Kind: core.SMSHelpReply, To: phone, Locale: locale,
			Facts: core.SMSFacts{Reason: reason}})
	})
}

// FindTenantBySMSNumber returns the tenant whose number is the longest
// prefix of the number an inbound text was sent to (carriers append
// extension digits to a long number), digits only, in a platform unit of
// its own. ENOTFOUND when no tenant has such a number.
func (s *Service) FindTenantBySMSNumber(ctx context.Context, number string) (uuid.UUID, error) {
	notFound := core.Errorf(core.ENOTFOUND, "no tenant receives texts on %q", number)
	candidates := core.SMSNumberPrefixes(number)
	if candidates == nil {
		return uuid.Nil, notFound
	}
	var tenant uuid.UUID
	err := core.InUnitOfWork(ctx, s.units, uuid.Nil, func(u core.UnitOfWork) error {
		var err error
		tenant, err = s.store.Messaging(u).FindTenantBySMSNumber(ctx, candidates)
		return err
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		return uuid.Nil, notFound
	}
	return tenant, err
}

// smsCommands maps reply kinds to work-order actions.
var smsCommands = map[string]string{core.ReplyAccept: core.ActionAccept, core.ReplyArrived: core.ActionArrive,
	core.ReplyDone: core.ActionComplete}

// openStates are those of orders a technician is working on: a command
// without an order number acts on the technician's only one.
var openStates = []string{core.StateAssigned, core.StateAccepted, core.StateEnRoute, core.StateOnSite,
	core.StateWaitingParts, core.StateInWorkshop}

// scoredStates are those of completed orders a customer may score.
var scoredStates = []string{core.StateCompleted, core.StateConfirmed, core.StateClosed}

// act carries out a parsed text in the tenant's unit and returns the order
// it concerned. Its core errors are refusals, answered with help.
func (s *Service) act(ctx context.Context, u core.UnitOfWork, snd *core.SMSSender, text string) (*uuid.UUID, error) {
	if s.surveys != nil && snd.CustomerID != nil {
		// A running SMS survey's question was the customer's last text:
		// digits (or words) answer it.
		handled, order, err := s.surveys.AnswerSurveyBySMS(ctx, u, *snd.CustomerID, text, "sms:"+snd.Phone)
		if err != nil || handled {
			return order, err
		}
	}
	set, err := s.SMSSettings(ctx, u)
	if err != nil {
		return nil, err
	}
	r, err := core.ParseSMSReply(text, set.Keywords())
	if err != nil {
		return nil, err
	}
	actor := "sms:" + snd.Phone
	if r.Kind == core.ReplySatisfaction && s.complaints != nil && snd.CustomerID != nil {
		// 1 or 2 answers a complaint's proposed resolution when one of
		// the customer's awaits an answer; else it is a score.
		handled, err := s.complaints.AnswerBySMS(ctx, u, *snd.CustomerID, r.Score, actor)
		if err != nil || handled {
			return nil, err
		}
	}
	if r.Kind == core.ReplySatisfaction {
		return s.score(ctx, u, set, snd, r.Score, actor)
	}
	if snd.TechnicianID == nil {
		return nil, core.Errorf(core.ENOTFOUND, "this phone is not a technician's")
	}
	ids, err := s.store.Messaging(u).FindTechnicianOrders(ctx, *snd.TechnicianID, r.OrderNumber, openStates, 2)
	if err != nil {
		return nil, err
	}
	if len(ids) != 1 {
		if r.OrderNumber == "" {
			return nil, core.Errorf(core.ENOTFOUND, "no single open order; give the order number")
		}
		return nil, core.Errorf(core.ENOTFOUND, "order %s is not assigned to you", r.OrderNumber)
	}
	id := ids[0]
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
	if _, err := s.workOrders.Act(ctx, u, id, act, actor); err != nil {
		return nil, err
	}
	return &id, nil
}

// score records a customer's satisfaction score on the latest completed
// order that was asked for one and has none; a low score opens a
// follow-up for the call centre.
func (s *Service) score(ctx context.Context, u core.UnitOfWork, set *core.SMSSettings, snd *core.SMSSender, score int, actor string) (*uuid.UUID, error) {
	if snd.CustomerID == nil {
		return nil, core.Errorf(core.ENOTFOUND, "this phone is not a customer's")
	}
	repo := s.store.Messaging(u)
	w, err := repo.LockOrderAwaitingScore(ctx, *snd.CustomerID, scoredStates, core.SMSCustomerSatisfaction)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.Errorf(core.ENOTFOUND, "completed order awaiting a score not found")
	} else if err != nil {
		return nil, err
	}
	repo.RecordSatisfaction(w.ID, score, actor, s.now())
	if set.IsLowScore(score) {
		if _, err := s.openFollowUp(ctx, repo, w, core.FollowUpLowSatisfaction, &score); err != nil {
			return nil, err
		}
	}
	return &w.ID, nil
}
