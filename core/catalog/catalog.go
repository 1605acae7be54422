// Package catalog holds the use cases of a tenant's catalogues: product
// lines and models (with their warranty terms), service types (with their
// SLA targets, and the defaults a tenant starts with), and the fault code
// trees (symptom, cause, object, action), created one by one or imported
// parents first. It decides; the Repository of its Store (the PostgreSQL
// adapter, or the in-memory fake of core/coretest) only reads and writes.
package catalog

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Service runs the catalogue use cases. Every method reads and writes
// through the unit of work it is given and leaves it open: its caller
// commits (see core.UnitOfWork). Lists return the next cursor ("" on the
// last page).
type Service struct {
	store Store
}

// Config is what a Service is built from.
type Config struct {
	Store Store
}

// NewService returns the catalogue use cases.
func NewService(c Config) *Service { return &Service{store: c.Store} }

// CreateProductLine: EINVALID for bad fields, ECONFLICT for a taken code.
func (s *Service) CreateProductLine(ctx context.Context, u core.UnitOfWork, l core.ProductLine) (*core.ProductLine, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if err := s.store.Catalog(u).InsertProductLine(ctx, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// FindProductLines lists lines ordered by code.
func (s *Service) FindProductLines(ctx context.Context, u core.UnitOfWork, after string, limit int) ([]*core.ProductLine, string, error) {
	return s.store.Catalog(u).FindProductLines(ctx, after, limit)
}

// CreateProductModel: EINVALID for bad fields or an unknown product line,
// ECONFLICT for a taken code. Labour hours default to 1.
func (s *Service) CreateProductModel(ctx context.Context, u core.UnitOfWork, nm core.NewProductModel) (*core.ProductModel, error) {
	if err := nm.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Catalog(u)
	lines, err := repo.ProductLines(ctx, []string{nm.ProductLine})
	if err != nil {
		return nil, err
	}
	if !lines[nm.ProductLine] {
		return nil, core.FieldError("product_line", "no product line %q", nm.ProductLine)
	}
	return repo.InsertProductModel(ctx, &core.ProductModel{ID: uuid.New(), ProductLine: nm.ProductLine, Code: nm.Code,
		Name: nm.Name, WarrantyMonths: nm.WarrantyMonths, LabourHours: *nm.LabourHours})
}

// FindProductModels lists models ordered by code.
func (s *Service) FindProductModels(ctx context.Context, u core.UnitOfWork, f core.ProductModelFilter) ([]*core.ProductModel, string, error) {
	return s.store.Catalog(u).FindProductModels(ctx, f)
}

// PutServiceType creates or replaces a service type; EINVALID for bad
// fields. created tells which.
func (s *Service) PutServiceType(ctx context.Context, u core.UnitOfWork, t core.ServiceType) (st *core.ServiceType, created bool, err error) {
	if err := t.Validate(); err != nil {
		return nil, false, err
	}
	if created, err = s.store.Catalog(u).PutServiceType(ctx, &t); err != nil {
		return nil, false, err
	}
	return &t, created, nil
}

// FindServiceTypes lists service types ordered by code.
func (s *Service) FindServiceTypes(ctx context.Context, u core.UnitOfWork, after string, limit int) ([]*core.ServiceType, string, error) {
	return s.store.Catalog(u).FindServiceTypes(ctx, after, limit)
}

// SeedDefaultCatalog adds the core.DefaultServiceTypes that the tenant
// does not have yet; existing ones are left as the tenant set them. Names
// are seeded in both languages whatever the locale, which only has to be
// one the platform speaks: EINVALID otherwise.
func (s *Service) SeedDefaultCatalog(_ context.Context, u core.UnitOfWork, locale string) error {
	if locale != core.LocaleZhCN && locale != core.LocaleEn {
		return core.FieldError("locale", "must be zh-CN or en")
	}
	s.store.Catalog(u).AddServiceTypes(core.DefaultServiceTypes())
	return nil
}
