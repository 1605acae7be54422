package customer

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// RegisterUnit records that a customer owns a product. EINVALID for bad
// fields or a customer (or one v may not see), model or dealer site that
// does not exist in the tenant; ECONFLICT when the serial is registered
// already. today is the tenant's current time: the purchase may not be
// after it, and the unit's warranty is computed for it.
func (s *Service) RegisterUnit(ctx context.Context, u core.UnitOfWork, v core.Viewer, nu core.NewUnit, today time.Time) (*core.Unit, error) {
	if err := nu.Validate(today); err != nil {
		return nil, err
	}
	repo := s.store.Customers(u)
	// Another tenant's IDs are "no such", like IDs that never existed.
	refs, err := repo.UnitRefs(ctx, &nu)
	if err != nil {
		return nil, err
	}
	if refs.Customer {
		if err := checkSees(ctx, repo, v, nu.CustomerID); core.ErrorCode(err) == core.ENOTFOUND {
			refs.Customer = false // out of sight is "no such", like another tenant's
		} else if err != nil {
			return nil, err
		}
	}
	switch {
	case !refs.Customer:
		return nil, core.FieldError("customer_id", "no such customer")
	case !refs.Model:
		return nil, core.FieldError("model_id", "no such product model")
	case !refs.DealerSite:
		return nil, core.FieldError("dealer_site_id", "no such site")
	}
	unit := &core.Unit{ID: uuid.New(), CustomerID: nu.CustomerID, ModelID: nu.ModelID, Serial: nu.Serial,
		PurchaseDate: nu.PurchaseDate, DealerSiteID: nu.DealerSiteID, CreatedAt: s.now()}
	if err := repo.InsertUnit(ctx, unit); err != nil {
		return nil, err
	}
	return s.FindUnitByID(ctx, u, v, unit.ID, today)
}

// FindUnitByID reads a unit of a customer v may see, with its warranty on
// today (the tenant's current time); ENOTFOUND when absent from the tenant
// or out of v's sight.
func (s *Service) FindUnitByID(ctx context.Context, u core.UnitOfWork, v core.Viewer, id uuid.UUID, today time.Time) (*core.Unit, error) {
	repo := s.store.Customers(u)
	unit, err := repo.FindUnitByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkSees(ctx, repo, v, unit.CustomerID); core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.Errorf(core.ENOTFOUND, "unit not found")
	} else if err != nil {
		return nil, err
	}
	unit.SetWarranty(today)
	return unit, nil
}

// FindUnits lists the units of the customers v may see, ordered by serial,
// with their warranty on today; returns the next cursor.
func (s *Service) FindUnits(ctx context.Context, u core.UnitOfWork, v core.Viewer, f core.UnitFilter, today time.Time) ([]*core.Unit, string, error) {
	f.Within = v.Customers()
	units, next, err := s.store.Customers(u).FindUnits(ctx, f)
	if err != nil {
		return nil, "", err
	}
	for _, unit := range units {
		unit.SetWarranty(today)
	}
	return units, next, nil
}
