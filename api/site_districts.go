package api

import (
	"context"
	"encoding/csv"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/district"
	"github.com/aftersales/aftersales/core/network"
)

// SiteDistrictItem is one division a site covers, in a request.
type SiteDistrictItem struct {
	Code     string `json:"code" minLength:"1" maxLength:"12" example:"440305" doc:"A GB/T 2260 code (GET /v1/divisions): a district's, or a city's or province's for the whole city or province."`
	Coverage string `json:"coverage,omitempty" enum:"primary,secondary" default:"primary" doc:"primary: the site's own territory; secondary: a backup territory, ranked after the sites covering the address as their primary territory or by their area."`
}

// SiteDistrict is one division a site covers, with its names.
type SiteDistrict struct {
	Code     string `json:"code" example:"440305"`
	Coverage string `json:"coverage" enum:"primary,secondary"`
	Name     string `json:"name" example:"南山区"`
	Level    string `json:"level" enum:"province,city,district"`
	Label    string `json:"label" example:"广东省深圳市南山区" doc:"The name with its province's and city's."`
}

type SiteDistrictsOutput struct {
	Body struct {
		SiteID  uuid.UUID      `json:"site_id"`
		Version string         `json:"version" doc:"The division table the names come from."`
		Items   []SiteDistrict `json:"items" doc:"By code."`
	}
}

type ReplaceSiteDistrictsInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Items []SiteDistrictItem `json:"items" maxItems:"1000" doc:"The site's whole coverage; an empty list removes it."`
	}
}

func siteDistrictsOutput(site uuid.UUID, ds []core.SiteDistrict) *SiteDistrictsOutput {
	t := district.Default()
	out := &SiteDistrictsOutput{}
	out.Body.SiteID, out.Body.Version = site, t.Version
	out.Body.Items = make([]SiteDistrict, len(ds))
	for i, d := range ds {
		div, _ := t.Lookup(d.Code)
		out.Body.Items[i] = SiteDistrict{Code: d.Code, Coverage: d.Coverage, Name: div.Name, Level: div.Level.String(),
			Label: network.Label(d.Code)}
	}
	return out
}

const siteDistrictCSVExample = "site,district,coverage\n" +
	"SZ-NS-001,440305,primary\n" +
	"SZ-NS-001,深圳市宝安区,secondary\n" +
	"SZ-NS-001,广东省东莞市,primary\n"

