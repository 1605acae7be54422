package api

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/catalog"
)

type PutServiceTypeInput struct {
	Code string `path:"code" minLength:"1" maxLength:"32" example:"repair"`
	Body struct {
		NameZh          string `json:"name_zh" minLength:"1" maxLength:"100" example:"报修"`
		NameEn          string `json:"name_en" minLength:"1" maxLength:"100" example:"Repair"`
		Field           bool   `json:"field" doc:"Needs a technician on site: orders of this type are dispatched."`
		RespondMinutes  int    `json:"respond_minutes" minimum:"0" maximum:"525600" example:"120" doc:"SLA: working minutes to the first response; 0 for none."`
		ArriveMinutes   int    `json:"arrive_minutes" minimum:"0" maximum:"525600" example:"1440" doc:"SLA: working minutes to arrival on site (field types only); 0 for none."`
		CompleteMinutes int    `json:"complete_minutes" minimum:"0" maximum:"525600" example:"4320" doc:"SLA: working minutes to completion; 0 for none."`
	}
}

type PutServiceTypeOutput struct {
	Status int
	Body   *core.ServiceType
}

type ListServiceTypesOutput struct {
	Body struct {
		Items []*core.ServiceType `json:"items"`
		Page
	}
}

// FaultCodeFields are a fault code as written in create and import requests.
type FaultCodeFields struct {
	Kind        string `json:"kind" enum:"symptom,cause,object,action"`
	Code        string `json:"code" minLength:"1" maxLength:"32" example:"E1-01"`
	ParentCode  string `json:"parent_code,omitempty" maxLength:"32" example:"E1" doc:"A code of the same kind; it must exist (or come in the same import)."`
	ProductLine string `json:"product_line,omitempty" maxLength:"32" example:"AC" doc:"Only for this product line; omitted: for all lines, or the parent's line."`
	NameZh      string `json:"name_zh" minLength:"1" maxLength:"100" example:"不制冷"`
	NameEn      string `json:"name_en" minLength:"1" maxLength:"100" example:"Not cooling"`
}

func (f *FaultCodeFields) faultCode() core.FaultCode {
	c := core.FaultCode{Kind: f.Kind, Code: f.Code, NameZh: f.NameZh, NameEn: f.NameEn}
	if f.ParentCode != "" {
		c.ParentCode = &f.ParentCode
	}
	if f.ProductLine != "" {
		c.ProductLine = &f.ProductLine
	}
	return c
}

type CreateFaultCodeInput struct {
	Body FaultCodeFields
}

type FaultCodeOutput struct{ Body *core.FaultCode }

type ListFaultCodesInput struct {
	ListParams
	Kind        string `query:"kind" enum:"symptom,cause,object,action,"`
	ProductLine string `query:"product_line" maxLength:"32" doc:"The codes usable on this line: its own and those for all lines."`
	Parent      string `query:"parent" maxLength:"32" doc:"The children of this code."`
	RootsOnly   bool   `query:"roots_only" doc:"Only codes without a parent."`
}

type ListFaultCodesOutput struct {
	Body struct {
		Items []*core.FaultCode `json:"items"`
		Page
	}
}

const faultCodeCSVExample = "kind,code,parent_code,product_line,name_zh,name_en\n" +
	"symptom,E1,,AC,不制冷,Not cooling\n" +
	"symptom,E1-01,E1,,制冷效果差,Cools poorly\n"

