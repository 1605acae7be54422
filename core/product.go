package core

import (
	"math"
	"regexp"
	"time"

	"github.com/google/uuid"
)

// ProductLine is a family of products a tenant services (air conditioners,
// washing machines…). Sites are authorised per line; fault codes may be
// specific to one.
type ProductLine struct {
	Code    string `json:"code" example:"AC"`
	NameZh  string `json:"name_zh" example:"空调"`
	NameEn  string `json:"name_en" example:"Air conditioners"`
	Status  string `json:"status" enum:"active,retired" doc:"A retired line takes no new models; what refers to it keeps it."`
	Version int    `json:"version" doc:"Bumped by every change; send it back with a PATCH."`
}

// Catalogue entry statuses: product lines and models are retired, never
// deleted, because units, sites, orders and fault codes refer to them.
const (
	CatalogActive  = "active"
	CatalogRetired = "retired"
)

func validCatalogStatus(s *string) error {
	if s != nil && *s != CatalogActive && *s != CatalogRetired {
		return FieldError("status", "must be active or retired")
	}
	return nil
}

// Validate checks the fields.
func (l *ProductLine) Validate() error {
	if !codePattern.MatchString(l.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if err := validText("name_zh", l.NameZh, 1, 100); err != nil {
		return err
	}
	return validText("name_en", l.NameEn, 1, 100)
}

// ProductModel is a model of a product line with its warranty term and the
// standard labour it takes to service (the norm warranty claims are
// checked against).
type ProductModel struct {
	ID             uuid.UUID `json:"id"`
	ProductLine    string    `json:"product_line"`
	Code           string    `json:"code" example:"KFR-35GW"`
	Name           string    `json:"name" example:"壁挂式空调 1.5 匹"`
	WarrantyMonths int       `json:"warranty_months" example:"36"`
	LabourHours    float64   `json:"labour_hours" example:"1.5"`
	Status         string    `json:"status" enum:"active,retired" doc:"A retired model is no longer sold; its units keep it."`
	Version        int       `json:"version" doc:"Bumped by every change; send it back with a PATCH."`
}

// NewProductModel is the input for creating a model.
type NewProductModel struct {
	ProductLine    string
	Code           string
	Name           string
	WarrantyMonths int
	LabourHours    *float64 // nil: 1 hour
}

// Validate checks the fields and rounds labour hours to hundredths.
func (m *NewProductModel) Validate() error {
	if !codePattern.MatchString(m.ProductLine) {
		return FieldError("product_line", "must be a product line code")
	}
	if !codePattern.MatchString(m.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if err := validText("name", m.Name, 1, 100); err != nil {
		return err
	}
	if m.LabourHours == nil {
		one := 1.0
		m.LabourHours = &one
	}
	return validModelTerms(&m.WarrantyMonths, m.LabourHours)
}

// validModelTerms checks a model's warranty months and labour hours (nil:
// not given) and rounds the hours to hundredths.
func validModelTerms(months *int, hours *float64) error {
	if months != nil && (*months < 0 || *months > 240) {
		return FieldError("warranty_months", "must be between 0 and 240")
	}
	if hours != nil {
		if h := *hours; !(h >= 0 && h <= 9999) {
			return FieldError("labour_hours", "must be between 0 and 9999")
		}
		*hours = math.Round(*hours*100) / 100
	}
	return nil
}

// ProductLineUpdate changes the fields given of a product line; its code
// is its key (sites, models and fault codes name it) and stays.
type ProductLineUpdate struct {
	Version int // the version read; 0: any
	NameZh  *string
	NameEn  *string
	Status  *string
}

// Validate checks the fields that are set.
func (u *ProductLineUpdate) Validate() error {
	if u.NameZh != nil {
		if err := validText("name_zh", *u.NameZh, 1, 100); err != nil {
			return err
		}
	}
	if u.NameEn != nil {
		if err := validText("name_en", *u.NameEn, 1, 100); err != nil {
			return err
		}
	}
	return validCatalogStatus(u.Status)
}

// ProductModelUpdate changes the fields given of a model. Its product
// line stays: units and claims were made for it.
type ProductModelUpdate struct {
	Version        int // the version read; 0: any
	Code           *string
	Name           *string
	WarrantyMonths *int
	LabourHours    *float64
	Status         *string
}

// Validate checks the fields that are set and rounds labour hours to
// hundredths.
func (u *ProductModelUpdate) Validate() error {
	if u.Code != nil && !codePattern.MatchString(*u.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if u.Name != nil {
		if err := validText("name", *u.Name, 1, 100); err != nil {
			return err
		}
	}
	if err := validModelTerms(u.WarrantyMonths, u.LabourHours); err != nil {
		return err
	}
	return validCatalogStatus(u.Status)
}

// ProductLineFilter selects lines; After is the cursor (a line code).
type ProductLineFilter struct {
	Status string // "": any
	After  string
	Limit  int
}

// ProductModelFilter selects models; After is the cursor (a model code).
type ProductModelFilter struct {
	ProductLine string
	Status      string // "": any
	After       string
	Limit       int
}

// Unit is one registered product: a serial number owned by a customer.
type Unit struct {
	ID           uuid.UUID  `json:"id"`
	CustomerID   uuid.UUID  `json:"customer_id"`
	ModelID      uuid.UUID  `json:"model_id"`
	Serial       string     `json:"serial"`
	PurchaseDate string     `json:"purchase_date" format:"date" example:"2025-01-31"`
	DealerSiteID *uuid.UUID `json:"dealer_site_id" nullable:"true"`
	Model        UnitModel  `json:"model"`
	// Warranty is computed for the day it is read (see SetWarranty).
	Warranty  WarrantyStatus `json:"warranty"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// UnitModel is what a unit shows of its model and product line.
type UnitModel struct {
	Code              string `json:"code"`
	Name              string `json:"name"`
	ProductLine       string `json:"product_line"`
	ProductLineNameZh string `json:"product_line_name_zh"`
	ProductLineNameEn string `json:"product_line_name_en"`
	WarrantyMonths    int    `json:"warranty_months"`
}

// SetWarranty computes the unit's warranty status as of today (a time in
// the tenant's zone; only its date counts).
func (u *Unit) SetWarranty(today time.Time) {
	p, err := time.Parse(time.DateOnly, u.PurchaseDate)
	if err != nil {
		return // dates come from the store; a bad one leaves the zero status
	}
	u.Warranty = Warranty(p, u.Model.WarrantyMonths, today)
}

// NewUnit is the input for registering a unit.
type NewUnit struct {
	CustomerID   uuid.UUID
	ModelID      uuid.UUID
	Serial       string
	PurchaseDate string // YYYY-MM-DD
	DealerSiteID *uuid.UUID
}

var serialPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$`)

// Validate checks the fields; the purchase date may not be after today
// (the tenant's date, with a day of slack for callers in other zones).
func (u *NewUnit) Validate(today time.Time) error {
	if u.CustomerID == uuid.Nil {
		return FieldError("customer_id", "is required")
	}
	if u.ModelID == uuid.Nil {
		return FieldError("model_id", "is required")
	}
	if !serialPattern.MatchString(u.Serial) {
		return FieldError("serial", "must be 1-64 letters, digits, '.', '_', '/' or '-', starting with a letter or digit")
	}
	p, err := time.Parse(time.DateOnly, u.PurchaseDate)
	if err != nil {
		return FieldError("purchase_date", "must be a date written YYYY-MM-DD")
	}
	if p.Year() < 1970 {
		return FieldError("purchase_date", "must be in 1970 or later")
	}
	if p.After(dateOf(today).AddDate(0, 0, 1)) {
		return FieldError("purchase_date", "is in the future")
	}
	return nil
}

// UnitUpdate changes a unit; nil fields are left alone. Version is the
// version the caller read (optimistic concurrency; 0: not checked).
type UnitUpdate struct {
	Version      int
	ModelID      *uuid.UUID
	Serial       *string
	PurchaseDate *string
	DealerSiteID *uuid.UUID
}

// Apply returns the unit's fields as changed by up, as a NewUnit to
// validate and check like a registration.
func (up UnitUpdate) Apply(u *Unit) NewUnit {
	n := NewUnit{CustomerID: u.CustomerID, ModelID: u.ModelID, Serial: u.Serial, PurchaseDate: u.PurchaseDate,
		DealerSiteID: u.DealerSiteID}
	setIf(&n.ModelID, up.ModelID)
	setIf(&n.Serial, up.Serial)
	setIf(&n.PurchaseDate, up.PurchaseDate)
	if up.DealerSiteID != nil {
		n.DealerSiteID = up.DealerSiteID
	}
	return n
}

// UnitFilter selects units; After is the cursor (a serial).
type UnitFilter struct {
	Serial     string
	CustomerID *uuid.UUID
	After      string
	Limit      int
	// Within limits the list to the units of the customers a viewer may
	// see; the customer use cases set it (see Viewer.Customers).
	Within CustomerReach
}

// WarrantyStatus says whether a unit is in warranty (保修期内) on a day.
type WarrantyStatus struct {
	InWarranty bool   `json:"in_warranty"`
	ExpiresOn  string `json:"expires_on" format:"date" doc:"The first day not covered: the purchase date plus the warranty months."`
	DaysLeft   int    `json:"days_left" doc:"Days of warranty left, counting today; 0 when out of warranty."`
}

// WarrantyExpiry returns the first day a unit bought on purchase is out of
// warranty: the purchase date plus months, moved back to the month's last
// day when that month is shorter (Jan 31 + 1 month is Feb 28, or 29).
// Only the date of purchase counts; the result is midnight UTC.
func WarrantyExpiry(purchase time.Time, months int) time.Time {
	y, m, d := purchase.Date()
	total := int(m) - 1 + months
	y, m = y+floorDiv(total, 12), time.Month(floorMod(total, 12)+1)
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Warranty returns the warranty status on today of a unit bought on
// purchase with a term of months. A unit is in warranty from its purchase
// date up to the day before expiry; a term of 0 months gives none.
func Warranty(purchase time.Time, months int, today time.Time) WarrantyStatus {
	exp := WarrantyExpiry(purchase, months)
	st := WarrantyStatus{ExpiresOn: exp.Format(time.DateOnly)}
	if d := dateOf(today); d.Before(exp) {
		st.InWarranty = true
		st.DaysLeft = int(exp.Sub(d).Hours()/24 + 0.5)
	}
	return st
}

// dateOf is t's date in t's zone, as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
