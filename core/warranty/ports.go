package warranty

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the warranty use cases their repository within a unit of
// work. The PostgreSQL adapter implements it.
type Store interface {
	audit.Store
	Warranty(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's policies, fee schedule and
// order charges, and reads what pricing needs of the catalogue, units,
// sites and orders. Save methods queue their write (see core.UnitOfWork).
type Repository interface {
	// TimeZone is the tenant's IANA time zone.
	TimeZone(ctx context.Context) (string, error)

	// FindPolicies lists the policies, lines first, then models, by code.
	FindPolicies(ctx context.Context) ([]*Policy, error)
	// FindPolicy reads the policy of a line (key: its code) or a model
	// (key: its ID); ENOTFOUND.
	FindPolicy(ctx context.Context, scope, key string) (*Policy, error)
	SavePolicy(p *Policy)
	// DeletePolicy deletes a policy; ENOTFOUND when there was none.
	DeletePolicy(ctx context.Context, scope, key string) error

	// FindFeeSchedule reads the schedule; ENOTFOUND when the tenant has
	// set none.
	FindFeeSchedule(ctx context.Context) (*FeeSchedule, error)
	SaveFeeSchedule(f *FeeSchedule)

	// ModelByCode and ModelByID read a model; ENOTFOUND.
	ModelByCode(ctx context.Context, code string) (*Model, error)
	ModelByID(ctx context.Context, id uuid.UUID) (*Model, error)
	// Codes reads which of the codes exist: kind is service_type,
	// product_line or model.
	Codes(ctx context.Context, kind string, codes []string) (map[string]bool, error)
	// Unit reads a unit's model ID and purchase date (YYYY-MM-DD);
	// ENOTFOUND.
	Unit(ctx context.Context, id uuid.UUID) (model uuid.UUID, purchase string, err error)
	// SiteLocation reads a site's point; ENOTFOUND.
	SiteLocation(ctx context.Context, id uuid.UUID) (lat, lon float64, err error)
	// AddressLocation reads a customer address's point (nil when it has
	// none); ENOTFOUND.
	AddressLocation(ctx context.Context, id uuid.UUID) (lat, lon *float64, err error)

	// SaveOrderCharges stores an order's charges in place of any before.
	SaveOrderCharges(c *OrderCharges)
	// FindOrderCharges reads an order's charges; ENOTFOUND when none were
	// computed.
	FindOrderCharges(ctx context.Context, order uuid.UUID) (*OrderCharges, error)
}

// PartPricer gives the sale price and component of parts by barcode (or
// part code); a part it does not know is absent from the result. The
// parts catalogue implements it; without one, parts on an order are
// priced 0 and marked unknown.
type PartPricer interface {
	PriceParts(ctx context.Context, u core.UnitOfWork, codes []string) (map[string]PartPrice, error)
}

// PartPrice is what pricing needs of a part.
type PartPrice struct {
	Component string // the major component's code; "": none
	Months    int    // the part's own warranty months; 0: none
	UnitPrice int64  // minor units of Currency
	Currency  string // "": the fee schedule's; another: not usable, priced as unknown
}

// OrderCharges are the charge items computed for a work order when it was
// completed.
type OrderCharges struct {
	WorkOrderID uuid.UUID `json:"work_order_id"`
	Quote
	ComputedAt time.Time `json:"computed_at"`
}
