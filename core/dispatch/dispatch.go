// Package dispatch is the dispatch engine (派工): for a field work order it
// ranks the service sites that can take it, picks the best one, then picks a
// technician at that site, and explains every step in words a dispatcher can
// read ("why this site").
//
// The engine is pure: no I/O and no clock (the order carries its time), so a
// decision is a function of the network snapshot, the order and the tenant's
// weights, and can be replayed. It is fast: NewNetwork builds an immutable
// grid index so that a decision only examines the sites whose service area
// can reach the address.
//
// Geography: distances are great-circle (haversine, mean Earth radius).
// Radius areas are spherical caps and are exact everywhere, across the
// antimeridian and over the poles. Polygon areas are drawn with straight
// edges in the latitude/longitude plane (plate carrée), which is what a map
// editor draws and what a province or county boundary list contains; a
// polygon may cross the antimeridian but may not span more than 180° of
// longitude, nor enclose a pole. Chinese coordinates, the real use, are far
// from both limits.
package dispatch

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
)

// ErrInvalid is wrapped by every error about malformed input (coordinates
// out of range, negative weights, a site without an area…). The API maps it
// to a 4xx; the *InputError it comes in names the field.
var ErrInvalid = errors.New("invalid dispatch input")

// InputError says which input field is wrong and why. errors.Is(err,
// ErrInvalid) holds for it.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return "dispatch: " + e.Field + ": " + e.Message }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InputError) Unwrap() error { return ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &InputError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Point is a WGS-84 position in decimal degrees.
type Point struct {
	Lat float64
	Lon float64
}

// Validate returns an *InputError unless Lat is in [-90, 90] and Lon in
// [-180, 180] (NaN is out of range). field prefixes the error's Field.
func (p Point) Validate(field string) error {
	if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		return invalid(field+".lat", "latitude %v out of range [-90, 90]", p.Lat)
	}
	if math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
		return invalid(field+".lon", "longitude %v out of range [-180, 180]", p.Lon)
	}
	return nil
}

// SiteKind is what a service site (网点) is.
type SiteKind string

const (
	KindServiceStation SiteKind = "service_station"
	KindRepairCenter   SiteKind = "repair_center"
	KindDealer         SiteKind = "dealer"
)

// SiteStatus says whether a site may receive orders; only active ones do.
type SiteStatus string

const (
	SiteActive    SiteStatus = "active"
	SiteSuspended SiteStatus = "suspended"
	SiteClosed    SiteStatus = "closed"
)

// Area is the service area of a site: exactly one of RadiusKm (> 0, a circle
// around the site's Location) or Polygon (at least three vertices; a closing
// vertex equal to the first is allowed; edges and vertices belong to the
// area; self-intersecting polygons follow the even-odd rule).
type Area struct {
	RadiusKm float64
	Polygon  []Point
}

// MaxRadiusKm bounds a radius area; a larger one is a data error, not a
// service area.
const MaxRadiusKm = 2000

// Site is a service site as the engine sees it.
type Site struct {
	ID              uuid.UUID
	Name            string // for the people reading a decision; unused by the ranking
	Kind            SiteKind
	Status          SiteStatus
	Location        Point
	Area            Area
	AuthorizedLines []string // product line codes the manufacturer authorised the site for
	Skills          []string // informational: reported in reasons, not a filter
	DailyCapacity   int      // orders the site takes per day
	OpenToday       int      // orders it has already taken today
	Reputation      float64  // 0–100
	// LateRate is the site's recent late-arrival rate in [0, 1], the SLA-risk
	// input; nil when unknown, which scores as 0.5.
	LateRate *float64
	// AutoAssign lets the platform pick the technician; otherwise the site's
	// staff do and the engine's technician ranking is advisory.
	AutoAssign bool
	// Districts are the administrative divisions the site covers, in
	// addition to its Area or instead of it (then Area is zero). A code may
	// be a district's, a city's or a province's (GB/T 2260, six digits); an
	// address is covered when its district code or one of its parents' is
	// listed.
	Districts []DistrictCoverage
}

// DistrictCoverage is one division a site covers. Secondary coverage (a
// backup territory) ranks after the sites covering the address as their
// primary territory or by their area.
type DistrictCoverage struct {
	Code      string
	Secondary bool
}

// CoveringDivisions are the codes whose coverage covers an address of
// division code d: d itself, its city's and its province's (empty strings
// when d is not six characters). A store loading a network for an order
// loads the sites covering any of them.
func CoveringDivisions(d string) [3]string { return divisionCodes(d) }

// divisionCodes are the codes that cover an address of district code d:
// d itself, its city's and its province's.
func divisionCodes(d string) [3]string {
	if len(d) != 6 {
		return [3]string{}
	}
	return [3]string{d, d[:4] + "00", d[:2] + "0000"}
}

// TechStatus is a technician's availability.
type TechStatus string

const (
	TechAvailable TechStatus = "available"
	TechBusy      TechStatus = "busy"
	TechOff       TechStatus = "off"
)

// Technician is a field technician of one site.
type Technician struct {
	ID           uuid.UUID
	Name         string // for the people reading a decision; unused by the ranking
	SiteID       uuid.UUID
	Skills       []string
	Status       TechStatus
	Location     Point     // last reported position; ignored when LocationAt is zero
	LocationAt   time.Time // when Location was reported; zero when never
	OpenWorkload int       // open orders assigned to the technician
}

