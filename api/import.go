package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

// maxImportBody is the body limit of the import operations: about 20,000
// rows of CSV.
const maxImportBody = 20 << 20

// ImportInput is the body of an import: CSV or a JSON array, told apart by
// Content-Type and parsed by the handler, so that one bad row fails alone
// instead of the whole request.
type ImportInput struct {
	RawBody     []byte `contentType:"text/csv"`
	contentType string
}

// Resolve keeps the Content-Type (Huma would document a Content-Type
// header parameter, which OpenAPI forbids).
func (in *ImportInput) Resolve(ctx huma.Context) []error {
	in.contentType = ctx.Header("Content-Type")
	return nil
}

// format returns "csv" or "json".
func (in *ImportInput) format() (string, error) {
	mt, params, err := mime.ParseMediaType(in.contentType)
	if err != nil {
		mt = ""
	}
	cs := strings.ToLower(params["charset"])
	utf := cs == "" || cs == "utf-8" || cs == "utf8"
	switch {
	case mt == "text/csv" && (utf || gbCharsets[cs]): // checkBody decoded GB charsets
		return "csv", nil
	case mt == "text/csv":
		return "", huma.Error415UnsupportedMediaType("CSV is accepted in UTF-8 or GBK (GB18030); save the file as CSV UTF-8")
	case mt == "application/json" && utf:
		return "json", nil
	case mt == "application/json":
		return "", huma.Error415UnsupportedMediaType("JSON is accepted in UTF-8 only")
	}
	return "", huma.Error415UnsupportedMediaType("send Content-Type text/csv or application/json")
}

type ImportOutput struct{ Body *core.ImportReport }

// SiteImportItem is one element of a JSON site import: a site as in POST
// /v1/sites, with the region by ID or by code.
type SiteImportItem struct {
	RegionID   *uuid.UUID `json:"region_id,omitempty" doc:"The site's region; or give region_code."`
	RegionCode string     `json:"region_code,omitempty" maxLength:"32" example:"GD-SZ" doc:"The code of the site's region, instead of region_id."`
	SiteFields
}

// TechnicianImportItem is one element of a JSON technician import: a
// technician as in POST /v1/technicians, with the site by ID or code and
// the user by ID or username.
type TechnicianImportItem struct {
	SiteID   *uuid.UUID `json:"site_id,omitempty" doc:"The technician's site; or give site_code."`
	SiteCode string     `json:"site_code,omitempty" maxLength:"32" example:"SZ-NS-001" doc:"The code of the site, instead of site_id."`
	UserID   *uuid.UUID `json:"user_id,omitempty" doc:"The linked user; or give username. Omitted: none, or unchanged on update."`
	Username string     `json:"username,omitempty" maxLength:"64" doc:"The linked user's username, instead of user_id."`
	TechnicianFields
}

const importRules = "\n\nEvery row is validated; the valid rows are written, in one transaction, even when other " +
	"rows fail, and the response reports each failed row (`row`: the CSV line where the record starts, the header " +
	"being line 1, or the 1-based position in the JSON array) with the field and what is wrong. A row whose code " +
	"exists updates that object (upsert by code): fields it leaves out (an empty CSV cell, an omitted JSON field) " +
	"keep their values, or take their defaults on create. A code repeated in the file fails on its later rows. " +
	"Rows outside your scope fail. A file-level problem (bad header, not a JSON array, more than 20,000 rows) " +
	"is a 422 and nothing is written.\n\nCSV: UTF-8 (a BOM is allowed), or GBK/GB18030 declared as " +
	"`Content-Type: text/csv; charset=gbk` (what spreadsheets in a Chinese locale save); a header row naming the " +
	"columns in any order, lists separated by `|`."

const siteCSVExample = "code,name,kind,region,lat,lon,radius_km,product_lines,working_hours\n" +
	"SZ-NS-001,深圳南山服务站,service_station,GD-SZ,22.5431,113.9298,15,AC|FRIDGE,mon-fri=08:30-12:00;13:30-18:00|sat=09:00-12:00\n"

const technicianCSVExample = "code,name,phone,site,user,skills,tags\n" +
	"T-0001,王师傅,+8613800138000,SZ-NS-001,wang.shifu,AC|install,senior|gas-certified\n"

