package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/catalog"
)

type ProductLineCodeInput struct {
	Code string `path:"code" minLength:"1" maxLength:"32" example:"AC"`
}

type UpdateProductLineInput struct {
	Code string `path:"code" minLength:"1" maxLength:"32" example:"AC"`
	Body struct {
		Version int     `json:"version" minimum:"1" doc:"The version you read; a stale one gets 409."`
		NameZh  *string `json:"name_zh,omitempty" minLength:"1" maxLength:"100"`
		NameEn  *string `json:"name_en,omitempty" minLength:"1" maxLength:"100"`
		Status  *string `json:"status,omitempty" enum:"active,retired" doc:"retired: no new models; what refers to the line keeps it."`
	}
}

type ProductModelIDInput struct {
	ID uuid.UUID `path:"id"`
}

type UpdateProductModelInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version        int      `json:"version" minimum:"1" doc:"The version you read; a stale one gets 409."`
		Code           *string  `json:"code,omitempty" minLength:"1" maxLength:"32" pattern:"^[A-Za-z0-9._-]+$"`
		Name           *string  `json:"name,omitempty" minLength:"1" maxLength:"100"`
		WarrantyMonths *int     `json:"warranty_months,omitempty" minimum:"0" maximum:"240" doc:"Applies to every unit of the model from the next read."`
		LabourHours    *float64 `json:"labour_hours,omitempty" minimum:"0" maximum:"9999" doc:"Standard labour per service, in hours (rounded to hundredths)."`
		Status         *string  `json:"status,omitempty" enum:"active,retired" doc:"retired: no longer sold; its units keep it."`
	}
}

// registerProductEditRoutes adds reading one product line or model and
// changing them. Nothing of the catalogue is deleted: units, sites, work
// orders and fault codes refer to lines and models, which are retired
// instead. Every change is recorded in the audit log.
func registerProductEditRoutes(api huma.API, cat *catalog.Service) {
	tags := []string{"Products"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResCatalog, Action: a} }
	register(api, huma.Operation{OperationID: "get-product-line", Method: http.MethodGet, Path: "/v1/product-lines/{code}",
		Summary: "Get a product line", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "A line of the caller's tenant, active or retired, with the version a PATCH sends back."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ProductLineCodeInput) (*ProductLineOutput, error) {
			l, err := cat.FindProductLine(ctx, unitOfWork(ctx), in.Code)
			return &ProductLineOutput{Body: l}, err
		})
	register(api, huma.Operation{OperationID: "update-product-line", Method: http.MethodPatch, Path: "/v1/product-lines/{code}",
		Summary: "Rename, retire or reactivate a product line", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Changes the fields given. The code is the line's key and stays. A product line is never deleted: " +
			"retire it (`status: retired`) and it takes no new models, while its models, units, sites' authorisations, " +
			"work orders and fault codes keep it."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *UpdateProductLineInput) (*ProductLineOutput, error) {
			b := in.Body
			l, err := cat.UpdateProductLine(ctx, unitOfWork(ctx), in.Code, core.ProductLineUpdate{Version: b.Version,
				NameZh: b.NameZh, NameEn: b.NameEn, Status: b.Status})
			return &ProductLineOutput{Body: l}, err
		})
	register(api, huma.Operation{OperationID: "get-product-model", Method: http.MethodGet, Path: "/v1/product-models/{id}",
		Summary: "Get a product model", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "A model of the caller's tenant, active or retired, with the version a PATCH sends back."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ProductModelIDInput) (*ProductModelOutput, error) {
			m, err := cat.FindProductModelByID(ctx, unitOfWork(ctx), in.ID)
			return &ProductModelOutput{Body: m}, err
		})
	register(api, huma.Operation{OperationID: "update-product-model", Method: http.MethodPatch, Path: "/v1/product-models/{id}",
		Summary: "Update or retire a product model", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Changes the fields given; the product line stays. The code must stay unique in the tenant (409). " +
			"A model is never deleted: retire it (`status: retired`) and its units keep it."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *UpdateProductModelInput) (*ProductModelOutput, error) {
			b := in.Body
			m, err := cat.UpdateProductModel(ctx, unitOfWork(ctx), in.ID, core.ProductModelUpdate{Version: b.Version,
				Code: b.Code, Name: b.Name, WarrantyMonths: b.WarrantyMonths, LabourHours: b.LabourHours, Status: b.Status})
			return &ProductModelOutput{Body: m}, err
		})
}