// StaleAfter is the age past which a technician's reported location is not
// trusted and the site's location is used instead.
const StaleAfter = 12 * time.Hour

// Order is a field work order to dispatch.
type Order struct {
	ID          uuid.UUID
	Location    Point     // the customer's address, geocoded
	ProductLine string    // product line code; the site must be authorised for it
	Skills      []string  // skills the technician must all have
	ServiceType string    // repair, installation…; passed to tenant Rules, unused by the built-in engine
	At          time.Time // the moment of the decision; technicians' locations are aged against it
	// PreferredSiteID, when set and eligible, is ranked first (the customer's
	// dealer, an agent's choice).
	PreferredSiteID *uuid.UUID
	// ExcludedSiteIDs are sites that rejected the order earlier; excluding
	// the previous choice passes the order to the next candidate.
	ExcludedSiteIDs []uuid.UUID
	// DistrictCode is the address's administrative division (GB/T 2260):
	// its district's code, or its city's or province's when that is all
	// that is known; "" when unknown. Sites covering it by district are
	// candidates wherever their area lies.
	DistrictCode string
	// LocationApproximate says Location is the district's representative
	// point, not the address's own: the decision says so.
	LocationApproximate bool
}

func (o Order) validate() error {
	if err := o.Location.Validate("location"); err != nil {
		return err
	}
	if o.DistrictCode != "" && !validDivisionCode(o.DistrictCode) {
		return invalid("district_code", "%q is not a six-digit division code", o.DistrictCode)
	}
	if o.At.IsZero() {
		return invalid("at", "the decision time is required")
	}
	return nil
}

func (o Order) excludes(id uuid.UUID) bool {
	for _, x := range o.ExcludedSiteIDs {
		if x == id {
			return true
		}
	}
	return false
}

// Weights are the tenant's weights of the score components. Each must be
// finite and non-negative; they are normalised to sum to 1, and an all-zero
// set means equal weights.
type Weights struct {
	Distance   float64
	Load       float64
	Reputation float64
	SLARisk    float64
}

func (w Weights) normalised() (Weights, error) {
	for _, f := range []struct {
		name string
		v    float64
	}{{"distance", w.Distance}, {"load", w.Load}, {"reputation", w.Reputation}, {"sla_risk", w.SLARisk}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return Weights{}, invalid("weights."+f.name, "must be a finite non-negative number, got %v", f.v)
		}
	}
	sum := w.Distance + w.Load + w.Reputation + w.SLARisk
	if sum == 0 {
		return Weights{0.25, 0.25, 0.25, 0.25}, nil
	}
	return Weights{w.Distance / sum, w.Load / sum, w.Reputation / sum, w.SLARisk / sum}, nil
}

func validateSite(i int, s Site) error {
	f := fmt.Sprintf("sites[%d]", i)
	switch {
	case s.ID == uuid.Nil:
		return invalid(f+".id", "required")
	case s.Kind != KindServiceStation && s.Kind != KindRepairCenter && s.Kind != KindDealer:
		return invalid(f+".kind", "unknown kind %q", s.Kind)
	case s.Status != SiteActive && s.Status != SiteSuspended && s.Status != SiteClosed:
		return invalid(f+".status", "unknown status %q", s.Status)
	case s.DailyCapacity < 0 || s.OpenToday < 0:
		return invalid(f+".daily_capacity", "capacity and open orders must not be negative")
	case !(s.Reputation >= 0 && s.Reputation <= 100):
		return invalid(f+".reputation", "%v out of range [0, 100]", s.Reputation)
	case s.LateRate != nil && !(*s.LateRate >= 0 && *s.LateRate <= 1):
		return invalid(f+".late_rate", "%v out of range [0, 1]", *s.LateRate)
	}
	if err := s.Location.Validate(f + ".location"); err != nil {
		return err
	}
	a := s.Area
	switch {
	case a.RadiusKm != 0 && len(a.Polygon) != 0:
		return invalid(f+".area", "either a radius or a polygon, not both")
	case len(a.Polygon) == 0 && a.RadiusKm == 0 && len(s.Districts) > 0: // districts only
	case len(a.Polygon) == 0 && !(a.RadiusKm > 0 && a.RadiusKm <= MaxRadiusKm):
		return invalid(f+".area.radius_km", "must be in (0, %d], got %v", MaxRadiusKm, a.RadiusKm)
	}
	for j, d := range s.Districts {
		if !validDivisionCode(d.Code) {
			return invalid(fmt.Sprintf("%s.districts[%d].code", f, j), "%q is not a six-digit division code", d.Code)
		}
	}
	for j, p := range a.Polygon {
		if err := p.Validate(fmt.Sprintf("%s.area.polygon[%d]", f, j)); err != nil {
			return err
		}
	}
	return nil
}

func validDivisionCode(c string) bool {
	if len(c) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

func validateTechnician(i int, t Technician) error {
	f := fmt.Sprintf("technicians[%d]", i)
	switch {
	case t.ID == uuid.Nil:
		return invalid(f+".id", "required")
	case t.Status != TechAvailable && t.Status != TechBusy && t.Status != TechOff:
		return invalid(f+".status", "unknown status %q", t.Status)
	case t.OpenWorkload < 0:
		return invalid(f+".open_workload", "must not be negative")
	}
	if !t.LocationAt.IsZero() {
		return t.Location.Validate(f + ".location")
	}
	return nil
}
