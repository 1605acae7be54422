package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type CreateRegionInput struct {
	Body struct {
		ParentID *uuid.UUID `json:"parent_id,omitempty" doc:"Required except for a country."`
		Level    string     `json:"level" enum:"country,region,province,city,district"`
		Code     string     `json:"code" minLength:"1" maxLength:"32" example:"CN-GD"`
		Name     string     `json:"name" minLength:"1" maxLength:"100" example:"广东省"`
		Division string     `json:"division_code,omitempty" pattern:"^[0-9]{6}$" example:"440000" doc:"The administrative division (GB/T 2260 code, see list-divisions) the node stands for, of the node's level: only province, city and district nodes map to one (a country or region node, 大区 or 办事处, is the tenant's own). An unknown code, or one of another level, is a 422 naming division_code."`
	}
}

type RegionOutput struct{ Body *core.Region }

type ListRegionsInput struct {
	ListParams
	ParentID string `query:"parent_id" format:"uuid" doc:"Only the children of this region."`
	Level    string `query:"level" enum:"country,region,province,city,district,"`
}

type ListRegionsOutput struct {
	Body struct {
		Items []*core.Region `json:"items"`
		Page
	}
}

type RegionIDInput struct {
	ID uuid.UUID `path:"id"`
}

type UpdateRegionInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version int     `json:"version" minimum:"1"`
		Code    *string `json:"code,omitempty" minLength:"1" maxLength:"32"`
		Name    *string `json:"name,omitempty" minLength:"1" maxLength:"100"`
		// DivisionCode maps the node; "" removes the mapping.
		Division *string `json:"division_code,omitempty" pattern:"^([0-9]{6})?$" example:"440305" doc:"The administrative division (GB/T 2260 code, see list-divisions) the node stands for, of the node's level: only province, city and district nodes map to one (a country or region node, 大区 or 办事处, is the tenant's own). An unknown code, or one of another level, is a 422 naming division_code. An empty string removes the mapping."`
	}
}

type DeleteRegionInput struct {
	ID      uuid.UUID `path:"id"`
	Version int       `query:"version" minimum:"0" doc:"The version you read; a stale one gets 409."`
}

func registerRegionRoutes(api huma.API, s *Server, n NetworkServices) {
	tags := []string{"Regions"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResRegions, Action: a} }
	register(api, huma.Operation{OperationID: "create-region", Method: http.MethodPost, Path: "/v1/regions",
		Summary: "Create a region", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The tree is country → region → province → city → district; a child sits strictly below its parent's level. " +
			"Province, city and district nodes may be mapped to the administrative division they stand for (division_code)."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true, ChangesAccess: true},
		func(ctx context.Context, in *CreateRegionInput) (*RegionOutput, error) {
			if in.Body.ParentID != nil {
				if err := s.authorize(ctx, perm(core.ActCreate), core.Target{RegionID: in.Body.ParentID}); err != nil {
					return nil, err
				}
			} else if err := s.requireTenantScope(ctx); err != nil {
				return nil, err
			}
			r, err := n.Network.CreateRegion(ctx, unitOfWork(ctx), core.NewRegion{ParentID: in.Body.ParentID, Level: in.Body.Level,
				Code: in.Body.Code, Name: in.Body.Name, DivisionCode: in.Body.Division})
			return &RegionOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "list-regions", Method: http.MethodGet, Path: "/v1/regions",
		Summary: "List regions", Tags: tags, Description: "A scoped caller sees the subtrees of their regions only."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListRegionsInput) (*ListRegionsOutput, error) {
			sc, err := s.callerScope(ctx)
			if err != nil {
				return nil, err
			}
			f := core.RegionFilter{Level: in.Level, After: in.Cursor, Limit: in.Limit}
			if in.ParentID != "" {
				id, err := uuid.Parse(in.ParentID)
				if err != nil {
					return nil, core.FieldError("parent_id", "is not a UUID")
				}
				f.ParentID = &id
			}
			items, next, err := n.Network.FindRegions(ctx, unitOfWork(ctx), f, sc)
			if err != nil {
				return nil, err
			}
			out := &ListRegionsOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-region", Method: http.MethodGet, Path: "/v1/regions/{id}",
		Summary: "Get a region", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *RegionIDInput) (*RegionOutput, error) {
			r, err := n.findRegionInScope(ctx, s, in.ID, perm(core.ActRead))
			return &RegionOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "update-region", Method: http.MethodPatch, Path: "/v1/regions/{id}",
		Summary: "Rename or recode a region, or map it to a division", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict}},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), ChangesAccess: true},
		func(ctx context.Context, in *UpdateRegionInput) (*RegionOutput, error) {
			if _, err := n.findRegionInScope(ctx, s, in.ID, perm(core.ActUpdate)); err != nil {
				return nil, err
			}
			r, err := n.Network.UpdateRegion(ctx, unitOfWork(ctx), in.ID, core.RegionUpdate{Version: in.Body.Version, Code: in.Body.Code, Name: in.Body.Name,
				DivisionCode: in.Body.Division})
			return &RegionOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "delete-region", Method: http.MethodDelete, Path: "/v1/regions/{id}",
		Summary: "Delete a leaf region", Tags: tags, DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusNotFound, http.StatusConflict}},
		access{Who: accessTenant, Perm: perm(core.ActDelete), ChangesAccess: true},
		func(ctx context.Context, in *DeleteRegionInput) (*struct{}, error) {
			if _, err := n.findRegionInScope(ctx, s, in.ID, perm(core.ActDelete)); err != nil {
				return nil, err
			}
			return nil, n.Network.DeleteRegion(ctx, unitOfWork(ctx), in.ID, in.Version)
		})
}

// findRegionInScope loads a region and checks the caller's scope covers it;
// outside the scope it answers 404, as if the region did not exist.
func (n NetworkServices) findRegionInScope(ctx context.Context, s *Server, id uuid.UUID, perm core.Permission) (*core.Region, error) {
	r, err := n.Network.FindRegionByID(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, perm, core.Target{RegionID: &id}); err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "region not found")
	}
	return r, nil
}

// requireTenantScope allows tenant-level changes (a new country) only to
// callers with tenant-wide scope.
func (s *Server) requireTenantScope(ctx context.Context) error {
	sc, err := s.callerScope(ctx)
	if err != nil {
		return err
	}
	if !sc.All {
		return core.Errorf(core.EFORBIDDEN, "creating a top-level region needs tenant-wide scope")
	}
	return nil
}
