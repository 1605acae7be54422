package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/google/uuid"
)

// More SMS statuses. A message goes queued → sending → sent → delivered or
// failed; sending is the claim taken before the gateway is called, so a
// task that runs again never sends twice. Inbound texts are received.
const (
	SMSSending  = "sending"
	SMSReceived = "received"
)

// SMS directions.
const (
	SMSOut = "out"
	SMSIn  = "in"
)

// SMSUnknownOutcome is the error of a message whose worker stopped while
// handing it to the gateway: it may or may not have gone out, and it is
// not sent again (at most once: a second text is worse than none, and the
// timeline shows the failure to the dispatcher).
const SMSUnknownOutcome = "outcome unknown: the worker stopped while handing the message to the gateway; not resent to avoid a duplicate"

// Kannel delivery report types (dlr-mask bits, the %d of a dlr-url).
const (
	DLRDelivered   = 1
	DLRFailed      = 2
	DLRBuffered    = 4
	DLRSMSCSubmit  = 8
	DLRSMSCReject  = 16
	DLRMaskAllBits = 31
)

// DLRStatus maps a delivery report type to the message status it moves to:
// "" for intermediate reports (buffered, submitted), which change nothing.
// EINVALID for a type that is not one of the five.
func DLRStatus(typ int) (string, error) {
	switch typ {
	case DLRDelivered:
		return SMSDelivered, nil
	case DLRFailed, DLRSMSCReject:
		return SMSFailed, nil
	case DLRBuffered, DLRSMSCSubmit:
		return "", nil
	}
	return "", FieldError("type", "unknown delivery report type %d (1, 2, 4, 8 or 16)", typ)
}

// SMSRef names one message of a tenant, for the send task and the sweep.
type SMSRef struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	ID        uuid.UUID `json:"id"`
	Kind      string    `json:"kind"`
	SendAfter time.Time `json:"send_after"`
}

// SMSStore keeps messages and their statuses. Methods run in the tenant
// transaction of ctx unless they say otherwise. Every status change of a
// message about a work order appends an sms_status event to its timeline.
type SMSStore interface {
	// QueueSMS records an outgoing message (queued, or failed with Error
	// when it cannot be sent, e.g. a landline). Called by the outbox
	// handler and the inbound handler; the send task is enqueued after
	// the commit.
	QueueSMS(ctx context.Context, m *SMS) error
	// ClaimSMS moves a queued message to sending and returns it, for the
	// send task to hand to the gateway after the commit. Nil (and no
	// error) when there is nothing to send: already sent, delivered or
	// failed, or sending for longer than stuckAfter (its worker died;
	// the message is marked failed with SMSUnknownOutcome). ECONFLICT when
	// another task is sending it right now; ENOTFOUND when it is gone.
	ClaimSMS(ctx context.Context, id uuid.UUID, stuckAfter time.Duration) (*SMS, error)
	// MarkSMSSent moves the queued messages among ids straight to sent and
	// returns them (for an SMSRecorder provider); others are left alone.
	MarkSMSSent(ctx context.Context, ids []uuid.UUID) ([]*SMS, error)
	// FinishSMS records the gateway's answer for a message being sent:
	// sent, failed (errText says why), or queued again to be retried
	// (status SMSQueued). It changes nothing unless the message is
	// sending (a delivery report may have overtaken it).
	FinishSMS(ctx context.Context, id uuid.UUID, status, errText string) error
	// ReportSMS applies a delivery report: status delivered or failed.
	// Reports after the final status, and duplicates, change nothing.
	// ENOTFOUND for an unknown outgoing message. Called by the gateway
	// endpoint.
	ReportSMS(ctx context.Context, id uuid.UUID, status, detail string) error
	// SaveInboundSMS records a received text (Direction SMSIn). Called by
	// the inbound handler.
	SaveInboundSMS(ctx context.Context, m *SMS) error
	// CountRecentSMS counts the outgoing texts of kind to a phone created
	// within the last period. Called by the inbound handler to cap its
	// help replies.
	CountRecentSMS(ctx context.Context, kind, to string, within time.Duration) (int, error)
	// UnsentSMS lists, across tenants, messages that should have a send
	// task: queued and due, or sending, untouched for idle. It runs in a
	// platform transaction (TenantTx.InPlatform). Called by the sweep.
	UnsentSMS(ctx context.Context, limit int, idle time.Duration) ([]SMSRef, error)
}

// SMSSender is who wrote an inbound text, as the tenant knows the phone.
type SMSSender struct {
	Phone        string
	TechnicianID *uuid.UUID
	UserID       *uuid.UUID // the technician's login, for the actor of actions
	Lat, Lon     *float64   // the technician's last known location
	CustomerID   *uuid.UUID
	Locale       string // the tenant's
}

// SMSReplyStore finds what inbound texts refer to. Methods run in the
// tenant transaction of ctx.
type SMSReplyStore interface {
	// FindSMSSender looks the phone up among technicians and customers.
	FindSMSSender(ctx context.Context, phone string) (*SMSSender, error)
	// FindTechnicianOrder returns the ID of the order with number that is
	// assigned to the technician; with number "" the technician's only
	// open order. ENOTFOUND when there is none (or several, without a
	// number).
	FindTechnicianOrder(ctx context.Context, technicianID uuid.UUID, number string) (uuid.UUID, error)
	// RecordSatisfaction records score on the customer's latest completed
	// order that awaits one (a timeline event) and returns it. ENOTFOUND
	// when no order awaits a score.
	RecordSatisfaction(ctx context.Context, customerID uuid.UUID, score int, actor string) (*WorkOrder, error)
	// FindCompletionFacts returns what the satisfaction question says, and
	// the customer's phone. ENOTFOUND when the order is gone.
	FindCompletionFacts(ctx context.Context, workOrderID uuid.UUID) (*AssignmentFacts, error)
}

// SMSGatewayService is what the gateway's callbacks reach: delivery
// reports and inbound texts. It opens its own transactions.
type SMSGatewayService interface {
	// DeliveryReport applies a report of type typ (Kannel's %d) for a
	// message of a tenant. ENOTFOUND for an unknown message, EINVALID for
	// an unknown type; duplicates are harmless.
	DeliveryReport(ctx context.Context, tenantID, id uuid.UUID, typ int, detail string) error
	// ReceiveSMS handles a text from a phone to a number: a technician's
	// command, a customer's score, or anything else (answered with help).
	// ENOTFOUND when no tenant has the number; EINVALID when the sender is
	// not a phone number. Other outcomes are answered by SMS, not errors.
	ReceiveSMS(ctx context.Context, from, to, text string) error
}

// SMSReportSignature signs the delivery-report URL of a message with the
// platform's gateway secret: the gateway calls it back with the signature,
// which proves the URL came from us without the secret in any URL.
func SMSReportSignature(secret string, tenantID, id uuid.UUID) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("sms-dlr/" + tenantID.String() + "/" + id.String()))
	return hex.EncodeToString(mac.Sum(nil))
}
