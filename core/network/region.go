package network

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// CreateRegion adds a region to the tree: EINVALID for bad fields or a
// parent that is missing or not above the region's level, ECONFLICT for
// a duplicate code.
func (s *Service) CreateRegion(ctx context.Context, u core.UnitOfWork, nr core.NewRegion) (*core.Region, error) {
	if err := nr.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Network(u)
	if nr.ParentID != nil {
		parent, err := repo.FindRegionByID(ctx, *nr.ParentID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil, core.FieldError("parent_id", "no such region")
		}
		if err != nil {
			return nil, err
		}
		if err := core.CheckRegionParent(parent.Level, nr.Level); err != nil {
			return nil, err
		}
	}
	now := s.now()
	r, err := repo.InsertRegion(ctx, &core.Region{ID: uuid.New(), ParentID: nr.ParentID, Level: nr.Level, Code: nr.Code,
		Name: nr.Name, DivisionCode: nr.DivisionCode, Version: 1, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return nil, err
	}
	s.record(ctx, u, audit.ActCreate, audit.ResRegion, r.ID, nil, r)
	return r, nil
}

// FindRegions lists regions ordered by code, with the next cursor; with
// a scope that is not All, only the regions inside its regions' subtrees.
func (s *Service) FindRegions(ctx context.Context, u core.UnitOfWork, f core.RegionFilter, within core.Scope) ([]*core.Region, string, error) {
	return s.store.Network(u).FindRegions(ctx, f, within)
}

// FindRegionByID: ENOTFOUND when absent from the tenant.
func (s *Service) FindRegionByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.Region, error) {
	return s.store.Network(u).FindRegionByID(ctx, id)
}

// UpdateRegion renames or recodes a region: ENOTFOUND, EINVALID,
// ECONFLICT on a stale version (0: any) or a duplicate code.
func (s *Service) UpdateRegion(ctx context.Context, u core.UnitOfWork, id uuid.UUID, up core.RegionUpdate) (*core.Region, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	repo := s.store.Network(u)
	cur, err := repo.FindRegionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if up.Version != 0 && up.Version != cur.Version {
		return nil, staleVersion("region", cur.Version, up.Version)
	}
	next := *cur
	if up.Code != nil {
		next.Code = *up.Code
	}
	if up.Name != nil {
		next.Name = *up.Name
	}
	if up.DivisionCode != nil {
		if err := core.CheckRegionDivision(cur.Level, *up.DivisionCode); err != nil {
			return nil, err
		}
		next.DivisionCode = *up.DivisionCode
	}
	next.UpdatedAt = s.now()
	r, err := repo.UpdateRegion(ctx, &next)
	if err != nil {
		return nil, lostRace(err, "region", cur.Version)
	}
	s.record(ctx, u, audit.ActUpdate, audit.ResRegion, id, cur, r)
	return r, nil
}

// DeleteRegion deletes a leaf region: ENOTFOUND; ECONFLICT on a stale
// version (0: any), or while it has child regions or scope grants;
// EINVALID while sites belong to it.
func (s *Service) DeleteRegion(ctx context.Context, u core.UnitOfWork, id uuid.UUID, version int) error {
	repo := s.store.Network(u)
	cur, err := repo.FindRegionByID(ctx, id)
	if err != nil {
		return err
	}
	if version != 0 && version != cur.Version {
		return staleVersion("region", cur.Version, version)
	}
	children, grants, err := repo.CountRegionDependants(ctx, id)
	if err != nil {
		return err
	}
	if children > 0 {
		return core.Errorf(core.ECONFLICT, "region has %d child regions; delete or move them first", children)
	}
	if grants > 0 {
		return core.Errorf(core.ECONFLICT, "region is in the scope of %d users or keys; change their scope first", grants)
	}
	if err := repo.DeleteRegion(ctx, id); err != nil {
		return err
	}
	s.record(ctx, u, audit.ActDelete, audit.ResRegion, id, cur, nil)
	return nil
}
