package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// GeoPointBody is a position in requests.
type GeoPointBody struct {
	Lat float64 `json:"lat" minimum:"-90" maximum:"90" example:"22.5431" doc:"Latitude, WGS-84 decimal degrees."`
	Lon float64 `json:"lon" minimum:"-180" maximum:"180" example:"113.9298" doc:"Longitude, WGS-84 decimal degrees."`
}

func (p GeoPointBody) point() core.GeoPoint { return core.GeoPoint{Lat: p.Lat, Lon: p.Lon} }

// ServiceAreaBody is a service area in requests: one of radius_km or
// polygon, or neither ({} or left out) for a site that covers only its
// districts.
type ServiceAreaBody struct {
	RadiusKm float64        `json:"radius_km,omitempty" exclusiveMinimum:"0" maximum:"2000" example:"15" doc:"A circle of this radius around the site's location."`
	Polygon  []GeoPointBody `json:"polygon,omitempty" minItems:"3" maxItems:"1000" doc:"At least 3 points, not on one line, spanning at most 180° of longitude; the closing point may be repeated."`
}

func (a *ServiceAreaBody) area() core.ServiceArea {
	out := core.ServiceArea{RadiusKm: a.RadiusKm}
	for _, p := range a.Polygon {
		out.Polygon = append(out.Polygon, p.point())
	}
	return out
}

// SiteFields are what a client sets on a site, on create and on import.
type SiteFields struct {
	Code          string             `json:"code" minLength:"1" maxLength:"32" pattern:"^[A-Za-z0-9._-]+$" example:"SZ-NS-001" doc:"Unique in the tenant."`
	Name          string             `json:"name" minLength:"1" maxLength:"100" example:"深圳南山服务站"`
	Kind          string             `json:"kind" enum:"service_station,repair_center,dealer"`
	Location      GeoPointBody       `json:"location"`
	Area          ServiceAreaBody    `json:"area,omitempty" doc:"Where the site serves: radius_km or polygon; left out or {} for a site that covers only the districts it lists (districts, or PUT /v1/sites/{id}/districts). A site must cover somewhere: no area and no districts is a 422 naming area.radius_km."`
	Districts     []SiteDistrictItem `json:"districts,omitempty" maxItems:"1000" doc:"Divisions the site covers (GET /v1/divisions), instead of or besides an area: on create its whole coverage; on import added to what the site covers."`
	Address       *string            `json:"address,omitempty" maxLength:"300" example:"深圳市南山区科技园南路 88 号"`
	Phone         *string            `json:"phone,omitempty" maxLength:"25" example:"0755-8888 6666"`
	ProductLines  []string           `json:"product_lines,omitempty" maxItems:"50" example:"[\"AC\",\"FRIDGE\"]" doc:"Product lines the manufacturer authorised the site for."`
	Skills        []string           `json:"skills,omitempty" maxItems:"50" example:"[\"install\",\"repair\"]"`
	Tags          []string           `json:"tags,omitempty" maxItems:"20" example:"[\"24h\",\"flagship\"]" doc:"Free labels that tenant dispatch rules may read; each 1-32 characters, stored trimmed, de-duplicated and sorted."`
	DailyCapacity *int               `json:"daily_capacity,omitempty" minimum:"0" maximum:"100000" doc:"Work orders the site takes per day. Default 10."`
	WorkingHours  core.WorkingHours  `json:"working_hours,omitempty" doc:"Opening hours by day (mon … sun): ordered, non-overlapping HH:MM-HH:MM intervals, e.g. {\"mon\": [\"08:30-12:00\", \"13:30-18:00\"]}. A missing or empty day is closed."`
	Status        *string            `json:"status,omitempty" enum:"active,suspended,closed" doc:"Only active sites receive work orders. Default active."`
	Reputation    *float64           `json:"reputation,omitempty" minimum:"0" maximum:"100" doc:"0-100. Default 80."`
	AutoAssign    *bool              `json:"auto_assign,omitempty" doc:"true: the platform assigns the site's technicians; false: the site's staff do. Default true."`
}

