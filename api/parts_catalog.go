package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
)

// PartBody is a catalogue entry as it is created or replaced.
type PartBody struct {
	Number         string   `json:"number" minLength:"1" maxLength:"64" example:"P-COMP-35"`
	NameZh         string   `json:"name_zh,omitempty" maxLength:"200" example:"压缩机"`
	NameEn         string   `json:"name_en,omitempty" maxLength:"200" example:"Compressor"`
	Models         []string `json:"models,omitempty" maxItems:"500" doc:"Codes of the product models the part fits."`
	Unit           string   `json:"unit,omitempty" maxLength:"16" default:"pcs"`
	CostMinor      int64    `json:"cost_minor" doc:"Cost in the currency's minor unit (fen); never negative."`
	SaleMinor      int64    `json:"sale_minor" doc:"Sale price in the currency's minor unit; never negative."`
	Currency       string   `json:"currency,omitempty" default:"CNY" maxLength:"3"`
	WarrantyMonths int      `json:"warranty_months,omitempty" doc:"The part's own warranty in months from the unit's purchase (0: none). Pricing takes the term of the part's component when the unit's 三包 policy lists it; else these months when set; else the unit's repair term (the refund and replacement windows come first)."`
	Component      string   `json:"component,omitempty" maxLength:"32" example:"compressor" doc:"The major component (主要部件) the part belongs to, by the code the 三包 policies list it under (letters, digits, '.', '_' or '-'); empty: none."`
	MustReturn     bool     `json:"must_return,omitempty"`
	Version        int      `json:"version,omitempty" doc:"On replace: the version read; 0: no check."`
}

func (b PartBody) input() parts.PartInput {
	return parts.PartInput{Number: b.Number, NameZh: b.NameZh, NameEn: b.NameEn, Models: b.Models, Unit: b.Unit,
		CostMinor: b.CostMinor, SaleMinor: b.SaleMinor, Currency: b.Currency, WarrantyMonths: b.WarrantyMonths,
		Component: b.Component, MustReturn: b.MustReturn, Version: b.Version}
}

type CreatePartInput struct{ Body PartBody }

type ReplacePartInput struct {
	ID   uuid.UUID `path:"id"`
	Body PartBody
}

type PartIDInput struct {
	ID uuid.UUID `path:"id"`
}

type PartOutput struct{ Body *parts.Part }

type ListCatalogInput struct {
	ListParams
	Query string `query:"q" maxLength:"100" doc:"A fragment of the part number or of a name."`
	Model string `query:"model" maxLength:"64" doc:"Only parts that fit this product model code."`
}

type ListCatalogOutput struct {
	Body struct {
		Items []*parts.Part `json:"items" nullable:"false"`
		Page
	}
}

// registerPartCatalogRoutes serves the built-in parts catalogue under
// /v1/parts/catalog (GET /v1/parts stays the ERP plugin's look-up).
// Reading takes parts:read; writing parts:update (parts clerks and tenant
// admins; site staff hold parts:read and parts:create, for reservations).
func registerPartCatalogRoutes(api huma.API, svc *parts.Service) {
	tags := []string{"Parts catalogue"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResParts, Action: a} }
	register(api, huma.Operation{OperationID: "list-catalog-parts", Method: http.MethodGet, Path: "/v1/parts/catalog",
		Summary: "List the parts catalogue", Tags: tags, Description: "In part-number order."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListCatalogInput) (*ListCatalogOutput, error) {
			items, next, err := svc.FindParts(ctx, unitOfWork(ctx), parts.PartFilter{Query: in.Query, Model: in.Model,
				After: in.Cursor, Limit: in.Limit})
			out := &ListCatalogOutput{}
			out.Body.Items, out.Body.Next = items, next
			if out.Body.Items == nil {
				out.Body.Items = []*parts.Part{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "create-catalog-part", Method: http.MethodPost, Path: "/v1/parts/catalog",
		Summary: "Add a part to the catalogue", Tags: tags, DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
		Description: "422 names the field (an unknown model code, a negative price); 409 when the number is taken."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *CreatePartInput) (*PartOutput, error) {
			p, err := svc.CreatePart(ctx, unitOfWork(ctx), in.Body.input())
			return &PartOutput{Body: p}, err
		})
	register(api, huma.Operation{OperationID: "get-catalog-part", Method: http.MethodGet, Path: "/v1/parts/catalog/{id}/detail",
		Summary: "Read a catalogue part", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Under /detail because GET /v1/parts/{code}/stock is the ERP plugin's."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *PartIDInput) (*PartOutput, error) {
			p, err := svc.FindPart(ctx, unitOfWork(ctx), in.ID)
			return &PartOutput{Body: p}, err
		})
	register(api, huma.Operation{OperationID: "replace-catalog-part", Method: http.MethodPut, Path: "/v1/parts/catalog/{id}",
		Summary: "Replace a catalogue part", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "409 on a stale version or a taken number."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *ReplacePartInput) (*PartOutput, error) {
			p, err := svc.UpdatePart(ctx, unitOfWork(ctx), in.ID, in.Body.input())
			return &PartOutput{Body: p}, err
		})
	register(api, huma.Operation{OperationID: "delete-catalog-part", Method: http.MethodDelete, Path: "/v1/parts/catalog/{id}",
		Summary: "Remove a part that never moved", Tags: tags, DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusNotFound, http.StatusConflict}, Description: "409 when the ledger names the part."},
		access{Who: accessTenant, Perm: perm(core.ActDelete)},
		func(ctx context.Context, in *PartIDInput) (*struct{}, error) {
			return nil, svc.DeletePart(ctx, unitOfWork(ctx), in.ID)
		})
}
