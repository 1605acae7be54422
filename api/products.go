package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/catalog"
	"github.com/aftersales/aftersales/core/customer"
)

type CreateProductLineInput struct {
	Body struct {
		Code   string `json:"code" minLength:"1" maxLength:"32" example:"AC"`
		NameZh string `json:"name_zh" minLength:"1" maxLength:"100" example:"空调"`
		NameEn string `json:"name_en" minLength:"1" maxLength:"100" example:"Air conditioners"`
	}
}

type ProductLineOutput struct{ Body *core.ProductLine }

type ListProductLinesInput struct {
	ListParams
	Status string `query:"status" enum:"active,retired," doc:"Only lines in this status."`
}

type ListProductLinesOutput struct {
	Body struct {
		Items []*core.ProductLine `json:"items"`
		Page
	}
}

type CreateProductModelInput struct {
	Body struct {
		ProductLine    string   `json:"product_line" minLength:"1" maxLength:"32" example:"AC"`
		Code           string   `json:"code" minLength:"1" maxLength:"32" example:"KFR-35GW"`
		Name           string   `json:"name" minLength:"1" maxLength:"100" example:"壁挂式空调 1.5 匹"`
		WarrantyMonths int      `json:"warranty_months" minimum:"0" maximum:"240" example:"36"`
		LabourHours    *float64 `json:"labour_hours,omitempty" minimum:"0" maximum:"9999" example:"1.5" doc:"Standard labour per service, in hours; default 1."`
	}
}

type ProductModelOutput struct{ Body *core.ProductModel }

type ListProductModelsInput struct {
	ListParams
	ProductLine string `query:"product_line" maxLength:"32"`
	Status      string `query:"status" enum:"active,retired," doc:"Only models in this status."`
}

type ListProductModelsOutput struct {
	Body struct {
		Items []*core.ProductModel `json:"items"`
		Page
	}
}

type RegisterUnitInput struct {
	Body struct {
		CustomerID   uuid.UUID  `json:"customer_id"`
		ModelID      uuid.UUID  `json:"model_id"`
		Serial       string     `json:"serial" minLength:"1" maxLength:"64" example:"KFR35GW2501310001"`
		PurchaseDate string     `json:"purchase_date" format:"date" example:"2025-01-31"`
		DealerSiteID *uuid.UUID `json:"dealer_site_id,omitempty" doc:"The site (dealer) that sold it."`
	}
}

type UnitOutput struct{ Body *core.Unit }

type UpdateUnitInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version      int        `json:"version" minimum:"1" doc:"The version you read; a stale one gets 409."`
		ModelID      *uuid.UUID `json:"model_id,omitempty"`
		Serial       *string    `json:"serial,omitempty" minLength:"1" maxLength:"64" example:"KFR35GW2501310001"`
		PurchaseDate *string    `json:"purchase_date,omitempty" format:"date" example:"2025-01-31"`
		DealerSiteID *uuid.UUID `json:"dealer_site_id,omitempty" doc:"The site (dealer) that sold it."`
	}
}

type UnitIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ListUnitsInput struct {
	ListParams
	Serial     string `query:"serial" maxLength:"64" doc:"The unit with this serial."`
	CustomerID string `query:"customer_id" format:"uuid" doc:"The units of this customer."`
}

type ListUnitsOutput struct {
	Body struct {
		Items []*core.Unit `json:"items"`
		Page
	}
}