func (f *SiteFields) newSite(region uuid.UUID) core.NewSite {
	return core.NewSite{Code: f.Code, Name: f.Name, Kind: f.Kind, RegionID: region, Location: f.Location.point(),
		Area: f.Area.area(), Address: f.Address, Phone: f.Phone, ProductLines: f.ProductLines, Skills: f.Skills,
		Tags: f.Tags, DailyCapacity: f.DailyCapacity, WorkingHours: f.WorkingHours, Status: f.Status,
		Reputation: f.Reputation, AutoAssign: f.AutoAssign, Districts: siteDistrictsOf(f.Districts)}
}

func siteDistrictsOf(items []SiteDistrictItem) []core.SiteDistrict {
	if items == nil {
		return nil
	}
	out := make([]core.SiteDistrict, len(items))
	for i, it := range items {
		out[i] = core.SiteDistrict{Code: it.Code, Coverage: it.Coverage}
	}
	return out
}

type CreateSiteInput struct {
	Body struct {
		RegionID uuid.UUID `json:"region_id" doc:"The region the site belongs to; its scope follows the region."`
		SiteFields
	}
}

type SiteOutput struct{ Body *core.Site }

type ListSitesInput struct {
	ListParams
	RegionID    string `query:"region_id" format:"uuid" doc:"Only sites in this region's subtree."`
	Status      string `query:"status" enum:"active,suspended,closed,"`
	Kind        string `query:"kind" enum:"service_station,repair_center,dealer,"`
	ProductLine string `query:"product_line" maxLength:"32" doc:"Only sites authorised for this product line."`
	Tag         string `query:"tag" maxLength:"32" doc:"Only sites with this tag."`
	Q           string `query:"q" maxLength:"100" doc:"Part of the code, name or address."`
}

type ListSitesOutput struct {
	Body struct {
		Items []*core.Site `json:"items"`
		Page
	}
}

type SiteIDInput struct {
	ID uuid.UUID `path:"id"`
}

type UpdateSiteInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version       int                `json:"version" minimum:"1" doc:"The version you read; a stale one gets 409."`
		Code          *string            `json:"code,omitempty" minLength:"1" maxLength:"32" pattern:"^[A-Za-z0-9._-]+$"`
		Name          *string            `json:"name,omitempty" minLength:"1" maxLength:"100"`
		Kind          *string            `json:"kind,omitempty" enum:"service_station,repair_center,dealer"`
		RegionID      *uuid.UUID         `json:"region_id,omitempty" doc:"Moves the site; your scope must cover the new region."`
		Address       *string            `json:"address,omitempty" maxLength:"300"`
		Phone         *string            `json:"phone,omitempty" maxLength:"25"`
		Location      *GeoPointBody      `json:"location,omitempty"`
		Area          *ServiceAreaBody   `json:"area,omitempty" doc:"Replaces the whole area; {} leaves the site covering only its districts (it must cover some, else a 422 naming area.radius_km)."`
		ProductLines  *[]string          `json:"product_lines,omitempty" maxItems:"50"`
		Skills        *[]string          `json:"skills,omitempty" maxItems:"50"`
		Tags          *[]string          `json:"tags,omitempty" maxItems:"20" doc:"Replaces all tags."`
		DailyCapacity *int               `json:"daily_capacity,omitempty" minimum:"0" maximum:"100000"`
		WorkingHours  *core.WorkingHours `json:"working_hours,omitempty"`
		Status        *string            `json:"status,omitempty" enum:"active,suspended,closed"`
		Reputation    *float64           `json:"reputation,omitempty" minimum:"0" maximum:"100"`
		AutoAssign    *bool              `json:"auto_assign,omitempty"`
	}
}

