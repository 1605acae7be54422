package api

import (
	"context"
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/customer"
)

// CustomerPhoneBody is a phone in requests.
type CustomerPhoneBody struct {
	Phone string `json:"phone" minLength:"1" maxLength:"64" example:"138 0013 8000" doc:"Any common format: +86 138-0013-8000, 0086…, 010-12345678. Stored as E.164 digits without '+'."`
	Label string `json:"label,omitempty" maxLength:"32" example:"mobile"`
}

// CustomerAddressBody is an address in requests.
type CustomerAddressBody struct {
	Label      string     `json:"label,omitempty" maxLength:"32" example:"home"`
	RegionID   *uuid.UUID `json:"region_id,omitempty" doc:"The region the address is in (for dispatch)."`
	RegionCode string     `json:"region_code,omitempty" maxLength:"32" doc:"The region by code, instead of region_id."`
	Address    string     `json:"address" minLength:"1" maxLength:"300" example:"广东省深圳市南山区科技园南路 8 号"`
	Lat        *float64   `json:"lat,omitempty" minimum:"-90" maximum:"90" example:"22.5431"`
	Lon        *float64   `json:"lon,omitempty" minimum:"-180" maximum:"180" example:"113.9298"`
	CoordSys   string     `json:"coord_system,omitempty" enum:"wgs84,gcj02,bd09" doc:"The system lat/lon are in (default wgs84); stored converted to WGS-84. A gcj02 or bd09 point outside China is refused."`
	District   string     `json:"district_code,omitempty" pattern:"^[0-9]{6}$" example:"440305" doc:"The administrative division (GB/T 2260 code, see list-divisions) the address lies in, instead of what its text parses to: e.g. the candidate the agent picked when the text was ambiguous. An unknown code is refused."`
}

// CustomerFields are a customer as written in create and import requests.
type CustomerFields struct {
	Kind      string                `json:"kind,omitempty" enum:"person,organization" doc:"Default person."`
	Name      string                `json:"name" minLength:"1" maxLength:"100" example:"王芳"`
	Phones    []CustomerPhoneBody   `json:"phones,omitempty" maxItems:"10"`
	Addresses []CustomerAddressBody `json:"addresses,omitempty" maxItems:"10"`
	Tags      []string              `json:"tags,omitempty" maxItems:"20" example:"[\"vip-line\"]"`
	VIP       bool                  `json:"vip,omitempty"`
}

func customerPhones(b []CustomerPhoneBody) []core.CustomerPhone {
	out := make([]core.CustomerPhone, len(b))
	for i, p := range b {
		out[i] = core.CustomerPhone{Phone: p.Phone, Label: p.Label}
	}
	return out
}

func customerAddresses(b []CustomerAddressBody) []core.NewCustomerAddress {
	out := make([]core.NewCustomerAddress, len(b))
	for i, a := range b {
		out[i] = core.NewCustomerAddress{Label: a.Label, RegionID: a.RegionID, RegionCode: a.RegionCode,
			Address: a.Address, Lat: a.Lat, Lon: a.Lon, CoordSystem: a.CoordSys, DistrictCode: a.District}
	}
	return out
}

func (f *CustomerFields) newCustomer(ctx context.Context) core.NewCustomer {
	return core.NewCustomer{Kind: f.Kind, Name: f.Name, Phones: customerPhones(f.Phones),
		Addresses: customerAddresses(f.Addresses), Tags: f.Tags, VIP: f.VIP, PhoneCountry: phoneCountry(ctx)}
}

type CreateCustomerInput struct {
	Body CustomerFields
}

// CustomerWithWarnings is a customer as written, with what deserves a look.
type CustomerWithWarnings struct {
	*core.Customer
	Warnings []core.CustomerWarning `json:"warnings" doc:"E.g. duplicate_phone: another customer has one of these phones. The change was made anyway."`
}

type CustomerWarningsOutput struct{ Body CustomerWithWarnings }

type CustomerOutput struct{ Body *core.Customer }

type CustomerIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ListCustomersInput struct {
	ListParams
	Phone string `query:"phone" maxLength:"64" doc:"A phone in any format; normalised before the lookup."`
	Q     string `query:"q" maxLength:"100" doc:"Part of the name."`
	Tag   string `query:"tag" maxLength:"32"`
}

type ListCustomersOutput struct {
	Body struct {
		Items []*core.Customer `json:"items"`
		Page
	}
}

type UpdateCustomerInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version   int                    `json:"version" minimum:"1" doc:"The version you read; a stale one gets 409."`
		Kind      *string                `json:"kind,omitempty" enum:"person,organization"`
		Name      *string                `json:"name,omitempty" minLength:"1" maxLength:"100"`
		Phones    *[]CustomerPhoneBody   `json:"phones,omitempty" maxItems:"10" doc:"Replaces all phones."`
		Addresses *[]CustomerAddressBody `json:"addresses,omitempty" maxItems:"10" doc:"Replaces all addresses."`
		Tags      *[]string              `json:"tags,omitempty" maxItems:"20" doc:"Replaces all tags."`
		VIP       *bool                  `json:"vip,omitempty"`
	}
}

// customerSight is the visibility rule of customers and units, said in
// every operation that reads or changes them (core.Viewer.Customers).
const customerSight = "Who sees which customers: a caller with tenant-wide scope sees every customer; a technician sees " +
	"the customers of the orders assigned to them; any other caller sees a customer when one of the customer's " +
	"addresses lies in a region of their scope (or its subtree), or when the customer has a work order they may " +
	"see (see list-work-orders; site staff thus see their sites' customers). A unit is seen with its owner."

// customerPlacing is the rule of where a scoped caller may put a
// customer's addresses (core/customer's placing).
const customerPlacing = "A caller whose scope is limited to some regions (not tenant-wide) writes only addresses " +
	"in a region of their scope or below, and creates a customer only with at least one: an address with no region " +
	"or a region outside the scope, or a customer without an address, is refused with 403 naming the field " +
	"(`addresses[i].region_id`, `addresses[i].region_code` or `addresses`), and nothing is stored."

// addressParsing says what the platform does with an address's text and
// point (core/customer's locate).
const addressParsing = " Each address's text is parsed into its province, city and district (GB/T 2260 codes, " +
	"`province`, `city`, `district`, with `parse_confidence`), unless `district_code` names the division. A text " +
	"naming a district that exists in several places is stored without divisions, and the response lists the " +
	"`candidates` to pick from (send the choice back as `district_code`). An address without lat/lon gets its " +
	"division's representative point, marked `location_approximate`; dispatch uses the stored division and point. " +
	"lat/lon may be given in `coord_system` gcj02 or bd09 (converted to WGS-84; outside China is refused, 422 naming " +
	"`addresses[i].coord_system`); an unknown `district_code` is refused (422 naming `addresses[i].district_code`)."

// notInSight completes the description of an operation on one customer or
// unit.
const notInSight = " A customer or unit the caller may not see answers 404, as if it did not exist."

const customerCSVExample = "name,kind,phones,tags,vip,address_label,address,region,lat,lon\n" +
	"王芳,person,138 0013 8000|010-12345678,vip-line,true,home,广东省深圳市南山区科技园南路 8 号,GD-SZ,22.5431,113.9298\n"

