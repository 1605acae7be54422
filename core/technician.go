package core

import (
	"time"

	"github.com/google/uuid"
)

// Technician statuses.
const (
	TechAvailable = "available"
	TechBusy      = "busy"
	TechOff       = "off"
)

// MaxLocationSkew is how far in the future a reported location time may
// be (a phone's clock runs ahead) before it is refused.
const MaxLocationSkew = 5 * time.Minute

// Technician is a field technician (维修工) of one service site. Its scope
// is its site's: whoever reaches the site reaches its technicians.
type Technician struct {
	ID     uuid.UUID  `json:"id"`
	SiteID uuid.UUID  `json:"site_id"`
	UserID *uuid.UUID `json:"user_id" nullable:"true" doc:"The user who signs in as this technician; null: none."`
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Phone  string     `json:"phone"`
	Skills []string   `json:"skills"`
	Tags   []string   `json:"tags"` // free labels such as "senior" or "gas-certified", sorted
	Status string     `json:"status"`
	// Location is the last reported position, LocationAt when it was taken;
	// both null until the first report.
	Location   *GeoPoint  `json:"location,omitempty" doc:"The last reported position; absent until the first report."`
	LocationAt *time.Time `json:"location_at"`
	// OpenWorkload counts the open work orders assigned to the technician;
	// maintained by work orders, read-only.
	OpenWorkload int       `json:"open_workload"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Validate checks every field a client sets and puts the tags in stored
// form (see Tags); the store checks that the site and the user exist and
// that the code is unique.
func (t *Technician) Validate() error {
	if !codePattern.MatchString(t.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if err := validText("name", t.Name, 1, 100); err != nil {
		return err
	}
	if !phonePattern.MatchString(t.Phone) {
		return FieldError("phone", "must be 5-20 digits with an optional leading +, such as +8613800138000")
	}
	if t.SiteID == uuid.Nil {
		return FieldError("site_id", "is required")
	}
	if t.UserID != nil && *t.UserID == uuid.Nil {
		return FieldError("user_id", "is not a user")
	}
	if err := validCodes("skills", t.Skills); err != nil {
		return err
	}
	tags, err := normalizeTags("tags", t.Tags)
	if err != nil {
		return err
	}
	t.Tags = tags
	switch t.Status {
	case TechAvailable, TechBusy, TechOff:
	default:
		return FieldError("status", "must be one of available, busy, off")
	}
	return nil
}

// NewTechnician is the input for creating a technician, or for an imported
// row. Nil optional fields take their defaults on create and keep their
// current values when an import updates an existing technician.
type NewTechnician struct {
	Code   string
	Name   string
	Phone  string
	SiteID uuid.UUID
	UserID *uuid.UUID // nil: none (create) or unchanged (import)
	Skills []string   // nil: not given
	Tags   []string   // nil: not given
	Status *string
}

// NewTechnicianDefaults returns a technician with every optional field at
// its default.
func NewTechnicianDefaults(id uuid.UUID) *Technician {
	return &Technician{ID: id, Skills: []string{}, Tags: []string{}, Status: TechAvailable, Version: 1}
}

// Apply writes the given fields onto t; call t.Validate afterwards.
func (n *NewTechnician) Apply(t *Technician) {
	t.Code, t.Name, t.Phone, t.SiteID = n.Code, n.Name, n.Phone, n.SiteID
	if n.UserID != nil {
		id := *n.UserID
		t.UserID = &id
	}
	if n.Skills != nil {
		t.Skills = cloneSlice(n.Skills)
	}
	if n.Tags != nil {
		t.Tags = cloneSlice(n.Tags)
	}
	setIf(&t.Status, n.Status)
}

// TechnicianUpdate changes the fields that are set. Version must be the
// version read; a stale one is refused (ECONFLICT).
type TechnicianUpdate struct {
	Version    int
	Code       *string
	Name       *string
	Phone      *string
	SiteID     *uuid.UUID
	UserID     *uuid.UUID
	UnlinkUser bool // removes the linked user; conflicts with UserID
	Skills     *[]string
	Tags       *[]string
	Status     *string
}

// Apply writes the set fields onto t; call t.Validate afterwards.
func (u *TechnicianUpdate) Apply(t *Technician) error {
	if u.UnlinkUser && u.UserID != nil {
		return FieldError("unlink_user", "cannot be combined with user_id")
	}
	setIf(&t.Code, u.Code)
	setIf(&t.Name, u.Name)
	setIf(&t.Phone, u.Phone)
	setIf(&t.SiteID, u.SiteID)
	setIf(&t.Skills, u.Skills)
	setIf(&t.Tags, u.Tags)
	setIf(&t.Status, u.Status)
	if u.UserID != nil {
		id := *u.UserID
		t.UserID = &id
	}
	if u.UnlinkUser {
		t.UserID = nil
	}
	if t.Skills == nil {
		t.Skills = []string{}
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	return nil
}

// TechnicianLocation is a position reported by a technician's phone.
type TechnicianLocation struct {
	Location GeoPoint
	At       time.Time // when the position was taken; zero: now
}

// Validate checks the point and that At is set and not in the future
// (beyond MaxLocationSkew).
func (l *TechnicianLocation) Validate(now time.Time) error {
	if err := l.Location.Validate("location"); err != nil {
		return err
	}
	if l.At.IsZero() {
		return FieldError("at", "is required")
	}
	if l.At.After(now.Add(MaxLocationSkew)) {
		return FieldError("at", "is in the future")
	}
	return nil
}

// TechnicianFilter selects technicians; After is the cursor (a code).
type TechnicianFilter struct {
	SiteID *uuid.UUID
	Status string
	Skill  string
	Tag    string
	Query  string // part of the code, name or phone
	After  string
	Limit  int
}
