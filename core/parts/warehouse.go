package parts

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Warehouse kinds.
const (
	KindCentral  = "central"
	KindRegional = "regional" // belongs to a region
	KindSite     = "site"     // a site's own stock
)

// Warehouse is a place that holds stock.
type Warehouse struct {
	ID            uuid.UUID  `json:"id"`
	Code          string     `json:"code" example:"WH-SZ"`
	Name          string     `json:"name" example:"深圳中心库"`
	Kind          string     `json:"kind" enum:"central,regional,site"`
	RegionID      *uuid.UUID `json:"region_id" nullable:"true" doc:"The region of a regional warehouse."`
	SiteID        *uuid.UUID `json:"site_id" nullable:"true" doc:"The site of a site warehouse."`
	AllowNegative bool       `json:"allow_negative" doc:"Whether takes (issues, transfers out, adjustments, consumption) may drive its available stock below zero; reservations never do."`
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// WarehouseInput is what creating or replacing a warehouse takes.
type WarehouseInput struct {
	Code, Name    string
	Kind          string
	RegionID      *uuid.UUID
	SiteID        *uuid.UUID
	AllowNegative bool
	Version       int
}

// Validate checks the input; EINVALID names the field.
func (in *WarehouseInput) Validate() error {
	in.Code, in.Name = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name)
	switch {
	case !numberPattern.MatchString(in.Code):
		return core.FieldError("code", "must be 1-64 letters, digits, '.', '_', '/' or '-'")
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 200:
		return core.FieldError("name", "must be 1-200 characters")
	}
	switch in.Kind {
	case KindCentral:
		if in.RegionID != nil || in.SiteID != nil {
			return core.FieldError("kind", "a central warehouse has neither region nor site")
		}
	case KindRegional:
		if in.RegionID == nil {
			return core.FieldError("region_id", "is required for a regional warehouse")
		}
		if in.SiteID != nil {
			return core.FieldError("site_id", "a regional warehouse has no site")
		}
	case KindSite:
		if in.SiteID == nil {
			return core.FieldError("site_id", "is required for a site warehouse")
		}
		if in.RegionID != nil {
			return core.FieldError("region_id", "a site warehouse takes its site's region")
		}
	default:
		return core.FieldError("kind", "must be central, regional or site")
	}
	return nil
}

// Reach is the set of warehouses a caller may see: every one, or those of
// the sites in Sites and of the sites and regions in Regions' subtrees.
// Central warehouses are in tenant-wide reach only. The zero Reach holds
// none.
type Reach = core.SiteReach

// ReachOf is the warehouse reach of a viewer: a technician reaches their
// site's warehouses.
func ReachOf(v core.Viewer) Reach {
	switch {
	case v.Technician != nil:
		return Reach{Sites: []uuid.UUID{v.Technician.SiteID}}
	case v.Scope.All:
		return Reach{All: true}
	}
	return Reach{Regions: v.Scope.Regions, Sites: v.Scope.Sites}
}

// WarehouseFilter selects warehouses, in code order.
type WarehouseFilter struct {
	Within Reach
	Kind   string
	SiteID *uuid.UUID
	Query  string
	After  string // the last code of the previous page
	Limit  int
}
