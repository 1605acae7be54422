package core

import (
	"math"
	"regexp"
	"time"

	"github.com/google/uuid"
)

// Site kinds (网点).
const (
	SiteServiceStation = "service_station"
	SiteRepairCenter   = "repair_center"
	SiteDealer         = "dealer"
)

// Site statuses: only active sites receive work orders.
const (
	SiteActive    = "active"
	SiteSuspended = "suspended"
	SiteClosed    = "closed"
)

// Defaults and bounds of a site's fields.
const (
	DefaultSiteCapacity   = 10
	DefaultSiteReputation = 80.0
	MaxSiteCapacity       = 100000
	// MaxServiceRadiusKm bounds a radius area, as the dispatch engine does:
	// a larger one is a data error, not a service area.
	MaxServiceRadiusKm = 2000
	MaxPolygonPoints   = 1000
	maxCodeList        = 50
)

// Site is an authorised service site (网点): a service station, repair
// centre or dealer. Its region decides who sees it: a scope grant on a
// region covers the sites in its subtree.
type Site struct {
	ID            uuid.UUID    `json:"id"`
	Code          string       `json:"code"`
	Name          string       `json:"name"`
	Kind          string       `json:"kind"`
	RegionID      uuid.UUID    `json:"region_id"`
	Address       string       `json:"address"`
	Phone         string       `json:"phone"`
	Location      GeoPoint     `json:"location"`
	Area          ServiceArea  `json:"area"`
	ProductLines  []string     `json:"product_lines"`
	Skills        []string     `json:"skills"`
	Tags          []string     `json:"tags"` // free labels such as "24h" or "flagship", sorted
	DailyCapacity int          `json:"daily_capacity"`
	WorkingHours  WorkingHours `json:"working_hours"`
	Status        string       `json:"status"`
	Reputation    float64      `json:"reputation"`
	AutoAssign    bool         `json:"auto_assign"`
	// LateRate is the share in [0, 1] of the site's orders of the last 30
	// days whose arrival deadline it missed; kept by the SLA timers and the
	// hourly housekeeping; read-only.
	LateRate  float64   `json:"late_rate"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// GeoPoint is a WGS-84 position in decimal degrees.
type GeoPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Validate checks the ranges (NaN and infinities are out of range); field
// prefixes the names in the error (e.g. "location" → "location.lat").
func (p GeoPoint) Validate(field string) error {
	if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
		return FieldError(field+".lat", "latitude must be a number in [-90, 90]")
	}
	if math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180 {
		return FieldError(field+".lon", "longitude must be a number in [-180, 180]")
	}
	return nil
}

// ServiceArea is where a site serves: a radius around its location, or a
// polygon. At most one is set; neither (Empty) is a site that covers only
// the districts it lists (core.SiteDistrict), which its use cases require
// then (RequireCoverage).
type ServiceArea struct {
	RadiusKm float64    `json:"radius_km,omitempty"`
	Polygon  []GeoPoint `json:"polygon,omitempty"`
}

// Empty reports an area with neither radius nor polygon: the site covers
// only its districts.
func (a ServiceArea) Empty() bool { return a.RadiusKm == 0 && len(a.Polygon) == 0 }

// RequireCoverage refuses a site that would cover nowhere: an empty area
// and no districts. field names what the caller gave (e.g. "area").
func RequireCoverage(a ServiceArea, districts int, field string) error {
	if a.Empty() && districts == 0 {
		return FieldError(field, "the site covers nowhere: give radius_km or polygon, or the districts it covers")
	}
	return nil
}

// Validate checks that at most one of radius or polygon is given and sound:
// a radius in (0, MaxServiceRadiusKm]; a polygon of 3 to MaxPolygonPoints
// valid vertices (a closing vertex equal to the first may be repeated), not
// all on one line, spanning at most 180° of longitude (it may cross the
// antimeridian). These are the dispatch engine's rules, so every stored
// site can be indexed.
func (a ServiceArea) Validate() error {
	switch {
	case a.RadiusKm != 0 && len(a.Polygon) > 0:
		return FieldError("area", "give either radius_km or polygon, not both")
	case a.Empty():
		return nil // districts only: see RequireCoverage
	case len(a.Polygon) == 0:
		if !(a.RadiusKm > 0 && a.RadiusKm <= MaxServiceRadiusKm) {
			return FieldError("area.radius_km", "must be greater than 0 and at most %d km (or give a polygon)", MaxServiceRadiusKm)
		}
		return nil
	}
	pts := a.Polygon
	if len(pts) > MaxPolygonPoints {
		return FieldError("area.polygon", "must have at most %d points", MaxPolygonPoints)
	}
	for _, p := range pts {
		if err := p.Validate("area.polygon"); err != nil {
			return err
		}
	}
	if n := len(pts); n > 1 && pts[0] == pts[n-1] {
		pts = pts[:n-1]
	}
	if len(pts) < 3 {
		return FieldError("area.polygon", "needs at least 3 distinct points")
	}
	lons := make([]float64, len(pts))
	for i, p := range pts {
		lons[i] = p.Lon
	}
	if lonSpan(lons) > 180 {
		for i := range lons { // maybe it crosses the antimeridian
			if lons[i] < 0 {
				lons[i] += 360
			}
		}
		if lonSpan(lons) > 180 {
			return FieldError("area.polygon", "must span at most 180° of longitude")
		}
	}
	if !hasArea(pts, lons) {
		return FieldError("area.polygon", "has no area: its points are all on one line")
	}
	return nil
}

// hasArea reports whether the points (with lons unwrapped) are not all on
// one line.
func hasArea(pts []GeoPoint, lons []float64) bool {
	j := -1
	for i := 1; i < len(pts) && j < 0; i++ {
		if pts[i].Lat != pts[0].Lat || lons[i] != lons[0] {
			j = i
		}
	}
	if j < 0 {
		return false
	}
	ax, ay := lons[j]-lons[0], pts[j].Lat-pts[0].Lat
	for i := j + 1; i < len(pts); i++ {
		bx, by := lons[i]-lons[0], pts[i].Lat-pts[0].Lat
		if ax*by-ay*bx != 0 {
			return true
		}
	}
	return false
}

func lonSpan(lons []float64) float64 {
	lo, hi := lons[0], lons[0]
	for _, l := range lons[1:] {
		lo, hi = min(lo, l), max(hi, l)
	}
	return hi - lo
}

// WorkingHours are a site's opening hours by weekday ("mon" … "sun"), each
// a list of "HH:MM-HH:MM" intervals in order and not overlapping, e.g.
// {"mon": ["08:30-12:00", "13:30-18:00"]}. A missing or empty day is closed.
type WorkingHours map[string][]string

// Weekdays are the keys of WorkingHours, in order.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

var intervalPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]|24):([0-5][0-9])$`)