func registerCatalogRoutes(api huma.API, s *Server, cat *catalog.Service) {
	tags := []string{"Catalogues"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResCatalog, Action: a} }
	register(api, huma.Operation{OperationID: "put-service-type", Method: http.MethodPut, Path: "/v1/service-types/{code}",
		Summary: "Create or replace a service type", Tags: tags,
		Description: "Service types classify requests (repair 报修, consultation 咨询…) and carry their SLA targets. " +
			"201 when created, 200 when replaced.",
		Responses: map[string]*huma.Response{"201": {Description: "Created.", Content: map[string]*huma.MediaType{
			"application/json": {Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[core.ServiceType](), true, "")}}}}},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *PutServiceTypeInput) (*PutServiceTypeOutput, error) {
			b := in.Body
			t, created, err := cat.PutServiceType(ctx, unitOfWork(ctx), core.ServiceType{Code: in.Code, NameZh: b.NameZh,
				NameEn: b.NameEn, Field: b.Field, RespondMinutes: b.RespondMinutes, ArriveMinutes: b.ArriveMinutes,
				CompleteMinutes: b.CompleteMinutes})
			if err != nil {
				return nil, err
			}
			out := &PutServiceTypeOutput{Status: http.StatusOK, Body: t}
			if created {
				out.Status = http.StatusCreated
			}
			return out, nil
		})
	register(api, huma.Operation{OperationID: "list-service-types", Method: http.MethodGet, Path: "/v1/service-types",
		Summary: "List service types", Tags: tags, Description: "Ordered by code."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListParams) (*ListServiceTypesOutput, error) {
			items, next, err := cat.FindServiceTypes(ctx, unitOfWork(ctx), in.Cursor, in.Limit)
			if err != nil {
				return nil, err
			}
			out := &ListServiceTypesOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "create-fault-code", Method: http.MethodPost, Path: "/v1/fault-codes",
		Summary: "Create a fault code", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Symptom, cause, object and action codes (故障现象码、原因码、对象码、维修措施码) form a tree per " +
			"kind. A code under a parent that belongs to a product line belongs to that line too."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateFaultCodeInput) (*FaultCodeOutput, error) {
			f, err := cat.CreateFaultCode(ctx, unitOfWork(ctx), in.Body.faultCode())
			return &FaultCodeOutput{Body: f}, err
		})
	register(api, huma.Operation{OperationID: "list-fault-codes", Method: http.MethodGet, Path: "/v1/fault-codes",
		Summary: "List fault codes", Tags: tags, Description: "Ordered by kind and code."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListFaultCodesInput) (*ListFaultCodesOutput, error) {
			items, next, err := cat.FindFaultCodes(ctx, unitOfWork(ctx), core.FaultCodeFilter{Kind: in.Kind,
				ProductLine: in.ProductLine, Parent: in.Parent, RootsOnly: in.RootsOnly, After: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListFaultCodesOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "import-fault-codes", Method: http.MethodPost, Path: "/v1/fault-codes/import",
		Summary: "Import fault codes from CSV or JSON", Tags: tags, MaxBodyBytes: maxImportBody, SkipValidateBody: true,
		RequestBody: s.importBody(reflect.TypeFor[[]FaultCodeFields](), "A CSV file, or a JSON array of fault codes."),
		Description: "Creates up to 20,000 fault codes in one transaction. Parents may come before or after their " +
			"children in the file. Every row is validated; the valid rows are created even when other rows " +
			"fail, and the response reports each failed row (`row`: the CSV line where the record starts, the " +
			"header being line 1, or the 1-based position in the JSON array) with the field and what is wrong: " +
			"an unknown parent or product line, a code that exists already, a repeated code, a loop of parents. " +
			"A file-level problem (bad header, not a JSON array, more than 20,000 rows) is a 422 and nothing is " +
			"written.\n\nCSV: UTF-8 (a BOM is allowed), or GBK/GB18030 declared as " +
			"`Content-Type: text/csv; charset=gbk`; a header row naming the columns in any order: `kind` (symptom, " +
			"cause, object or action), `code`, `name_zh`, `name_en` are required; `parent_code` (a code of the same " +
			"kind) and `product_line` are optional.\n\n```csv\n" + faultCodeCSVExample + "```"},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
			format, err := in.format()
			if err != nil {
				return nil, err
			}
			var rows []core.FaultCodeImportRow
			var parsed *core.ImportReport
			if format == "csv" {
				rows, parsed, err = core.ParseFaultCodeCSV(in.RawBody)
			} else {
				rows, parsed, err = parseFaultCodeJSON(in.RawBody)
			}
			if err != nil {
				return nil, err
			}
			rep, err := cat.ImportFaultCodes(ctx, unitOfWork(ctx), rows)
			if err != nil {
				return nil, err
			}
			return &ImportOutput{Body: mergeReports(parsed, rep)}, nil
		})
	s.documentCSV("/v1/fault-codes/import", faultCodeCSVExample)
}

func parseFaultCodeJSON(data []byte) ([]core.FaultCodeImportRow, *core.ImportReport, error) {
	return parseJSONRows(data, func(n int, it *FaultCodeFields) core.FaultCodeImportRow {
		return core.FaultCodeImportRow{Row: n, Code: it.faultCode()}
	})
}
