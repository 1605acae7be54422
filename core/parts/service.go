package parts

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Service runs the parts and stock use cases. Methods read and write
// through the unit of work they are given and leave it open: the caller
// commits, or rolls back on error so that nothing of a refused change
// stays.
type Service struct {
	store Store
	clock core.Clock
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	Clock core.Clock // nil: the system clock
}

// NewService returns the parts use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	return &Service{store: c.Store, clock: c.Clock}
}

func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// CreatePart adds a part to the catalogue. EINVALID names the field
// (models: an unknown model code); ECONFLICT when the number is taken.
func (s *Service) CreatePart(ctx context.Context, u core.UnitOfWork, in PartInput) (*Part, error) {
	repo := s.store.Parts(u)
	if err := s.checkPart(ctx, repo, &in); err != nil {
		return nil, err
	}
	now := s.now()
	p := &Part{ID: uuid.New(), Version: 1, CreatedAt: now, UpdatedAt: now}
	fill(p, in)
	if err := repo.InsertPart(ctx, p); err != nil {
		return nil, numberTaken(err, "number")
	}
	return p, nil
}

// UpdatePart replaces a part's fields. ENOTFOUND; ECONFLICT on a stale
// version or a taken number.
func (s *Service) UpdatePart(ctx context.Context, u core.UnitOfWork, id uuid.UUID, in PartInput) (*Part, error) {
	repo := s.store.Parts(u)
	if err := s.checkPart(ctx, repo, &in); err != nil {
		return nil, err
	}
	p, err := repo.FindPart(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != p.Version {
		return nil, core.Errorf(core.ECONFLICT, "the part was changed by someone else (version %d, not %d)", p.Version, in.Version)
	}
	fill(p, in)
	p.Version++
	p.UpdatedAt = s.now()
	if err := repo.UpdatePart(ctx, p); err != nil {
		return nil, numberTaken(err, "number")
	}
	return p, nil
}

// DeletePart removes a part that never moved; ECONFLICT otherwise.
func (s *Service) DeletePart(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	return s.store.Parts(u).DeletePart(ctx, id)
}

// FindPart reads a part; ENOTFOUND.
func (s *Service) FindPart(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*Part, error) {
	return s.store.Parts(u).FindPart(ctx, id)
}

// FindParts lists the catalogue in part-number order.
func (s *Service) FindParts(ctx context.Context, u core.UnitOfWork, f PartFilter) ([]*Part, string, error) {
	f.Query = strings.TrimSpace(f.Query)
	return s.store.Parts(u).FindParts(ctx, f)
}

func (s *Service) checkPart(ctx context.Context, repo Repository, in *PartInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if len(in.Models) == 0 {
		return nil
	}
	unknown, err := repo.UnknownModels(ctx, in.Models)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return core.FieldError("models", "unknown product model %q", unknown[0])
	}
	return nil
}

func fill(p *Part, in PartInput) {
	p.Number, p.NameZh, p.NameEn, p.Models, p.Unit = in.Number, in.NameZh, in.NameEn, in.Models, in.Unit
	p.CostMinor, p.SaleMinor, p.Currency = in.CostMinor, in.SaleMinor, in.Currency
	p.WarrantyMonths, p.Component, p.MustReturn = in.WarrantyMonths, in.Component, in.MustReturn
}

// numberTaken turns the adapter's ECONFLICT on a unique key into a
// conflict naming the field.
func numberTaken(err error, field string) error {
	if core.ErrorCode(err) == core.ECONFLICT && strings.Contains(core.ErrorMessage(err), "exists") {
		return &core.Error{Code: core.ECONFLICT, Message: field + ": already taken", Fields: map[string]string{field: "already taken"}}
	}
	return err
}

// CreateWarehouse adds a warehouse. EINVALID names the field (an unknown
// region or site); ECONFLICT when the code is taken.
func (s *Service) CreateWarehouse(ctx context.Context, u core.UnitOfWork, in WarehouseInput) (*Warehouse, error) {
	repo := s.store.Parts(u)
	if err := checkWarehouse(ctx, repo, &in); err != nil {
		return nil, err
	}
	now := s.now()
	w := &Warehouse{ID: uuid.New(), Code: in.Code, Name: in.Name, Kind: in.Kind, RegionID: in.RegionID, SiteID: in.SiteID,
		AllowNegative: in.AllowNegative, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := repo.InsertWarehouse(ctx, w); err != nil {
		return nil, numberTaken(err, "code")
	}
	return w, nil
}

// UpdateWarehouse replaces a warehouse's fields; its kind and owner stay
// (its ledger belongs to them). ENOTFOUND outside reach; ECONFLICT.
func (s *Service) UpdateWarehouse(ctx context.Context, u core.UnitOfWork, id uuid.UUID, in WarehouseInput, within Reach) (*Warehouse, error) {
	repo := s.store.Parts(u)
	w, err := repo.FindWarehouse(ctx, id, within)
	if err != nil {
		return nil, err
	}
	in.Kind, in.RegionID, in.SiteID = w.Kind, w.RegionID, w.SiteID
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != w.Version {
		return nil, core.Errorf(core.ECONFLICT, "the warehouse was changed by someone else (version %d, not %d)", w.Version, in.Version)
	}
	w.Code, w.Name, w.AllowNegative = in.Code, in.Name, in.AllowNegative
	w.Version++
	w.UpdatedAt = s.now()
	if err := repo.UpdateWarehouse(ctx, w); err != nil {
		return nil, numberTaken(err, "code")
	}
	return w, nil
}

func checkWarehouse(ctx context.Context, repo Repository, in *WarehouseInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	if in.RegionID != nil {
		ok, err := repo.RegionExists(ctx, *in.RegionID)
		if err != nil {
			return err
		}
		if !ok {
			return core.FieldError("region_id", "no such region")
		}
	}
	if in.SiteID != nil {
		ok, err := repo.SiteExists(ctx, *in.SiteID)
		if err != nil {
			return err
		}
		if !ok {
			return core.FieldError("site_id", "no such site")
		}
	}
	return nil
}

// FindWarehouse reads a warehouse within reach; ENOTFOUND otherwise.
func (s *Service) FindWarehouse(ctx context.Context, u core.UnitOfWork, id uuid.UUID, within Reach) (*Warehouse, error) {
	return s.store.Parts(u).FindWarehouse(ctx, id, within)
}

// FindWarehouses lists the warehouses within the filter's reach.
func (s *Service) FindWarehouses(ctx context.Context, u core.UnitOfWork, f WarehouseFilter) ([]*Warehouse, string, error) {
	return s.store.Parts(u).FindWarehouses(ctx, f)
}