func registerSiteDistrictRoutes(api huma.API, s *Server, n NetworkServices) {
	tags := []string{"Sites"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResSites, Action: a} }
	register(api, huma.Operation{OperationID: "get-site-districts", Method: http.MethodGet, Path: "/v1/sites/{id}/districts",
		Summary: "The districts a site covers", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Dispatch finds the sites covering an address's district (its own code, its city's or its province's) " +
			"wherever they are, besides those whose area contains the address. 404 outside your scope."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *SiteIDInput) (*SiteDistrictsOutput, error) {
			if _, err := n.findSiteInScope(ctx, s, in.ID, perm(core.ActRead)); err != nil {
				return nil, err
			}
			ds, err := n.Network.FindSiteDistricts(ctx, unitOfWork(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			return siteDistrictsOutput(in.ID, ds), nil
		})
	register(api, huma.Operation{OperationID: "replace-site-districts", Method: http.MethodPut, Path: "/v1/sites/{id}/districts",
		Summary: "Replace the districts a site covers", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "The list becomes the site's whole coverage (recorded in the audit log). A code the platform's " +
			"division table does not hold, or a code given twice, is a 422 naming the item, and nothing changes. " +
			"404 outside your scope."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *ReplaceSiteDistrictsInput) (*SiteDistrictsOutput, error) {
			if _, err := n.findSiteInScope(ctx, s, in.ID, perm(core.ActUpdate)); err != nil {
				return nil, err
			}
			ds := make([]core.SiteDistrict, len(in.Body.Items))
			for i, it := range in.Body.Items {
				ds[i] = core.SiteDistrict{Code: it.Code, Coverage: it.Coverage}
			}
			stored, err := n.Network.ReplaceSiteDistricts(ctx, unitOfWork(ctx), in.ID, ds)
			if err != nil {
				return nil, err
			}
			return siteDistrictsOutput(in.ID, stored), nil
		})
	register(api, huma.Operation{OperationID: "import-site-districts", Method: http.MethodPost, Path: "/v1/site-districts/import",
		Summary: "Import the districts sites cover, from CSV", Tags: tags, MaxBodyBytes: maxImportBody, SkipValidateBody: true,
		Description: "Each row adds a division to a site's coverage, or changes the coverage of one it covers already; " +
			"divisions the file does not name are kept (remove them with PUT /v1/sites/{id}/districts). Needs " +
			"sites:update and your scope over each row's site. Every row is validated; the valid rows are written, " +
			"in one transaction, even when other rows fail, and the response reports each failed row (`row`: the CSV " +
			"line, the header being line 1) with the column and what is wrong: a site not in your scope, an unknown " +
			"code, a name that is no division's or names several (the candidates are listed), a bad coverage, a site " +
			"and division given twice. `created` counts the divisions added, `updated` those covered already. A bad " +
			"header or more than 20,000 rows is a 422 and nothing is written.\n\nCSV: UTF-8 (a BOM is allowed) or " +
			"GBK/GB18030 declared as `Content-Type: text/csv; charset=gbk`; columns in any order: `site` (a site code) " +
			"and `district` (a six-digit code, or a name such as 广东省深圳市南山区, 深圳南山区 or 南山区) are required; " +
			"`coverage` (primary, the default, or secondary); `district_name` is ignored (the export writes it).\n\n```csv\n" +
			siteDistrictCSVExample + "```"},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
			format, err := in.format()
			if err != nil {
				return nil, err
			}
			if format != "csv" {
				return nil, huma.Error415UnsupportedMediaType("send Content-Type text/csv")
			}
			rows, parsed, err := core.ParseSiteDistrictCSV(in.RawBody)
			if err != nil {
				return nil, err
			}
			rep, err := n.Network.ImportSiteDistricts(ctx, unitOfWork(ctx), rows, s.importGuard(core.ResSites))
			if err != nil {
				return nil, err
			}
			return &ImportOutput{Body: mergeReports(parsed, rep)}, nil
		})
	op := api.OpenAPI().Paths["/v1/site-districts/import"].Post
	op.RequestBody = &huma.RequestBody{Required: true, Description: "A CSV file.",
		Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}, Example: siteDistrictCSVExample}}}
	register(api, huma.Operation{OperationID: "export-site-districts", Method: http.MethodGet, Path: "/v1/site-districts/export",
		Summary: "Export the districts sites cover, as CSV", Tags: tags,
		Description: "Streams `site,district,coverage,district_name` rows for the sites in your scope, by site code then " +
			"division code, UTF-8 with a BOM (spreadsheets then read the Chinese names); the file imports back as it is.",
		Responses: map[string]*huma.Response{"200": {Description: "A CSV file.",
			Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}}}}},
		access{Who: accessTenant, Perm: perm(core.ActRead), Stream: true},
		func(ctx context.Context, _ *struct{}) (*huma.StreamResponse, error) {
			return &huma.StreamResponse{Body: func(hctx huma.Context) { s.exportSiteDistricts(ctx, hctx, n) }}, nil
		})
}

// exportSiteDistricts writes the coverage CSV from a read transaction of
// its own (the operation streams, outside the request's unit), flushing
// as it goes.
func (s *Server) exportSiteDistricts(ctx context.Context, hctx huma.Context, n NetworkServices) {
	p := principal(ctx)
	sc, err := s.callerScope(ctx)
	if err != nil {
		huma.WriteErr(s.api, hctx, 0, "", err)
		return
	}
	u := s.deps.Tx.Begin(ctx, p.TenantID)
	defer u.Rollback(ctx)
	hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
	hctx.SetHeader("Content-Disposition", `attachment; filename="site-districts.csv"`)
	hctx.SetStatus(http.StatusOK)
	bw := hctx.BodyWriter()
	_, _ = bw.Write([]byte("\xef\xbb\xbf"))
	w := csv.NewWriter(bw)
	_ = w.Write(core.SiteDistrictCSVColumns)
	flusher, _ := bw.(http.Flusher)
	rows := 0
	err = n.Network.ExportSiteDistricts(ctx, u, sc, func(r core.SiteDistrictRow) error {
		if err := w.Write([]string{r.SiteCode, r.Code, r.Coverage, network.Label(r.Code)}); err != nil {
			return err
		}
		if rows++; rows%1000 == 0 {
			w.Flush()
			if flusher != nil {
				flusher.Flush()
			}
		}
		return w.Error()
	})
	w.Flush()
	if err != nil {
		// The status is sent: a cut-off file is all the client can be told.
		s.deps.Log.Error("site districts export failed", "err", err)
	}
}
