package catalog

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateProductLine: EINVALID for bad fields, ECONFLICT for a taken code.
// The line starts active at version 1.
func (s *Service) CreateProductLine(ctx context.Context, u core.UnitOfWork, l core.ProductLine) (*core.ProductLine, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	l.Status, l.Version = core.CatalogActive, 1
	if err := s.store.Catalog(u).InsertProductLine(ctx, &l); err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActCreate, audit.ResProductLine, l.Code, nil, &l)
	return &l, nil
}

// FindProductLines lists lines ordered by code.
func (s *Service) FindProductLines(ctx context.Context, u core.UnitOfWork, f core.ProductLineFilter) ([]*core.ProductLine, string, error) {
	return s.store.Catalog(u).FindProductLines(ctx, f)
}

// FindProductLine: ENOTFOUND when the tenant has no line code.
func (s *Service) FindProductLine(ctx context.Context, u core.UnitOfWork, code string) (*core.ProductLine, error) {
	return s.store.Catalog(u).FindProductLine(ctx, code)
}

// UpdateProductLine renames, retires or reactivates a line: ENOTFOUND;
// EINVALID for bad fields; ECONFLICT when up.Version (0: any) is not the
// stored one. A change that changes nothing is not recorded.
func (s *Service) UpdateProductLine(ctx context.Context, u core.UnitOfWork, code string, up core.ProductLineUpdate) (*core.ProductLine, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Catalog(u)
	cur, err := repo.FindProductLine(ctx, code)
	if err != nil {
		return nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, staleVersion("product line", cur.Version, up.Version)
	}
	next := *cur
	set(&next.NameZh, up.NameZh)
	set(&next.NameEn, up.NameEn)
	set(&next.Status, up.Status)
	if next == *cur {
		return cur, nil
	}
	l, err := repo.UpdateProductLine(ctx, &next)
	if err != nil {
		return nil, lostRace(err, "product line", cur.Version)
	}
	s.record(ctx, u, audit.ActUpdate, audit.ResProductLine, code, cur, l)
	return l, nil
}

// CreateProductModel: EINVALID for bad fields or an unknown or retired
// product line, ECONFLICT for a taken code. Labour hours default to 1; the
// model starts active at version 1.
func (s *Service) CreateProductModel(ctx context.Context, u core.UnitOfWork, nm core.NewProductModel) (*core.ProductModel, error) {
	if err := nm.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Catalog(u)
	line, err := repo.FindProductLine(ctx, nm.ProductLine)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.FieldError("product_line", "no product line %q", nm.ProductLine)
	}
	if err != nil {
		return nil, err
	}
	if line.Status == core.CatalogRetired {
		return nil, core.FieldError("product_line", "product line %s is retired; reactivate it first", nm.ProductLine)
	}
	m, err := repo.InsertProductModel(ctx, &core.ProductModel{ID: uuid.New(), ProductLine: nm.ProductLine, Code: nm.Code,
		Name: nm.Name, WarrantyMonths: nm.WarrantyMonths, LabourHours: *nm.LabourHours, Status: core.CatalogActive, Version: 1})
	if err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActCreate, audit.ResProductModel, m.ID.String(), nil, m)
	return m, nil
}

// FindProductModels lists models ordered by code.
func (s *Service) FindProductModels(ctx context.Context, u core.UnitOfWork, f core.ProductModelFilter) ([]*core.ProductModel, string, error) {
	return s.store.Catalog(u).FindProductModels(ctx, f)
}

// FindProductModelByID: ENOTFOUND when absent from the tenant.
func (s *Service) FindProductModelByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.ProductModel, error) {
	return s.store.Catalog(u).FindProductModelByID(ctx, id)
}

// UpdateProductModel changes a model's code, name, warranty months,
// labour hours or status: ENOTFOUND; EINVALID for bad fields; ECONFLICT
// for a stale up.Version (0: any) or a taken code. The new warranty term
// applies to every unit of the model from the next read. A change that
// changes nothing is not recorded.
func (s *Service) UpdateProductModel(ctx context.Context, u core.UnitOfWork, id uuid.UUID, up core.ProductModelUpdate) (*core.ProductModel, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Catalog(u)
	cur, err := repo.FindProductModelByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, staleVersion("product model", cur.Version, up.Version)
	}
	next := *cur
	set(&next.Code, up.Code)
	set(&next.Name, up.Name)
	set(&next.WarrantyMonths, up.WarrantyMonths)
	set(&next.LabourHours, up.LabourHours)
	set(&next.Status, up.Status)
	if next == *cur {
		return cur, nil
	}
	m, err := repo.UpdateProductModel(ctx, &next)
	if err != nil {
		return nil, lostRace(err, "product model", cur.Version)
	}
	s.record(ctx, u, audit.ActUpdate, audit.ResProductModel, id.String(), cur, m)
	return m, nil
}

// set copies v into dst when given.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// lostRace maps the repository's answer to a write at the version read:
// ENOTFOUND there means another unit changed the row in between.
func lostRace(err error, what string, read int) error {
	if core.ErrorCode(err) == core.ENOTFOUND {
		return staleVersion(what, read+1, read)
	}
	return err
}
