package core

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// SMS notification kinds.
const (
	SMSTechnicianAssigned   = "technician_assigned"   // the technician gets the order
	SMSCustomerAssigned     = "customer_assigned"     // the customer learns who comes and when
	SMSCustomerSatisfaction = "customer_satisfaction" // after completion: one digit 1-5
	SMSHelpReply            = "help_reply"            // an inbound text was not understood
	SMSSiteUrge             = "site_urge"             // 催办 to the responsible site
	SMSSLABreached          = "sla_breached"          // to the dispatcher
	// SMSComplaintEscalated goes to the manager of a complaint's
	// responsible unit at each step of the escalation ladder.
	SMSComplaintEscalated = "complaint_escalated"
	// SMSComplaintConfirm asks the customer to accept (1) or reject (2) a
	// complaint's proposed resolution.
	SMSComplaintConfirm = "complaint_confirm"
	// SMSCallbackSurvey texts the customer one question of an SMS survey
	// (a callback task of channel sms), answered with digits or words.
	SMSCallbackSurvey = "callback_survey"
)

// SMS statuses.
const (
	SMSQueued    = "queued"
	SMSSent      = "sent"
	SMSDelivered = "delivered"
	SMSFailed    = "failed"
)

// SMS is one text message to a phone.
type SMS struct {
	ID          uuid.UUID
	WorkOrderID *uuid.UUID
	OutboxID    *int64
	Kind        string
	To          string
	Locale      string
	Body        string
	Provider    string
	Status      string
	Error       string
	SentAt      *time.Time
	// Gateway fields (jobs/sms.go): inbound texts have Direction SMSIn and
	// From set; SendAfter holds customer texts through the quiet hours.
	Direction string
	From      string
	SendAfter time.Time
	Encoding  string
	Segments  int
	Attempts  int
}

// SMSProvider sends text messages: the seam to an SMS gateway. The `log`
// provider of the embedded default writes them to the log.
type SMSProvider interface {
	// Name is recorded with each message.
	Name() string
	// SendSMS hands the tenant's message to the gateway; an error is
	// retried by the caller's task.
	SendSMS(ctx context.Context, tenant uuid.UUID, m *SMS) error
}

// SMSRecorder marks a provider whose sending is the record itself (the
// log provider of the embedded default): its messages are marked sent in
// the transaction that claims them, so a crash can neither lose nor
// double one. A provider that reaches a carrier cannot be one.
type SMSRecorder interface {
	SMSProvider
	RecordsSMS()
}

// Assignment names a work order's technician.
type Assignment struct {
	WorkOrderID  uuid.UUID
	TechnicianID uuid.UUID
}

// AssignmentFacts are what the assignment notifications say.
type AssignmentFacts struct {
	WorkOrderID     uuid.UUID
	Number          string
	Address         string
	Fault           string
	Locale          string
	CustomerName    string
	CustomerPhone   string
	TechnicianName  string
	TechnicianPhone string
}

// NotificationStore reads and records notifications. Methods run in the
// tenant unit of work u.
type NotificationStore interface {
	OrderNoticeStore
	// FindAssignmentFacts: ENOTFOUND when the order or its technician is gone.
	FindAssignmentFacts(ctx context.Context, u UnitOfWork, workOrderID, technicianID uuid.UUID) (*AssignmentFacts, error)
	// FindCompletionFacts returns what the satisfaction question says, and
	// the customer's phone. ENOTFOUND when the order or its technician is
	// gone.
	FindCompletionFacts(ctx context.Context, u UnitOfWork, workOrderID uuid.UUID) (*AssignmentFacts, error)
	// FindAssignmentFactsBatch is FindAssignmentFacts for several
	// assignments in one query; gone ones are missing from the map.
	FindAssignmentFactsBatch(ctx context.Context, u UnitOfWork, as []Assignment) (map[Assignment]*AssignmentFacts, error)
	// SaveSMS records a message (insert, or update of status by ID); it may
	// be written only at commit, so its errors may come from the commit.
	SaveSMS(ctx context.Context, u UnitOfWork, m *SMS) error
}

// RenderSMS returns the unsigned built-in text of a notification kind in
// the locale (zh-CN when the locale has no text). facts is SMSFacts or
// *AssignmentFacts (or their value/pointer forms).
//
// Deprecated: kept for callers that predate tenant settings; call the
// tenant's SMSSettings.Compose (signature, overrides, on/off) instead.
func RenderSMS(kind, locale string, facts any) (string, error) {
	var f SMSFacts
	switch v := facts.(type) {
	case SMSFacts:
		f = v
	case *SMSFacts:
		f = *v
	case AssignmentFacts:
		f = v.SMSFacts()
	case *AssignmentFacts:
		f = v.SMSFacts()
	default:
		return "", Errorf(EINTERNAL, "RenderSMS: facts of type %T", facts)
	}
	body, _, err := (*SMSSettings)(nil).Compose(kind, locale, f)
	return body, err
}
