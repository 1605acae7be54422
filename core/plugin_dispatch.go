package core

import (
	"time"

	"github.com/google/uuid"
)

// DispatchFacts are what a tenant's dispatch-rules plugin sees beyond the
// engine's input: the customer and unit behind the order and the
// candidates' names, hours and tags, so that rules such as "prefer the
// dealer that sold the unit", "VIP customers to repair centres", "on
// Sundays only sites open on Sundays" or "senior technicians for VIP
// customers" can be written. The store looks them up in the dispatching
// transaction; the plugin host hands them to the plugin.
type DispatchFacts struct {
	ProductModel        string
	UnitSerial          string
	SellingDealerSiteID *uuid.UUID
	CustomerVIP         bool
	CustomerTags        []string
	CreatedAt           time.Time
	TimeZone            string
	Sites               map[uuid.UUID]DispatchSiteFacts
	Technicians         map[uuid.UUID]DispatchTechnicianFacts
}

// DispatchSiteFacts describe a candidate site.
type DispatchSiteFacts struct {
	Name         string
	WorkingHours WorkingHours
	Tags         []string // Site.Tags
}

// DispatchTechnicianFacts describe a candidate technician.
type DispatchTechnicianFacts struct {
	Name   string
	Skills []string
	Tags   []string // Technician.Tags
}
