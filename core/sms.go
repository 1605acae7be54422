package core

import (
	"context"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/google/uuid"
)

// SMS notification kinds.
const (
	SMSTechnicianAssigned = "technician_assigned" // the technician gets the order
	SMSCustomerAssigned   = "customer_assigned"   // the customer learns who comes
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
}

// SMSProvider sends text messages: the seam to an SMS gateway. The `log`
// provider of the embedded default writes them to the log.
type SMSProvider interface {
	// Name is recorded with each message.
	Name() string
	// SendSMS hands the message to the gateway; an error is retried by the
	// caller's task.
	SendSMS(ctx context.Context, m *SMS) error
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
// tenant transaction of ctx.
type NotificationStore interface {
	// FindAssignmentFacts: ENOTFOUND when the order or its technician is gone.
	FindAssignmentFacts(ctx context.Context, workOrderID, technicianID uuid.UUID) (*AssignmentFacts, error)
	// SaveSMS records a message (insert, or update of status by ID); it may
	// be written only at commit, so its errors may come from the commit.
	SaveSMS(ctx context.Context, m *SMS) error
}

// smsTemplates are the built-in texts per kind and locale; tenants cannot
// edit them yet.
var smsTemplates = map[string]map[string]*template.Template{
	SMSTechnicianAssigned: {
		"zh-CN": template.Must(template.New("").Parse(
			"【派工】工单{{.Number}}：{{.Address}}，客户电话{{.CustomerPhone}}，故障：{{.Fault}}。请尽快接单。")),
		"en": template.Must(template.New("").Parse(
			"New job {{.Number}}: {{.Address}}, customer phone {{.CustomerPhone}}, fault: {{.Fault}}. Please accept.")),
	},
	SMSCustomerAssigned: {
		"zh-CN": template.Must(template.New("").Parse(
			"您的服务单{{.Number}}已派给技师{{.TechnicianName}}（电话{{.TechnicianPhone}}），技师将尽快与您联系。")),
		"en": template.Must(template.New("").Parse(
			"Your service order {{.Number}} is assigned to technician {{.TechnicianName}} (phone {{.TechnicianPhone}}), who will contact you shortly.")),
	},
}

// RenderSMS returns the text of a notification kind in the locale (zh-CN
// when the locale has no text).
func RenderSMS(kind, locale string, facts any) (string, error) {
	byLocale, ok := smsTemplates[kind]
	if !ok {
		return "", Errorf(EINTERNAL, "no SMS template for %q", kind)
	}
	tpl, ok := byLocale[locale]
	if !ok {
		tpl = byLocale["zh-CN"]
	}
	var b strings.Builder
	if err := tpl.Execute(&b, facts); err != nil {
		return "", fmt.Errorf("rendering SMS %s/%s: %w", kind, locale, err)
	}
	return b.String(), nil
}
