package messaging

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the messaging use cases their repository within a unit of
// work. The PostgreSQL adapter implements it; so does the in-memory fake
// of core/coretest.
type Store interface {
	// Audit records the changes the use cases make.
	audit.Store
	Messaging(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's SMS settings, texts and
// follow-ups within a unit of work. Methods without a context queue their
// write: it reaches the database with the unit's next read or its commit,
// and its error, if any, is returned there.
type Repository interface {
	// FindSMSSettings reads the tenant's stored settings and its time zone;
	// Document is nil when it never saved any. ENOTFOUND when the tenant
	// is gone.
	FindSMSSettings(ctx context.Context) (SMSSettingsRecord, error)
	// SaveSMSSettings replaces the tenant's settings (TimeZone is not
	// written); ECONFLICT when another tenant has the number.
	SaveSMSSettings(ctx context.Context, r SMSSettingsRecord) error
	// FindTenantBySMSNumber returns the tenant whose number is the first
	// of candidates that any tenant has; ENOTFOUND when none has one. It
	// works in a platform unit.
	FindTenantBySMSNumber(ctx context.Context, candidates []string) (uuid.UUID, error)

	// LockOutgoingSMS reads an outgoing message under a row lock held to
	// the end of the unit; ENOTFOUND.
	LockOutgoingSMS(ctx context.Context, id uuid.UUID) (*core.SMS, error)
	// SetSMSStatus writes a message's new status and error at at (sent_at
	// is kept when set, else at; delivered_at is at for SMSDelivered).
	SetSMSStatus(id uuid.UUID, status, errText string, at time.Time)
	// AppendSMSStatusEvent appends to the timeline of the message's order
	// the event of its status.
	AppendSMSStatusEvent(m *core.SMS, status, errText string, at time.Time)
	// SaveInboundSMS records a received text (Direction SMSIn).
	SaveInboundSMS(m *core.SMS)
	// CountRecentSMS counts the outgoing texts of kind to a phone created
	// within the last period (by the database's clock, which stamps them).
	CountRecentSMS(ctx context.Context, kind, to string, within time.Duration) (int, error)
	// FindSMSSender looks the phone up among technicians and customers,
	// with the tenant's locale.
	FindSMSSender(ctx context.Context, phone string) (*core.SMSSender, error)
	// FindTechnicianOrders lists, at most limit, the IDs of the orders
	// assigned to the technician with number, or with number "" of those in
	// states.
	FindTechnicianOrders(ctx context.Context, technicianID uuid.UUID, number string, states []string, limit int) ([]uuid.UUID, error)
	// LockOrderAwaitingScore reads, under a row lock, the customer's latest
	// completed order (completed_at set) in states with no satisfaction
	// score that was texted a message of kind asked; ENOTFOUND.
	LockOrderAwaitingScore(ctx context.Context, customerID uuid.UUID, states []string, asked string) (*core.WorkOrder, error)
	// RecordSatisfaction writes an order's score and appends its
	// satisfaction_scored event.
	RecordSatisfaction(workOrderID uuid.UUID, score int, actor string, at time.Time)

	// InsertFollowUp stores a new follow-up unless the order has one for
	// the reason already.
	InsertFollowUp(f *core.FollowUp)
	// FindFollowUp reads an order's follow-up for a reason; ENOTFOUND.
	FindFollowUp(ctx context.Context, workOrderID uuid.UUID, reason string) (*core.FollowUp, error)
	// FindFollowUps lists follow-ups newest first, of f.Status ("" any) and
	// of orders of sites within f.Within, one page of at most f.Limit
	// (clamped to 1-500; 0: 50); returns the next cursor. EINVALID for a
	// bad cursor.
	FindFollowUps(ctx context.Context, f core.FollowUpFilter) ([]*core.FollowUp, string, error)
	// FindFollowUpByID: ENOTFOUND.
	FindFollowUpByID(ctx context.Context, id uuid.UUID) (*core.FollowUp, error)
	// LockFollowUp reads a follow-up under a row lock; ENOTFOUND.
	LockFollowUp(ctx context.Context, id uuid.UUID) (*core.FollowUp, error)
	// UpdateFollowUp writes a follow-up's status, note and completion.
	UpdateFollowUp(f *core.FollowUp)
}

// SMSSettingsRecord is a tenant's SMS settings as stored.
type SMSSettingsRecord struct {
	// Document is the JSON of what the tenant chose (core.SMSSettings
	// without Number, TimeZone and UpdatedAt); nil: never saved.
	Document  []byte
	Number    string // "" when none
	UpdatedAt time.Time
	TimeZone  string // the tenant's; read only
}

// Texts queues a text in a unit of work: composed with the tenant's
// settings and sent after the unit commits (jobs.Texts).
type Texts interface {
	QueueText(ctx context.Context, u core.UnitOfWork, t Text) error
	// ProviderName names the gateway, recorded with inbound texts.
	ProviderName() string
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

// WorkOrders carries out a technician's command on an order
// (core/workorder's Service).
type WorkOrders interface {
	Act(ctx context.Context, u core.UnitOfWork, id uuid.UUID, in core.ActionInput, actor string) (*core.WorkOrder, error)
}

// Complaints takes a customer's one-digit answer to a complaint's proposed
// resolution (core/complaint's Service): handled is false when no
// complaint of theirs awaits one, and the digit is a satisfaction score.
type Complaints interface {
	AnswerBySMS(ctx context.Context, u core.UnitOfWork, customerID uuid.UUID, digit int, actor string) (handled bool, err error)
}

// Surveys takes a customer's text as the answer to the question their
// running SMS survey awaits (core/callback's Service): handled is false
// when none does, and the text is read as usual; order is the survey's
// order. An EINVALID says what the question accepts (the help reply).
type Surveys interface {
	AnswerSurveyBySMS(ctx context.Context, u core.UnitOfWork, customerID uuid.UUID, text, actor string) (handled bool,
		order *uuid.UUID, err error)
}