func registerSiteRoutes(api huma.API, s *Server, n NetworkServices) {
	tags := []string{"Sites"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResSites, Action: a} }
	register(api, huma.Operation{OperationID: "create-site", Method: http.MethodPost, Path: "/v1/sites",
		Summary: "Create a service site", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Your scope must cover the site's region. The code must be unique in the tenant (409 otherwise)."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true, ChangesAccess: true},
		func(ctx context.Context, in *CreateSiteInput) (*SiteOutput, error) {
			if err := s.authorize(ctx, perm(core.ActCreate), core.Target{RegionID: &in.Body.RegionID}); err != nil {
				return nil, err
			}
			site, err := n.Network.CreateSite(ctx, unitOfWork(ctx), in.Body.newSite(in.Body.RegionID))
			return &SiteOutput{Body: site}, err
		})
	register(api, huma.Operation{OperationID: "list-sites", Method: http.MethodGet, Path: "/v1/sites",
		Summary: "List service sites", Tags: tags,
		Description: "Ordered by code. A scoped caller sees the sites in the subtrees of their regions and the sites granted to them."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListSitesInput) (*ListSitesOutput, error) {
			sc, err := s.callerScope(ctx)
			if err != nil {
				return nil, err
			}
			f := core.SiteFilter{Status: in.Status, Kind: in.Kind, ProductLine: in.ProductLine, Tag: in.Tag, Query: in.Q,
				After: in.Cursor, Limit: in.Limit}
			if f.RegionID, err = optionalUUID("region_id", in.RegionID); err != nil {
				return nil, err
			}
			items, next, err := n.Network.FindSites(ctx, unitOfWork(ctx), f, sc)
			if err != nil {
				return nil, err
			}
			out := &ListSitesOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-site", Method: http.MethodGet, Path: "/v1/sites/{id}",
		Summary: "Get a service site", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *SiteIDInput) (*SiteOutput, error) {
			site, err := n.findSiteInScope(ctx, s, in.ID, perm(core.ActRead))
			return &SiteOutput{Body: site}, err
		})
	register(api, huma.Operation{OperationID: "update-site", Method: http.MethodPatch, Path: "/v1/sites/{id}",
		Summary: "Update a service site", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Changes the fields given. Moving the site to another region needs scope over both regions."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), ChangesAccess: true},
		func(ctx context.Context, in *UpdateSiteInput) (*SiteOutput, error) {
			cur, err := n.findSiteInScope(ctx, s, in.ID, perm(core.ActUpdate))
			if err != nil {
				return nil, err
			}
			b := in.Body
			if b.RegionID != nil && *b.RegionID != cur.RegionID {
				if err := s.authorize(ctx, perm(core.ActUpdate), core.Target{RegionID: b.RegionID}); err != nil {
					return nil, err
				}
			}
			up := core.SiteUpdate{Version: b.Version, Code: b.Code, Name: b.Name, Kind: b.Kind, RegionID: b.RegionID,
				Address: b.Address, Phone: b.Phone, ProductLines: b.ProductLines, Skills: b.Skills, Tags: b.Tags,
				DailyCapacity: b.DailyCapacity, WorkingHours: b.WorkingHours, Status: b.Status, Reputation: b.Reputation,
				AutoAssign: b.AutoAssign}
			if b.Location != nil {
				p := b.Location.point()
				up.Location = &p
			}
			if b.Area != nil {
				a := b.Area.area()
				up.Area = &a
			}
			site, err := n.Network.UpdateSite(ctx, unitOfWork(ctx), in.ID, up)
			return &SiteOutput{Body: site}, err
		})
}

// findSiteInScope loads a site and checks the caller's scope covers it;
// outside the scope it answers 404, as if the site did not exist.
func (n NetworkServices) findSiteInScope(ctx context.Context, s *Server, id uuid.UUID, perm core.Permission) (*core.Site, error) {
	site, err := n.Network.FindSiteByID(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, perm, core.Target{SiteID: &id}); err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "site not found")
	}
	return site, nil
}

// optionalUUID parses an optional UUID query parameter.
func optionalUUID(field, v string) (*uuid.UUID, error) {
	if v == "" {
		return nil, nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		return nil, core.FieldError(field, "is not a UUID")
	}
	return &id, nil
}
