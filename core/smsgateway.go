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
// handing it to a gateway that gives no delivery reports (or that was
// resent too often): it may or may not have gone out, and it is not sent
// again (at most once: a second text is worse than none, and the timeline
// shows the failure to the dispatcher). With a gateway that reports (an
// SMSSubmitReporter) such a message is resolved instead: see
// messaging.ClaimForSending.
const SMSUnknownOutcome = "outcome unknown: the worker stopped while handing the message to the gateway; not resent to avoid a duplicate"

// SMSSubmitReporter is a provider whose gateway sends a delivery report
// for every message it hands to its carrier, soon after: Kannel's 8 (SMSC
// submit) or 16 (SMSC reject), through the gateway endpoint to
// messaging.Service.DeliveryReport, which marks a message still 'sending'
// at least sent. SubmitReportWithin is how long after the send call such
// a report can take at most: a message still 'sending' that much after
// its claim has no report, so its request never reached the carrier and
// it may be sent again, with the same ID (exactly once). Zero: this
// gateway gives no reports (Kannel without a callback URL); a message
// whose worker died mid-send is then failed as SMSUnknownOutcome (at
// most once).
type SMSSubmitReporter interface {
	SMSProvider
	SubmitReportWithin() time.Duration
}

// SMSReportWindow is p's SubmitReportWithin, zero when p gives no reports.
func SMSReportWindow(p SMSProvider) time.Duration {
	if r, ok := p.(SMSSubmitReporter); ok {
		return max(r.SubmitReportWithin(), 0)
	}
	return 0
}

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
// "" for intermediate reports (buffered, submitted), which change nothing
// but a message still 'sending': any report proves the gateway handed it
// to its carrier, so it is sent (messaging.Service.DeliveryReport).
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

// SMSStore keeps outgoing messages and their statuses for the SMS jobs
// (jobs.Texts). Methods run in the tenant unit of work u unless they
// say otherwise. Every status change of a
// message about a work order appends an sms_status event to its timeline.
type SMSStore interface {
	// QueueSMS records an outgoing message (queued, or failed with Error
	// when it cannot be sent, e.g. a landline), to go out at its SendAfter,
	// which the caller sets (SMSSettings.SendAt; EINTERNAL when zero).
	// Called by the outbox
	// handler and for the help replies to inbound texts; the send task is
	// enqueued after the commit.
	QueueSMS(ctx context.Context, u UnitOfWork, m *SMS) error
	// LockSMSForSending reads the outgoing messages among ids under row
	// locks held to the end of u, taken in ID order (two tasks sharing
	// messages cannot deadlock), each with how long it has been untouched
	// by the database's clock, which stamps every update; gone ones are
	// left out. The send task decides what to do with each
	// (messaging.ClaimForSending).
	LockSMSForSending(ctx context.Context, u UnitOfWork, ids []uuid.UUID) ([]SMSForSending, error)
	// StartSendingSMS moves a locked message to sending with one more
	// attempt, for the send task to hand to the gateway after the commit.
	// The write is queued: it reaches the database with the commit.
	StartSendingSMS(u UnitOfWork, id uuid.UUID)
	// FailSMS moves a locked message to failed with errText, with its
	// timeline event; the write is queued as StartSendingSMS's is.
	FailSMS(u UnitOfWork, m *SMS, errText string)
	// MarkSMSSent moves the queued messages among ids straight to sent and
	// returns them (for an SMSRecorder provider); others are left alone.
	MarkSMSSent(ctx context.Context, u UnitOfWork, ids []uuid.UUID) ([]*SMS, error)
	// FinishSMS records the gateway's answer for a message being sent:
	// sent, failed (errText says why), or queued again to be retried
	// (status SMSQueued). It changes nothing unless the message is
	// sending (a delivery report may have overtaken it).
	FinishSMS(ctx context.Context, u UnitOfWork, id uuid.UUID, status, errText string) error
	// UnsentSMS lists, across tenants, messages that should have a send
	// task: queued and due, or sending, untouched for idle. It runs in a
	// platform unit of work (tenant uuid.Nil). Called by the sweep.
	UnsentSMS(ctx context.Context, u UnitOfWork, limit int, idle time.Duration) ([]SMSRef, error)
}

// SMSForSending is an outgoing message read under lock by a send task,
// with how long it has been untouched (since its last update).
type SMSForSending struct {
	*SMS
	Idle time.Duration
}

// SMSSender is who wrote an inbound text, as the tenant knows the phone
// (core/messaging).
type SMSSender struct {
	Phone        string
	TechnicianID *uuid.UUID
	UserID       *uuid.UUID // the technician's login, for the actor of actions
	Lat, Lon     *float64   // the technician's last known location
	CustomerID   *uuid.UUID
	Locale       string // the tenant's
}

// SMSReportSignature signs the delivery-report URL of a message with the
// platform's gateway secret: the gateway calls it back with the signature,
// which proves the URL came from us without the secret in any URL.
func SMSReportSignature(secret string, tenantID, id uuid.UUID) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("sms-dlr/" + tenantID.String() + "/" + id.String()))
	return hex.EncodeToString(mac.Sum(nil))
}