func registerCustomerRoutes(api huma.API, s *Server, customers *customer.Service) {
	tags := []string{"Customers"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResCustomers, Action: a} }
	register(api, huma.Operation{OperationID: "create-customer", Method: http.MethodPost, Path: "/v1/customers",
		Summary: "Create a customer", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Phones are normalised; a phone that another customer has already is allowed (families, " +
			"switchboards) and reported in `warnings`. " + customerPlacing + addressParsing},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateCustomerInput) (*CustomerWarningsOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			c, warnings, err := customers.CreateCustomer(ctx, unitOfWork(ctx), v, in.Body.newCustomer(ctx))
			return &CustomerWarningsOutput{Body: CustomerWithWarnings{Customer: c, Warnings: nonNil(warnings)}}, err
		})
	register(api, huma.Operation{OperationID: "list-customers", Method: http.MethodGet, Path: "/v1/customers",
		Summary: "List customers", Tags: tags, Description: "Ordered by name; the search (phone, name, tag) finds only " +
			"the customers the caller may see. " + customerSight},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListCustomersInput) (*ListCustomersOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			items, next, err := customers.FindCustomers(ctx, unitOfWork(ctx), v, core.CustomerFilter{Phone: in.Phone,
				PhoneCountry: phoneCountry(ctx), Query: in.Q, Tag: in.Tag, After: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListCustomersOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-customer", Method: http.MethodGet, Path: "/v1/customers/{id}",
		Summary: "Get a customer", Tags: tags, Errors: []int{http.StatusNotFound}, Description: customerSight + notInSight},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *CustomerIDInput) (*CustomerOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			c, err := customers.FindCustomerByID(ctx, unitOfWork(ctx), v, in.ID)
			return &CustomerOutput{Body: c}, err
		})
	register(api, huma.Operation{OperationID: "update-customer", Method: http.MethodPatch, Path: "/v1/customers/{id}",
		Summary: "Change a customer", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Fields left out are unchanged; phones, addresses and tags, when given, replace the stored lists. " +
			customerPlacing + " Stored addresses resent as they are (same region and text) are kept even outside the " +
			"caller's scope. " + customerSight + notInSight + addressParsing},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *UpdateCustomerInput) (*CustomerWarningsOutput, error) {
			b := in.Body
			u := core.CustomerUpdate{Version: b.Version, Kind: b.Kind, Name: b.Name, Tags: b.Tags, VIP: b.VIP,
				PhoneCountry: phoneCountry(ctx)}
			if b.Phones != nil {
				p := customerPhones(*b.Phones)
				u.Phones = &p
			}
			if b.Addresses != nil {
				a := customerAddresses(*b.Addresses)
				u.Addresses = &a
			}
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			c, warnings, err := customers.UpdateCustomer(ctx, unitOfWork(ctx), v, in.ID, u)
			return &CustomerWarningsOutput{Body: CustomerWithWarnings{Customer: c, Warnings: nonNil(warnings)}}, err
		})
	register(api, huma.Operation{OperationID: "import-customers", Method: http.MethodPost, Path: "/v1/customers/import",
		Summary: "Import customers from CSV or JSON", Tags: tags,
		MaxBodyBytes: maxImportBody, SkipValidateBody: true,
		RequestBody: s.importBody(reflect.TypeFor[[]CustomerFields](), "A CSV file, or a JSON array of customers."),
		Description: "Creates up to 20,000 customers in one transaction. Every row is validated; the valid rows " +
			"are created even when other rows fail, and the response reports each failed row (`row`: the CSV line " +
			"where the record starts, the header being line 1, or the 1-based position in the JSON array) with the " +
			"field and what is wrong. Rows are not matched against existing customers: importing a file twice " +
			"creates its customers twice, and phones other customers have already are accepted without a warning. A file-level problem (bad header, not a JSON array, more than 20,000 " +
			"rows) is a 422 and nothing is written.\n\nJSON: an array of customers as in POST /v1/customers " +
			"(addresses may name their region by `region_code`).\n\nCSV: UTF-8 (a BOM is allowed), a header row " +
			"naming the columns in any order: `name` (required), `kind`, `phones` and `tags` (lists separated by " +
			"`|`), `vip` (true or false), and one address: `address_label`, `address`, `region` (a region code), " +
			"`lat`, `lon`, `coord_system` (wgs84, gcj02 or bd09) and `district_code` (a GB/T 2260 code). Addresses are " +
			"parsed as in POST /v1/customers." + addressParsing + "\n\nA caller whose scope is limited to some regions imports only rows with an address in " +
			"their scope: the other rows fail (field `region`).\n\n```csv\n" + customerCSVExample + "```"},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *ImportInput) (*ImportOutput, error) {
			format, err := in.format()
			if err != nil {
				return nil, err
			}
			var rows []core.CustomerImportRow
			var parsed *core.ImportReport
			if format == "csv" {
				rows, parsed, err = core.ParseCustomerCSV(in.RawBody)
			} else {
				rows, parsed, err = parseCustomerJSON(in.RawBody)
			}
			if err != nil {
				return nil, err
			}
			country := phoneCountry(ctx)
			for i := range rows {
				rows[i].Customer.PhoneCountry = country
			}
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			rep, err := customers.ImportCustomers(ctx, unitOfWork(ctx), v, rows)
			if err != nil {
				return nil, err
			}
			if format == "csv" {
				rep.RenameFields(core.CustomerCSVColumn)
			}
			return &ImportOutput{Body: mergeReports(parsed, rep)}, nil
		})
	s.documentCSV("/v1/customers/import", customerCSVExample)
}

func parseCustomerJSON(data []byte) ([]core.CustomerImportRow, *core.ImportReport, error) {
	items, err := jsonItems(data)
	if err != nil {
		return nil, nil, err
	}
	rep := &core.ImportReport{Total: len(items)}
	rows := make([]core.CustomerImportRow, 0, len(items))
	for i, raw := range items {
		var it CustomerFields
		if err := decodeItem(raw, &it); err != nil {
			rep.Fail(i+1, err)
			continue
		}
		rows = append(rows, core.CustomerImportRow{Row: i + 1, Customer: it.newCustomer(context.Background())})
	}
	return rows, rep, nil
}

// phoneCountry is the country assumed for the caller's phones written
// without a country code (a tenant setting, once tenants abroad need it).
func phoneCountry(context.Context) string { return core.DefaultPhoneCountry }

var zones sync.Map // time zone name → *time.Location

// tenantToday returns the current time in the caller's tenant's zone, so
// that dates (warranty, purchase) are the tenant's dates.
func tenantToday(ctx context.Context) time.Time {
	now := time.Now()
	p := principal(ctx)
	if p == nil || p.TimeZone == "" {
		return now
	}
	if loc, ok := zones.Load(p.TimeZone); ok {
		return now.In(loc.(*time.Location))
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return now
	}
	zones.Store(p.TimeZone, loc)
	return now.In(loc)
}