func registerImportRoutes(api huma.API, s *Server, n NetworkServices) {
	register(api, huma.Operation{OperationID: "import-sites", Method: http.MethodPost, Path: "/v1/sites/import",
		Summary: "Import service sites from CSV or JSON", Tags: []string{"Sites"},
		MaxBodyBytes: maxImportBody, SkipValidateBody: true,
		RequestBody: s.importBody(reflect.TypeFor[[]SiteImportItem](), "A CSV file, or a JSON array of sites."),
		Description: "Creates or updates up to 20,000 sites. Needs sites:create, and sites:update for existing codes." +
			importRules + "\n\nCSV columns: `code`, `name`, `kind`, `region` (a region code), `lat`, `lon` are required; " +
			"then `radius_km`, or `polygon` (`lat lon|lat lon|lat lon|…`), or `districts` alone (division codes or names " +
			"separated by `;` or `|`, e.g. `440305;440306`, added to the site's coverage as primary; a site with neither " +
			"radius nor polygon covers only its districts); optionally `address`, `phone`, " +
			"`product_lines` (`AC|FRIDGE`), `skills`, `tags` (`24h|flagship`), `daily_capacity`, `working_hours` " +
			"(days or day ranges with their intervals separated by `;`: " +
			"`mon-fri=08:30-12:00;13:30-18:00|sat=09:00-12:00`), `status`, `reputation`, `auto_assign` (true or false).\n\n```csv\n" + siteCSVExample + "```"},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResSites, Action: core.ActCreate},
			Idempotent: true, ChangesAccess: true},
		func(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
			format, err := in.format()
			if err != nil {
				return nil, err
			}
			var rows []core.SiteImportRow
			var parsed *core.ImportReport
			if format == "csv" {
				rows, parsed, err = core.ParseSiteCSV(in.RawBody)
			} else {
				rows, parsed, err = parseSiteJSON(in.RawBody)
			}
			if err != nil {
				return nil, err
			}
			rep, err := n.Network.ImportSites(ctx, unitOfWork(ctx), rows, s.importGuard(core.ResSites))
			if err != nil {
				return nil, err
			}
			if format == "csv" {
				rep.RenameFields(core.SiteCSVColumn)
			}
			return &ImportOutput{Body: mergeReports(parsed, rep)}, nil
		})
	s.documentCSV("/v1/sites/import", siteCSVExample)
	register(api, huma.Operation{OperationID: "import-technicians", Method: http.MethodPost, Path: "/v1/technicians/import",
		Summary: "Import technicians from CSV or JSON", Tags: []string{"Technicians"},
		MaxBodyBytes: maxImportBody, SkipValidateBody: true,
		RequestBody: s.importBody(reflect.TypeFor[[]TechnicianImportItem](), "A CSV file, or a JSON array of technicians."),
		Description: "Creates or updates up to 20,000 technicians. Needs technicians:create, and technicians:update " +
			"for existing codes; your scope must cover each technician's site." + importRules +
			"\n\nCSV columns: `code`, `name`, `phone`, `site` (a site code) are required; optionally `user` (the " +
			"username of the linked user), `skills` (`AC|install`), `tags` (`senior|gas-certified`), `status` " +
			"(available, busy or off).\n\n```csv\n" + technicianCSVExample + "```"},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTechnicians, Action: core.ActCreate}, Idempotent: true},
		func(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
			format, err := in.format()
			if err != nil {
				return nil, err
			}
			var rows []core.TechnicianImportRow
			var parsed *core.ImportReport
			if format == "csv" {
				rows, parsed, err = core.ParseTechnicianCSV(in.RawBody)
			} else {
				rows, parsed, err = parseTechnicianJSON(in.RawBody)
			}
			if err != nil {
				return nil, err
			}
			rep, err := n.Network.ImportTechnicians(ctx, unitOfWork(ctx), rows, s.importGuard(core.ResTechnicians))
			if err != nil {
				return nil, err
			}
			if format == "csv" {
				rep.RenameFields(core.TechnicianCSVColumn)
			}
			return &ImportOutput{Body: mergeReports(parsed, rep)}, nil
		})
	s.documentCSV("/v1/technicians/import", technicianCSVExample)
}

// importBody documents the JSON form of an import body: an array of t's
// elements. Huma adds the text/csv form from ImportInput.RawBody.
func (s *Server) importBody(t reflect.Type, desc string) *huma.RequestBody {
	schema := s.api.OpenAPI().Components.Schemas.Schema(t, true, "")
	schema.Nullable = false
	return &huma.RequestBody{Required: true, Description: desc,
		Content: map[string]*huma.MediaType{"application/json": {Schema: schema}}}
}

