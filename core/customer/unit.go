package customer

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// RegisterUnit records that a customer owns a product. EINVALID for bad
// fields or a customer (or one v may not see), model or dealer site that
// does not exist in the tenant; ECONFLICT when the serial is registered
// already. today is the tenant's current time: the purchase may not be
// after it, and the unit's warranty is computed for it.
func (s *Service) RegisterUnit(ctx context.Context, u core.UnitOfWork, v core.Viewer, nu core.NewUnit, today time.Time) (*core.Unit, error) {
	repo := s.store.Customers(u)
	if err := checkUnit(ctx, repo, v, &nu, today); err != nil {
		return nil, err
	}
	unit := &core.Unit{ID: uuid.New(), CustomerID: nu.CustomerID, ModelID: nu.ModelID, Serial: nu.Serial,
		PurchaseDate: nu.PurchaseDate, DealerSiteID: nu.DealerSiteID, Version: 1, CreatedAt: s.now()}
	unit.UpdatedAt = unit.CreatedAt
	if err := repo.InsertUnit(ctx, unit); err != nil {
		return nil, err
	}
	return s.FindUnitByID(ctx, u, v, unit.ID, today)
}

// checkUnit checks a unit's fields, and that its customer (one v may
// see), model and dealer site exist in the tenant: EINVALID otherwise.
func checkUnit(ctx context.Context, repo Repository, v core.Viewer, nu *core.NewUnit, today time.Time) error {
	if err := nu.Validate(today); err != nil {
		return err
	}
	// Another tenant's IDs are "no such", like IDs that never existed.
	refs, err := repo.UnitRefs(ctx, nu)
	if err != nil {
		return err
	}
	if refs.Customer {
		if err := checkSees(ctx, repo, v, nu.CustomerID); core.ErrorCode(err) == core.ENOTFOUND {
			refs.Customer = false // out of sight is "no such", like another tenant's
		} else if err != nil {
			return err
		}
	}
	switch {
	case !refs.Customer:
		return core.FieldError("customer_id", "no such customer")
	case !refs.Model:
		return core.FieldError("model_id", "no such product model")
	case !refs.DealerSite:
		return core.FieldError("dealer_site_id", "no such site")
	}
	return nil
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

// UpdateUnit changes a unit of a customer v may see: the fields of up
// that are given, checked as in RegisterUnit against today. ENOTFOUND when
// the unit is absent from the tenant or out of v's sight; ECONFLICT on a
// stale version or a serial registered already; EINVALID for bad fields or
// a model or dealer site that does not exist. The change is recorded in
// the audit log, before and after.
func (s *Service) UpdateUnit(ctx context.Context, u core.UnitOfWork, v core.Viewer, id uuid.UUID, up core.UnitUpdate, today time.Time) (*core.Unit, error) {
	cur, err := s.FindUnitByID(ctx, u, v, id, today)
	if err != nil {
		return nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, staleUnit(cur.Version, up.Version)
	}
	nu := up.Apply(cur)
	repo := s.store.Customers(u)
	if err := checkUnit(ctx, repo, v, &nu, today); err != nil {
		return nil, err
	}
	next := *cur
	next.ModelID, next.Serial, next.PurchaseDate, next.DealerSiteID = nu.ModelID, nu.Serial, nu.PurchaseDate, nu.DealerSiteID
	next.UpdatedAt = s.now()
	after, err := repo.UpdateUnit(ctx, &next)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, staleUnit(cur.Version+1, cur.Version) // changed by another unit since it was read
	} else if err != nil {
		return nil, err
	}
	after.SetWarranty(today)
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResUnit,
		ResourceID: id.String(), Before: cur, After: after})
	return after, nil
}

func staleUnit(have, sent int) error {
	return core.Errorf(core.ECONFLICT, "unit was changed by someone else (version %d, you sent %d); reload and retry", have, sent)
}