// Validate checks days and intervals.
func (w WorkingHours) Validate() error {
	for day, spans := range w {
		if !containsStr(Weekdays, day) {
			return FieldError("working_hours", "unknown day %q; use mon, tue, wed, thu, fri, sat, sun", truncate(day, 20))
		}
		if len(spans) > 12 {
			return FieldError("working_hours", "%s: at most 12 intervals", day)
		}
		prevEnd := -1
		for _, s := range spans {
			from, to, ok := ParseInterval(s)
			if !ok {
				return FieldError("working_hours", "%s: %q is not an interval HH:MM-HH:MM with the start before the end", day, truncate(s, 20))
			}
			if from < prevEnd {
				return FieldError("working_hours", "%s: intervals must be in order and must not overlap", day)
			}
			prevEnd = to
		}
	}
	return nil
}

// ParseInterval parses "HH:MM-HH:MM" into minutes since midnight; the end
// may be 24:00 and must come after the start.
func ParseInterval(s string) (from, to int, ok bool) {
	m := intervalPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	from = atoi2(m[1])*60 + atoi2(m[2])
	to = atoi2(m[3])*60 + atoi2(m[4])
	return from, to, to > from && to <= 24*60
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var sitePhonePattern = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{3,23}[0-9]$`)

// Validate checks every field a client sets and puts the tags in stored
// form (see Tags); the store checks that the region exists and the code is
// unique.
func (s *Site) Validate() error {
	if !codePattern.MatchString(s.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if err := validText("name", s.Name, 1, 100); err != nil {
		return err
	}
	switch s.Kind {
	case SiteServiceStation, SiteRepairCenter, SiteDealer:
	default:
		return FieldError("kind", "must be one of service_station, repair_center, dealer")
	}
	if s.RegionID == uuid.Nil {
		return FieldError("region_id", "is required")
	}
	if err := validText("address", s.Address, 0, 300); err != nil {
		return err
	}
	if s.Phone != "" && !sitePhonePattern.MatchString(s.Phone) {
		return FieldError("phone", "must be digits with an optional leading + and spaces, '-' or parentheses, such as 0755-8888 6666")
	}
	if err := s.Location.Validate("location"); err != nil {
		return err
	}
	if err := s.Area.Validate(); err != nil {
		return err
	}
	if err := validCodes("product_lines", s.ProductLines); err != nil {
		return err
	}
	if err := validCodes("skills", s.Skills); err != nil {
		return err
	}
	tags, err := normalizeTags("tags", s.Tags)
	if err != nil {
		return err
	}
	s.Tags = tags
	if s.DailyCapacity < 0 || s.DailyCapacity > MaxSiteCapacity {
		return FieldError("daily_capacity", "must be between 0 and %d", MaxSiteCapacity)
	}
	if err := s.WorkingHours.Validate(); err != nil {
		return err
	}
	switch s.Status {
	case SiteActive, SiteSuspended, SiteClosed:
	default:
		return FieldError("status", "must be one of active, suspended, closed")
	}
	if !(s.Reputation >= 0 && s.Reputation <= 100) {
		return FieldError("reputation", "must be a number between 0 and 100")
	}
	return nil
}

// validCodes checks a list of codes (product lines, skills): each a code,
// no duplicates, at most 50.
func validCodes(field string, codes []string) error {
	if len(codes) > maxCodeList {
		return FieldError(field, "must have at most %d entries", maxCodeList)
	}
	seen := make(map[string]bool, len(codes))
	for _, c := range codes {
		if !codePattern.MatchString(c) {
			return FieldError(field, "%q is not a code of 1-32 letters, digits, '.', '_' or '-'", truncate(c, 40))
		}
		if seen[c] {
			return FieldError(field, "%q is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

// NewSite is the input for creating a site, or for an imported row. Nil
// optional fields take their defaults on create and keep their current
// values when an import updates an existing site.
type NewSite struct {
	Code          string
	Name          string
	Kind          string
	RegionID      uuid.UUID
	Location      GeoPoint
	Area          ServiceArea
	Address       *string
	Phone         *string
	ProductLines  []string // nil: not given
	Skills        []string // nil: not given
	Tags          []string // nil: not given
	DailyCapacity *int
	WorkingHours  WorkingHours // nil: not given
	Status        *string
	Reputation    *float64
	AutoAssign    *bool
	// Districts the site covers (nil: not given); required when Area is
	// empty. On create they are the site's whole coverage; an import adds
	// them to what the site covers.
	Districts []SiteDistrict
}

// NewSiteDefaults returns a site with every optional field at its default.
func NewSiteDefaults(id uuid.UUID) *Site {
	return &Site{ID: id, ProductLines: []string{}, Skills: []string{}, Tags: []string{},
		DailyCapacity: DefaultSiteCapacity, WorkingHours: WorkingHours{}, Status: SiteActive,
		Reputation: DefaultSiteReputation, AutoAssign: true, Version: 1}
}

// Apply writes the given fields onto s; call s.Validate afterwards.
func (n *NewSite) Apply(s *Site) {
	s.Code, s.Name, s.Kind, s.RegionID, s.Location = n.Code, n.Name, n.Kind, n.RegionID, n.Location
	s.Area = ServiceArea{RadiusKm: n.Area.RadiusKm, Polygon: cloneSlice(n.Area.Polygon)}
	setIf(&s.Address, n.Address)
	setIf(&s.Phone, n.Phone)
	setIf(&s.DailyCapacity, n.DailyCapacity)
	setIf(&s.Status, n.Status)
	setIf(&s.Reputation, n.Reputation)
	setIf(&s.AutoAssign, n.AutoAssign)
	if n.ProductLines != nil {
		s.ProductLines = cloneSlice(n.ProductLines)
	}
	if n.Skills != nil {
		s.Skills = cloneSlice(n.Skills)
	}
	if n.Tags != nil {
		s.Tags = cloneSlice(n.Tags)
	}
	if n.WorkingHours != nil {
		s.WorkingHours = n.WorkingHours
	}
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// SiteUpdate changes the fields that are set. Version must be the version
// read; a stale one is refused (ECONFLICT).
type SiteUpdate struct {
	Version       int
	Code          *string
	Name          *string
	Kind          *string
	RegionID      *uuid.UUID
	Address       *string
	Phone         *string
	Location      *GeoPoint
	Area          *ServiceArea
	ProductLines  *[]string
	Skills        *[]string
	Tags          *[]string
	DailyCapacity *int
	WorkingHours  *WorkingHours
	Status        *string
	Reputation    *float64
	AutoAssign    *bool
}

// Apply writes the set fields onto s; call s.Validate afterwards.
func (u *SiteUpdate) Apply(s *Site) {
	setIf(&s.Code, u.Code)
	setIf(&s.Name, u.Name)
	setIf(&s.Kind, u.Kind)
	setIf(&s.RegionID, u.RegionID)
	setIf(&s.Address, u.Address)
	setIf(&s.Phone, u.Phone)
	setIf(&s.Location, u.Location)
	setIf(&s.Area, u.Area)
	setIf(&s.ProductLines, u.ProductLines)
	setIf(&s.Skills, u.Skills)
	setIf(&s.Tags, u.Tags)
	setIf(&s.DailyCapacity, u.DailyCapacity)
	setIf(&s.WorkingHours, u.WorkingHours)
	setIf(&s.Status, u.Status)
	setIf(&s.Reputation, u.Reputation)
	setIf(&s.AutoAssign, u.AutoAssign)
	if s.ProductLines == nil {
		s.ProductLines = []string{}
	}
	if s.Skills == nil {
		s.Skills = []string{}
	}
	if s.Tags == nil {
		s.Tags = []string{}
	}
	if s.WorkingHours == nil {
		s.WorkingHours = WorkingHours{}
	}
}

// SiteFilter selects sites; After is the cursor (a code).
type SiteFilter struct {
	RegionID    *uuid.UUID // the region's whole subtree
	Status      string
	Kind        string
	ProductLine string
	Tag         string
	Query       string // part of the code, name or address
	After       string
	Limit       int
}
