package core

import (
	"time"

	"github.com/google/uuid"
)

// Screen pop (来电弹屏) limits: a switchboard number shared by many
// customers still answers fast.
const (
	ScreenPopMaxCustomers  = 20
	ScreenPopMaxUnits      = 50
	ScreenPopRecentOrders  = 5
	ScreenPopMaxComplaints = 20
)

// ScreenPop is what an agent sees the moment a phone rings: who is calling,
// what they own and what happened lately.
type ScreenPop struct {
	Phone         string              `json:"phone" doc:"The caller's number, normalised."`
	UnknownCaller bool                `json:"unknown_caller" doc:"No customer has this phone: offer to create one."`
	Customers     []ScreenPopCustomer `json:"customers"`
}

// ScreenPopCustomer is one customer with the phone, with their registered
// units and service history.
type ScreenPopCustomer struct {
	Customer
	Units            []*Unit            `json:"units" doc:"Registered units, newest purchase first, with warranty status."`
	RecentWorkOrders []WorkOrderSummary `json:"recent_work_orders" doc:"The last 5 work orders, newest first."`
	OpenComplaints   []ComplaintSummary `json:"open_complaints" doc:"The customer's complaints still being handled (not confirmed or closed), newest first, those the caller's scope holds."`
}

// WorkOrderSummary is a line of a customer's service history.
type WorkOrderSummary struct {
	ID          uuid.UUID `json:"id"`
	Number      string    `json:"number"`
	Type        string    `json:"type"`
	ServiceType string    `json:"service_type"`
	State       string    `json:"state"`
	CreatedAt   time.Time `json:"created_at"`
}

// ComplaintSummary is an open complaint of a customer.
type ComplaintSummary struct {
	ID        uuid.UUID  `json:"id"`
	Number    string     `json:"number"`
	Category  string     `json:"category"`
	Severity  string     `json:"severity"`
	State     string     `json:"state"`
	DueAt     *time.Time `json:"due_at" nullable:"true" doc:"Null while the customer is waited on."`
	CreatedAt time.Time  `json:"created_at"`
}

// SetWarranty computes the warranty of every unit as of today.
func (p *ScreenPop) SetWarranty(today time.Time) {
	for i := range p.Customers {
		for _, u := range p.Customers[i].Units {
			u.SetWarranty(today)
		}
	}
}
