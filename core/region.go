package core

import (
	"time"

	"github.com/google/uuid"
)

// Region levels, from the root of the tree down.
const (
	LevelCountry  = "country"
	LevelRegion   = "region"
	LevelProvince = "province"
	LevelCity     = "city"
)

var levelRank = map[string]int{LevelCountry: 0, LevelRegion: 1, LevelProvince: 2, LevelCity: 3}

// Region is a node of the tenant's region tree (country → region → province
// → city). Scope grants on a region cover its whole subtree.
type Region struct {
	ID        uuid.UUID  `json:"id"`
	ParentID  *uuid.UUID `json:"parent_id" nullable:"true"`
	Level     string     `json:"level"`
	Code      string     `json:"code"`
	Name      string     `json:"name"`
	Version   int        `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// NewRegion is the input for creating a region.
type NewRegion struct {
	ParentID *uuid.UUID
	Level    string
	Code     string
	Name     string
}

// Validate checks the fields; the parent's level is checked with CheckParent.
func (r *NewRegion) Validate() error {
	if _, ok := levelRank[r.Level]; !ok {
		return FieldError("level", "must be one of country, region, province, city")
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