// documentCSV replaces the generic binary schema Huma gives a raw body with
// a text one and an example.
func (s *Server) documentCSV(path, example string) {
	op := s.api.OpenAPI().Paths[path].Post
	op.RequestBody.Content["text/csv"] = &huma.MediaType{Schema: &huma.Schema{Type: "string"}, Example: example}
}

// importGuard checks each imported row against the caller's permission
// and scope.
func (s *Server) importGuard(resource string) network.ImportGuard {
	return func(ctx context.Context, action string, t core.Target) error {
		return s.authorize(ctx, core.Permission{Resource: resource, Action: action}, t)
	}
}

// mergeReports adds the store's report on the parsed rows to the parser's
// report, which counted every row of the file.
func mergeReports(parsed, stored *core.ImportReport) *core.ImportReport {
	out := *stored
	out.Total = parsed.Total
	out.Errors = append(append([]core.ImportError{}, parsed.Errors...), stored.Errors...)
	out.Finish()
	return &out
}

// jsonItems splits a JSON array into its elements, so each is decoded (and
// fails) alone.
func jsonItems(data []byte) ([]json.RawMessage, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil || items == nil {
		return nil, core.Errorf(core.EINVALID, "the body must be a JSON array of objects")
	}
	if len(items) > core.MaxImportRows {
		return nil, core.Errorf(core.EINVALID, "the body has more than %d rows; split it", core.MaxImportRows)
	}
	return items, nil
}

// decodeItem decodes one element strictly: unknown fields and wrong types
// are errors naming the field.
func decodeItem(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if bytes.TrimSpace(raw)[0] != '{' {
			return core.Errorf(core.EINVALID, "must be a JSON object")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return core.Errorf(core.EINVALID, "must be a JSON object")
		}
		return core.FieldError(jsonPath(te.Field), "must be %s", jsonKind(te.Type))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return core.FieldError(strings.Trim(name, `"`), "is not a known field")
	}
	return core.Errorf(core.EINVALID, "%s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonPath drops the Go names of embedded structs (SiteFields…) that
// encoding/json puts in a field's path, leaving the JSON names.
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && !(p[0] >= 'A' && p[0] <= 'Z') {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number in range"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "a whole number in range"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return fmt.Sprintf("of type %s", t)
}

// parseJSONRows decodes a JSON import body item by item into rows (n is
// the item's 1-based position); an item that does not decode fails alone
// in the report.
func parseJSONRows[I, R any](data []byte, row func(n int, it *I) R) ([]R, *core.ImportReport, error) {
	items, err := jsonItems(data)
	if err != nil {
		return nil, nil, err
	}
	rep := &core.ImportReport{Total: len(items)}
	rows := make([]R, 0, len(items))
	for i, raw := range items {
		var it I
		if err := decodeItem(raw, &it); err != nil {
			rep.Fail(i+1, err)
			continue
		}
		rows = append(rows, row(i+1, &it))
	}
	return rows, rep, nil
}

func parseSiteJSON(data []byte) ([]core.SiteImportRow, *core.ImportReport, error) {
	items, err := jsonItems(data)
	if err != nil {
		return nil, nil, err
	}
	rep := &core.ImportReport{Total: len(items)}
	var rows []core.SiteImportRow
	for i, raw := range items {
		var it SiteImportItem
		if err := decodeItem(raw, &it); err != nil {
			rep.Fail(i+1, err)
			continue
		}
		region := uuid.Nil
		if it.RegionID != nil {
			region = *it.RegionID
		}
		rows = append(rows, core.SiteImportRow{Row: i + 1, RegionCode: it.RegionCode, Site: it.newSite(region)})
	}
	return rows, rep, nil
}

func parseTechnicianJSON(data []byte) ([]core.TechnicianImportRow, *core.ImportReport, error) {
	items, err := jsonItems(data)
	if err != nil {
		return nil, nil, err
	}
	rep := &core.ImportReport{Total: len(items)}
	var rows []core.TechnicianImportRow
	for i, raw := range items {
		var it TechnicianImportItem
		if err := decodeItem(raw, &it); err != nil {
			rep.Fail(i+1, err)
			continue
		}
		site := uuid.Nil
		if it.SiteID != nil {
			site = *it.SiteID
		}
		rows = append(rows, core.TechnicianImportRow{Row: i + 1, SiteCode: it.SiteCode, Username: it.Username,
			Technician: it.newTechnician(site, it.UserID)})
	}
	return rows, rep, nil
}