func registerProductRoutes(api huma.API, s *Server, cat *catalog.Service, customers *customer.Service) {
	tags := []string{"Products"}
	catalog := func(a string) core.Permission { return core.Permission{Resource: core.ResCatalog, Action: a} }
	units := func(a string) core.Permission { return core.Permission{Resource: core.ResUnits, Action: a} }
	register(api, huma.Operation{OperationID: "create-product-line", Method: http.MethodPost, Path: "/v1/product-lines",
		Summary: "Create a product line", Tags: tags, DefaultStatus: http.StatusCreated},
		access{Who: accessTenant, Perm: catalog(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateProductLineInput) (*ProductLineOutput, error) {
			l, err := cat.CreateProductLine(ctx, unitOfWork(ctx), core.ProductLine{Code: in.Body.Code, NameZh: in.Body.NameZh, NameEn: in.Body.NameEn})
			return &ProductLineOutput{Body: l}, err
		})
	register(api, huma.Operation{OperationID: "list-product-lines", Method: http.MethodGet, Path: "/v1/product-lines",
		Summary: "List product lines", Tags: tags, Description: "Ordered by code."},
		access{Who: accessTenant, Perm: catalog(core.ActRead)},
		func(ctx context.Context, in *ListProductLinesInput) (*ListProductLinesOutput, error) {
			items, next, err := cat.FindProductLines(ctx, unitOfWork(ctx), core.ProductLineFilter{Status: in.Status,
				After: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListProductLinesOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "create-product-model", Method: http.MethodPost, Path: "/v1/product-models",
		Summary: "Create a product model", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The product line must be one of the tenant's and active (422 otherwise)."},
		access{Who: accessTenant, Perm: catalog(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateProductModelInput) (*ProductModelOutput, error) {
			b := in.Body
			m, err := cat.CreateProductModel(ctx, unitOfWork(ctx), core.NewProductModel{ProductLine: b.ProductLine, Code: b.Code,
				Name: b.Name, WarrantyMonths: b.WarrantyMonths, LabourHours: b.LabourHours})
			return &ProductModelOutput{Body: m}, err
		})
	register(api, huma.Operation{OperationID: "list-product-models", Method: http.MethodGet, Path: "/v1/product-models",
		Summary: "List product models", Tags: tags, Description: "Ordered by code."},
		access{Who: accessTenant, Perm: catalog(core.ActRead)},
		func(ctx context.Context, in *ListProductModelsInput) (*ListProductModelsOutput, error) {
			items, next, err := cat.FindProductModels(ctx, unitOfWork(ctx), core.ProductModelFilter{ProductLine: in.ProductLine,
				Status: in.Status, After: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListProductModelsOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	registerProductEditRoutes(api, cat)
	register(api, huma.Operation{OperationID: "register-unit", Method: http.MethodPost, Path: "/v1/units",
		Summary: "Register a unit", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Records that a customer owns a product: serial, model, purchase date. The serial is unique " +
			"in the tenant (409). The response shows the warranty: in warranty until the purchase date plus the " +
			"model's warranty months. A customer the caller may not see is refused as unknown (422). " + customerSight},
		access{Who: accessTenant, Perm: units(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *RegisterUnitInput) (*UnitOutput, error) {
			b := in.Body
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			u, err := customers.RegisterUnit(ctx, unitOfWork(ctx), v, core.NewUnit{CustomerID: b.CustomerID, ModelID: b.ModelID,
				Serial: b.Serial, PurchaseDate: b.PurchaseDate, DealerSiteID: b.DealerSiteID}, tenantToday(ctx))
			return &UnitOutput{Body: u}, err
		})
	register(api, huma.Operation{OperationID: "get-unit", Method: http.MethodGet, Path: "/v1/units/{id}",
		Summary: "Get a unit with its warranty status", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: customerSight + notInSight},
		access{Who: accessTenant, Perm: units(core.ActRead)},
		func(ctx context.Context, in *UnitIDInput) (*UnitOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			u, err := customers.FindUnitByID(ctx, unitOfWork(ctx), v, in.ID, tenantToday(ctx))
			return &UnitOutput{Body: u}, err
		})
	register(api, huma.Operation{OperationID: "update-unit", Method: http.MethodPatch, Path: "/v1/units/{id}",
		Summary: "Change a unit", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Changes the fields given (model, serial, purchase date, dealer site), checked as in " +
			"register-unit: the serial stays unique in the tenant (409), the purchase date may not be in the future. " +
			"The response shows the warranty recomputed. The change is recorded in the audit log. " +
			customerSight + notInSight},
		access{Who: accessTenant, Perm: units(core.ActUpdate)},
		func(ctx context.Context, in *UpdateUnitInput) (*UnitOutput, error) {
			b := in.Body
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			u, err := customers.UpdateUnit(ctx, unitOfWork(ctx), v, in.ID, core.UnitUpdate{Version: b.Version, ModelID: b.ModelID,
				Serial: b.Serial, PurchaseDate: b.PurchaseDate, DealerSiteID: b.DealerSiteID}, tenantToday(ctx))
			return &UnitOutput{Body: u}, err
		})
	register(api, huma.Operation{OperationID: "list-units", Method: http.MethodGet, Path: "/v1/units",
		Summary: "Find units by serial or customer", Tags: tags, Description: "Ordered by serial, with warranty status; " +
			"only the units of customers the caller may see. " + customerSight},
		access{Who: accessTenant, Perm: units(core.ActRead)},
		func(ctx context.Context, in *ListUnitsInput) (*ListUnitsOutput, error) {
			f := core.UnitFilter{Serial: in.Serial, After: in.Cursor, Limit: in.Limit}
			if in.CustomerID != "" {
				id, err := uuid.Parse(in.CustomerID)
				if err != nil {
					return nil, core.FieldError("customer_id", "is not a UUID")
				}
				f.CustomerID = &id
			}
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			items, next, err := customers.FindUnits(ctx, unitOfWork(ctx), v, f, tenantToday(ctx))
			if err != nil {
				return nil, err
			}
			out := &ListUnitsOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
}
