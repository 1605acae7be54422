package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

// WarehouseBody is a warehouse as it is created or replaced.
type WarehouseBody struct {
	Code          string     `json:"code" minLength:"1" maxLength:"64" example:"WH-SZ"`
	Name          string     `json:"name" minLength:"1" maxLength:"200" example:"深圳中心库"`
	Kind          string     `json:"kind" enum:"central,regional,site" doc:"Fixed once created."`
	RegionID      *uuid.UUID `json:"region_id,omitempty" doc:"A regional warehouse's region."`
	SiteID        *uuid.UUID `json:"site_id,omitempty" doc:"A site warehouse's site."`
	AllowNegative bool       `json:"allow_negative,omitempty"`
	Version       int        `json:"version,omitempty" doc:"On replace: the version read; 0: no check."`
}

func (b WarehouseBody) input() parts.WarehouseInput {
	return parts.WarehouseInput{Code: b.Code, Name: b.Name, Kind: b.Kind, RegionID: b.RegionID, SiteID: b.SiteID,
		AllowNegative: b.AllowNegative, Version: b.Version}
}

type CreateWarehouseInput struct{ Body WarehouseBody }

type ReplaceWarehouseInput struct {
	ID   uuid.UUID `path:"id"`
	Body WarehouseBody
}

type WarehouseIDInput struct {
	ID uuid.UUID `path:"id"`
}

type WarehouseOutput struct{ Body *parts.Warehouse }

type ListWarehousesInput struct {
	ListParams
	Kind   string `query:"kind" enum:"central,regional,site,"`
	SiteID string `query:"site_id" format:"uuid"`
	Query  string `query:"q" maxLength:"100"`
}

type ListWarehousesOutput struct {
	Body struct {
		Items []*parts.Warehouse `json:"items" nullable:"false"`
		Page
	}
}

// stockReach is the caller's warehouse reach.
func (s *Server) stockReach(ctx context.Context) (parts.Reach, error) {
	v, err := s.viewer(ctx)
	if err != nil {
		return parts.Reach{}, err
	}
	return parts.ReachOf(v), nil
}

func queryID(name, v string) (*uuid.UUID, error) {
	if v == "" {
		return nil, nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		return nil, core.FieldError(name, "is not a UUID")
	}
	return &id, nil
}

func registerWarehouseRoutes(api huma.API, s *Server, svc *parts.Service) {
	tags := []string{"Warehouses"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	register(api, huma.Operation{OperationID: "list-warehouses", Method: http.MethodGet, Path: "/v1/warehouses",
		Summary: "List warehouses", Tags: tags,
		Description: "In code order. Tenant-wide callers see every warehouse; a region manager the regional and site " +
			"warehouses of their subtrees; site staff and technicians their sites' warehouses."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListWarehousesInput) (*ListWarehousesOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			site, err := queryID("site_id", in.SiteID)
			if err != nil {
				return nil, err
			}
			items, next, err := svc.FindWarehouses(ctx, unitOfWork(ctx), parts.WarehouseFilter{Within: reach, Kind: in.Kind,
				SiteID: site, Query: in.Query, After: in.Cursor, Limit: in.Limit})
			out := &ListWarehousesOutput{}
			out.Body.Items, out.Body.Next = items, next
			if out.Body.Items == nil {
				out.Body.Items = []*parts.Warehouse{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "create-warehouse", Method: http.MethodPost, Path: "/v1/warehouses",
		Summary: "Create a warehouse", Tags: tags, DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
		Description: "A central warehouse, a regional one (region_id) or a site's (site_id). 422 names the field; 409 when the code is taken."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *CreateWarehouseInput) (*WarehouseOutput, error) {
			w, err := svc.CreateWarehouse(ctx, unitOfWork(ctx), in.Body.input())
			return &WarehouseOutput{Body: w}, err
		})
	register(api, huma.Operation{OperationID: "get-warehouse", Method: http.MethodGet, Path: "/v1/warehouses/{id}",
		Summary: "Read a warehouse", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "404 outside the caller's scope, as for an unknown warehouse."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *WarehouseIDInput) (*WarehouseOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			w, err := svc.FindWarehouse(ctx, unitOfWork(ctx), in.ID, reach)
			return &WarehouseOutput{Body: w}, err
		})
	register(api, huma.Operation{OperationID: "replace-warehouse", Method: http.MethodPut, Path: "/v1/warehouses/{id}",
		Summary: "Rename a warehouse or change whether it may go negative", Tags: tags,
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
		Description: "Its kind, region and site stay as created."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *ReplaceWarehouseInput) (*WarehouseOutput, error) {
			reach, err := s.stockReach(ctx)
			if err != nil {
				return nil, err
			}
			w, err := svc.UpdateWarehouse(ctx, unitOfWork(ctx), in.ID, in.Body.input(), reach)
			return &WarehouseOutput{Body: w}, err
		})
}
