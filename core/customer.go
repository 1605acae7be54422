package core

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/district"
)

// Customer kinds.
const (
	CustomerPerson       = "person"
	CustomerOrganization = "organization"
)

// Limits on a customer's lists.
const (
	maxCustomerPhones    = 10
	maxCustomerAddresses = 10
)

// Customer is a person or organisation that owns products and calls for
// service. Phones are stored normalised (see NormalizePhone); the same
// phone may belong to several customers (a family, a company switchboard).
type Customer struct {
	ID        uuid.UUID         `json:"id"`
	Kind      string            `json:"kind" enum:"person,organization"`
	Name      string            `json:"name"`
	Phones    []CustomerPhone   `json:"phones"`
	Addresses []CustomerAddress `json:"addresses"`
	Tags      []string          `json:"tags"`
	VIP       bool              `json:"vip"`
	Version   int               `json:"version"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// CustomerPhone is one of a customer's numbers.
type CustomerPhone struct {
	Phone string `json:"phone" example:"8613800138000" doc:"E.164 digits without '+'."`
	Label string `json:"label" example:"mobile"`
}

// CustomerAddress is one of a customer's addresses, with its region (for
// dispatch) and geo point when known.
type CustomerAddress struct {
	ID       uuid.UUID  `json:"id"`
	Label    string     `json:"label" example:"home"`
	RegionID *uuid.UUID `json:"region_id" nullable:"true"`
	Address  string     `json:"address" example:"广东省深圳市南山区科技园南路 8 号"`
	Lat      *float64   `json:"lat"`
	Lon      *float64   `json:"lon"`
	// The divisions (GB/T 2260) the address lies in: parsed from its text,
	// or as the client gave them (district_code); empty when the text
	// names none or is ambiguous.
	Province DivisionRef `json:"province"`
	City     DivisionRef `json:"city"`
	District DivisionRef `json:"district"`
	// ParseConfidence is the parser's confidence in the divisions (1 for
	// divisions the client gave).
	ParseConfidence float64 `json:"parse_confidence" minimum:"0" maximum:"1"`
	// LocationApproximate marks a point that is not the address's own but
	// its division's representative point (no coordinate was given).
	LocationApproximate bool `json:"location_approximate" doc:"lat/lon are the district's representative point, not the address's own: no coordinate was given."`
	// Candidates are the readings of an ambiguous text, for the client to
	// pick one and send it back as district_code; only in the response of
	// the change that wrote the address, never stored.
	Candidates []DivisionCandidate `json:"candidates,omitempty" doc:"Only in the response of a create or update: the text names a district that exists in several places; send the right one back as district_code."`
}

// DivisionRef names an administrative division (core/district).
type DivisionRef struct {
	Code string `json:"code" example:"440305"`
	Name string `json:"name" example:"南山区"`
}

// DivisionCandidate is one reading of an ambiguous address.
type DivisionCandidate struct {
	Province DivisionRef `json:"province"`
	City     DivisionRef `json:"city"`
	District DivisionRef `json:"district"`
}

// DivisionCode is the most precise division of the address: its
// district's code, else its city's, else its province's ("" for none).
func (a *CustomerAddress) DivisionCode() string {
	switch {
	case a.District.Code != "":
		return a.District.Code
	case a.City.Code != "":
		return a.City.Code
	}
	return a.Province.Code
}

// NewCustomerAddress is an address as given; RegionCode may name the region
// instead of RegionID (imports).
type NewCustomerAddress struct {
	Label      string
	RegionID   *uuid.UUID
	RegionCode string
	Address    string
	Lat, Lon   *float64
	// CoordSystem is the system Lat/Lon are given in: "" or wgs84, gcj02,
	// bd09; they are stored converted to WGS-84.
	CoordSystem string
	// DistrictCode, when given, is the division the address lies in (a
	// GB/T 2260 code, usually a district picked among the candidates of an
	// ambiguous text) instead of what its text parses to.
	DistrictCode string
}

// NewCustomer is the input for creating a customer.
type NewCustomer struct {
	Kind      string // "": person
	Name      string
	Phones    []CustomerPhone // as typed; Normalize rewrites them
	Addresses []NewCustomerAddress
	Tags      []string
	VIP       bool
	// PhoneCountry reads phones written without a country code;
	// "": DefaultPhoneCountry.
	PhoneCountry string
}

// Normalize validates the customer and rewrites it in stored form: phones
// normalised and de-duplicated, tags trimmed, de-duplicated and sorted.
// Region existence is checked by core/customer.
func (c *NewCustomer) Normalize() error {
	if c.Kind == "" {
		c.Kind = CustomerPerson
	}
	if c.Kind != CustomerPerson && c.Kind != CustomerOrganization {
		return FieldError("kind", "must be person or organization")
	}
	c.Name = strings.TrimSpace(c.Name)
	if err := validText("name", c.Name, 1, 100); err != nil {
		return err
	}
	var err error
	if c.Phones, err = normalizeCustomerPhones(c.Phones, c.PhoneCountry); err != nil {
		return err
	}
	if err := validateCustomerAddresses(c.Addresses); err != nil {
		return err
	}
	c.Tags, err = normalizeTags("tags", c.Tags)
	return err
}

func normalizeCustomerPhones(phones []CustomerPhone, country string) ([]CustomerPhone, error) {
	if len(phones) > maxCustomerPhones {
		return nil, FieldError("phones", "at most %d phones", maxCustomerPhones)
	}
	if country == "" {
		country = DefaultPhoneCountry
	}
	out := make([]CustomerPhone, 0, len(phones))
	seen := map[string]bool{}
	for i, p := range phones {
		field := fmt.Sprintf("phones[%d]", i)
		n, err := NormalizePhone(p.Phone, country)
		if err != nil {
			return nil, renameField(err, field+".phone")
		}
		label := strings.TrimSpace(p.Label)
		if err := validText(field+".label", label, 0, 32); err != nil {
			return nil, err
		}
		if !seen[n] { // "138 0013 8000" and "+8613800138000" are one phone
			seen[n] = true
			out = append(out, CustomerPhone{Phone: n, Label: label})
		}
	}
	return out, nil
}

func validateCustomerAddresses(addrs []NewCustomerAddress) error {
	if len(addrs) > maxCustomerAddresses {
		return FieldError("addresses", "at most %d addresses", maxCustomerAddresses)
	}
	for i := range addrs {
		a := &addrs[i]
		field := fmt.Sprintf("addresses[%d]", i)
		a.Label, a.Address = strings.TrimSpace(a.Label), strings.TrimSpace(a.Address)
		if err := validText(field+".label", a.Label, 0, 32); err != nil {
			return err
		}
		if err := validText(field+".address", a.Address, 1, 300); err != nil {
			return err
		}
		if a.RegionID != nil && a.RegionCode != "" {
			return FieldError(field+".region_code", "give region_id or region_code, not both")
		}
		if a.RegionCode != "" && !codePattern.MatchString(a.RegionCode) {
			return FieldError(field+".region_code", "is not a region code")
		}
		if (a.Lat == nil) != (a.Lon == nil) {
			return FieldError(field+".lat", "lat and lon come together")
		}
		if a.Lat != nil && !(*a.Lat >= -90 && *a.Lat <= 90) {
			return FieldError(field+".lat", "must be between -90 and 90")
		}
		if a.Lon != nil && !(*a.Lon >= -180 && *a.Lon <= 180) {
			return FieldError(field+".lon", "must be between -180 and 180")
		}
		if err := toWGS84(field+".coord_system", a.CoordSystem, a.Lat, a.Lon); err != nil {
			return err
		}
		a.DistrictCode = strings.TrimSpace(a.DistrictCode)
		if a.DistrictCode != "" {
			if _, ok := district.Default().Lookup(a.DistrictCode); !ok {
				return FieldError(field+".district_code", "no administrative division with code %q", a.DistrictCode)
			}
		}
		a.CoordSystem = ""
	}
	return nil
}

// renameField moves a one-field EINVALID error to another field name.
func renameField(err error, field string) error {
	e, ok := err.(*Error)
	if !ok || len(e.Fields) != 1 {
		return err
	}
	for old, msg := range e.Fields {
		return &Error{Code: e.Code, Message: field + strings.TrimPrefix(e.Message, old), Fields: map[string]string{field: msg}}
	}
	return err
}

// CustomerUpdate changes a customer; nil fields are left alone, and a
// given list replaces the stored one. Version is the version the caller
// read (optimistic concurrency).
type CustomerUpdate struct {
	Version      int
	Kind         *string
	Name         *string
	Phones       *[]CustomerPhone
	Addresses    *[]NewCustomerAddress
	Tags         *[]string
	VIP          *bool
	PhoneCountry string
}

// Normalize validates the fields that are set, like NewCustomer.Normalize.
func (u *CustomerUpdate) Normalize() error {
	c := NewCustomer{Kind: CustomerPerson, Name: "x", PhoneCountry: u.PhoneCountry}
	if u.Kind != nil {
		c.Kind = *u.Kind
	}
	if u.Name != nil {
		c.Name = *u.Name
	}
	if u.Phones != nil {
		c.Phones = *u.Phones
	}
	if u.Addresses != nil {
		c.Addresses = *u.Addresses
	}
	if u.Tags != nil {
		c.Tags = *u.Tags
	}
	if c.Kind == "" {
		return FieldError("kind", "must be person or organization")
	}
	if err := c.Normalize(); err != nil {
		return err
	}
	if u.Name != nil {
		u.Name = &c.Name
	}
	if u.Phones != nil {
		u.Phones = &c.Phones
	}
	if u.Tags != nil {
		u.Tags = &c.Tags
	}
	return nil
}

// CustomerWarning tells the caller about something worth a look that did
// not stop the change, such as another customer with the same phone.
type CustomerWarning struct {
	Code       string    `json:"code" enum:"duplicate_phone"`
	CustomerID uuid.UUID `json:"customer_id" doc:"The other customer."`
	Phone      string    `json:"phone"`
}

// WarnDuplicatePhone is the warning code for a phone another customer has.
const WarnDuplicatePhone = "duplicate_phone"

// CustomerFilter selects customers; After is the cursor (a customer ID).
type CustomerFilter struct {
	Phone        string // normalised with PhoneCountry by core/customer
	PhoneCountry string
	Query        string // part of the name
	Tag          string
	After        string
	Limit        int
	// Within limits the list to the customers a viewer may see; the
	// customer use cases set it (see Viewer.Customers).
	Within CustomerReach
}

// CustomerImportRow is one row of a bulk import; Row is its line in a CSV
// file (the header being line 1) or its 1-based position in a JSON array.
type CustomerImportRow struct {
	Row      int
	Customer NewCustomer
}

// CustomerCSVColumns are the columns of a customer CSV, in the documented
// order; only name is required. Lists (phones, tags) are separated by '|';
// one address per row, its region given by code.
var CustomerCSVColumns = []string{"name", "kind", "phones", "tags", "vip", "address_label", "address", "region", "lat", "lon",
	"coord_system", "district_code"}

// CustomerCSVColumn maps a customer field name (as validation reports it)
// to its CSV column.
func CustomerCSVColumn(field string) string {
	switch {
	case strings.HasPrefix(field, "phones"):
		return "phones"
	case strings.HasPrefix(field, "tags"):
		return "tags"
	case strings.HasSuffix(field, ".label"):
		return "address_label"
	case strings.HasSuffix(field, ".region_code"), strings.HasSuffix(field, ".region_id"):
		return "region"
	case strings.HasPrefix(field, "addresses[0]."):
		return strings.TrimPrefix(field, "addresses[0].")
	}
	return field
}

// ParseCustomerCSV reads a customer import file: a header row naming the
// columns (any order, see CustomerCSVColumns), then one customer per row.
// It returns the well-formed rows and a report holding the total and the
// malformed rows; a bad header or too many rows is an EINVALID error.
// Rows are validated later, by core/customer's ImportCustomers.
func ParseCustomerCSV(data []byte) ([]CustomerImportRow, *ImportReport, error) {
	var rows []CustomerImportRow
	rep, err := readCSV(data, CustomerCSVColumns, []string{"name"}, func(line int, v map[string]string) error {
		c := NewCustomer{Name: v["name"], Kind: v["kind"], Tags: csvList(v["tags"])}
		for _, p := range csvList(v["phones"]) {
			c.Phones = append(c.Phones, CustomerPhone{Phone: p})
		}
		if s := v["vip"]; s != "" {
			vip, ok := csvBool(s)
			if !ok {
				return FieldError("vip", "must be true or false")
			}
			c.VIP = vip
		}
		if v["address"] != "" || v["region"] != "" || v["lat"] != "" || v["lon"] != "" || v["address_label"] != "" ||
			v["district_code"] != "" {
			a := NewCustomerAddress{Label: v["address_label"], Address: v["address"], RegionCode: v["region"],
				CoordSystem: v["coord_system"], DistrictCode: v["district_code"]}
			for _, ll := range []struct {
				col string
				dst **float64
			}{{"lat", &a.Lat}, {"lon", &a.Lon}} {
				if v[ll.col] != "" {
					f, err := csvFloat(v, ll.col, true)
					if err != nil {
						return err
					}
					*ll.dst = &f
				}
			}
			c.Addresses = []NewCustomerAddress{a}
		}
		rows = append(rows, CustomerImportRow{Row: line, Customer: c})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, rep, nil
}
