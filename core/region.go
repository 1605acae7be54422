package core

import (
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/district"
)

// Region levels, from the root of the tree down.
const (
	LevelCountry  = "country"
	LevelRegion   = "region"
	LevelProvince = "province"
	LevelCity     = "city"
	LevelDistrict = "district"
)

var levelRank = map[string]int{LevelCountry: 0, LevelRegion: 1, LevelProvince: 2, LevelCity: 3, LevelDistrict: 4}

// Region is a node of the tenant's region tree (country → region → province
// → city → district). Scope grants on a region cover its whole subtree.
// A province, city or district node may be mapped to the administrative
// division (GB/T 2260, core/district) it stands for; the nodes above
// provinces (大区, 办事处) are the tenant's own and map to none.
type Region struct {
	ID           uuid.UUID  `json:"id"`
	ParentID     *uuid.UUID `json:"parent_id" nullable:"true"`
	Level        string     `json:"level"`
	Code         string     `json:"code"`
	Name         string     `json:"name"`
	DivisionCode string     `json:"division_code,omitempty" example:"440305" doc:"The administrative division (GB/T 2260) the node stands for; only on province, city and district nodes."`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// NewRegion is the input for creating a region.
type NewRegion struct {
	ParentID     *uuid.UUID
	Level        string
	Code         string
	Name         string
	DivisionCode string // "": none
}

// Validate checks the fields; the parent's level is checked with CheckParent.
func (r *NewRegion) Validate() error {
	if _, ok := levelRank[r.Level]; !ok {
		return FieldError("level", "must be one of country, region, province, city, district")
	}
	if !codePattern.MatchString(r.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if err := validText("name", r.Name, 1, 100); err != nil {
		return err
	}
	if r.Level == LevelCountry && r.ParentID != nil {
		return FieldError("parent_id", "a country has no parent")
	}
	if r.Level != LevelCountry && r.ParentID == nil {
		return FieldError("parent_id", "is required for a %s", r.Level)
	}
	return CheckRegionDivision(r.Level, r.DivisionCode)
}

// CheckRegionDivision checks the division a region node of the level is
// mapped to ("" for none): a known GB/T 2260 code of the same level, and
// only on province, city and district nodes.
func CheckRegionDivision(level, code string) error {
	if code == "" {
		return nil
	}
	d, ok := district.Default().Lookup(code)
	if !ok {
		return FieldError("division_code", "no administrative division with code %q", code)
	}
	switch level {
	case LevelCountry, LevelRegion:
		return FieldError("division_code", "a %s node is the tenant's own and maps to no division", level)
	}
	if d.Level.String() != level {
		return FieldError("division_code", "%s (%s) is a %s, not a %s", code, d.Name, d.Level, level)
	}
	return nil
}

// CheckRegionParent verifies that a region of level `child` may sit under a
// region of level `parent`: strictly deeper in the tree.
func CheckRegionParent(parent, child string) error {
	if levelRank[child] <= levelRank[parent] {
		return FieldError("parent_id", "a %s cannot be placed under a %s", child, parent)
	}
	return nil
}

// RegionUpdate renames or recodes a region (moving is not supported: it
// would silently change every scope grant on the way).
type RegionUpdate struct {
	Version int
	Code    *string
	Name    *string
	// DivisionCode maps the node to a division; "" removes the mapping.
	DivisionCode *string
}

// Validate checks the fields that are set.
func (u *RegionUpdate) Validate() error {
	if u.Code != nil && !codePattern.MatchString(*u.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if u.Name != nil {
		return validText("name", *u.Name, 1, 100)
	}
	return nil
}

// RegionFilter selects regions; After is the cursor.
type RegionFilter struct {
	ParentID *uuid.UUID
	Level    string
	After    string
	Limit    int
}
