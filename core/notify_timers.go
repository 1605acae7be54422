package core

import (
	"context"

	"github.com/google/uuid"
)

// MaxSLADispatchers bounds the dispatchers one SLA breach is texted to: a
// breach is a nudge to whoever watches the site, not a broadcast.
const MaxSLADispatchers = 5

// OrderNotice is what an urge (催办) or SLA-breach text says of a work
// order, in the tenant's locale.
type OrderNotice struct {
	Locale string
	// Facts has the order (number, address, fault, customer phone), the
	// site's name and phone, and as Deadline the order's next unmet one
	// (respond_by, else arrive_by; zero when none).
	Facts SMSFacts
}

// OrderNoticeStore finds what the timer notices say and whom they go to.
// Methods run in the tenant unit of work u; called by the outbox
// handlers of work_order.urged and work_order.sla_breached (jobs).
type OrderNoticeStore interface {
	// FindOrderNotice returns the order's notice facts with the name and
	// phone of site siteID (nil: no site). ENOTFOUND when the order is gone.
	FindOrderNotice(ctx context.Context, u UnitOfWork, workOrderID uuid.UUID, siteID *uuid.UUID) (*OrderNotice, error)
	// FindSLADispatcherPhones returns the distinct phones, at most limit, of
	// the tenant's active users who hold the dispatcher role, have a phone
	// and whose scope covers site siteID (a grant on the site, on a region
	// above it, or on the whole tenant); siteID nil: the order's region.
	// Empty when there are none (or the order is gone).
	FindSLADispatcherPhones(ctx context.Context, u UnitOfWork, workOrderID uuid.UUID, siteID *uuid.UUID, limit int) ([]string, error)
}
