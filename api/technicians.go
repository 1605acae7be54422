package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// TechnicianFields are what a client sets on a technician, on create and
// on import.
type TechnicianFields struct {
	Code   string   `json:"code" minLength:"1" maxLength:"32" pattern:"^[A-Za-z0-9._-]+$" example:"T-0001" doc:"Unique in the tenant."`
	Name   string   `json:"name" minLength:"1" maxLength:"100" example:"王师傅"`
	Phone  string   `json:"phone" pattern:"^\\+?[0-9]{5,20}$" example:"+8613800138000" doc:"Digits with an optional leading +; SMS go here."`
	Skills []string `json:"skills,omitempty" maxItems:"50" example:"[\"AC\",\"install\"]"`
	Tags   []string `json:"tags,omitempty" maxItems:"20" example:"[\"senior\",\"gas-certified\"]" doc:"Free labels that tenant dispatch rules may read; each 1-32 characters, stored trimmed, de-duplicated and sorted."`
	Status *string  `json:"status,omitempty" enum:"available,busy,off" doc:"Default available."`
}

func (f *TechnicianFields) newTechnician(site uuid.UUID, user *uuid.UUID) core.NewTechnician {
	return core.NewTechnician{Code: f.Code, Name: f.Name, Phone: f.Phone, SiteID: site, UserID: user,
		Skills: f.Skills, Tags: f.Tags, Status: f.Status}
}

type CreateTechnicianInput struct {
	Body struct {
		SiteID uuid.UUID  `json:"site_id" doc:"The technician's site; your scope must cover it."`
		UserID *uuid.UUID `json:"user_id,omitempty" doc:"The user the technician logs in as, if any."`
		TechnicianFields
	}
}

type TechnicianOutput struct{ Body *core.Technician }

type ListTechniciansInput struct {
	ListParams
	SiteID string `query:"site_id" format:"uuid" doc:"Only this site's technicians."`
	Status string `query:"status" enum:"available,busy,off,"`
	Skill  string `query:"skill" maxLength:"32" doc:"Only technicians with this skill."`
	Tag    string `query:"tag" maxLength:"32" doc:"Only technicians with this tag."`
	Q      string `query:"q" maxLength:"100" doc:"Part of the code, name or phone."`
}

type ListTechniciansOutput struct {
	Body struct {
		Items []*core.Technician `json:"items"`
		Page
	}
}

type TechnicianIDInput struct {
	ID uuid.UUID `path:"id"`
}

type UpdateTechnicianInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Version    int        `json:"version" minimum:"1" doc:"The version you read; a stale one gets 409."`
		Code       *string    `json:"code,omitempty" minLength:"1" maxLength:"32" pattern:"^[A-Za-z0-9._-]+$"`
		Name       *string    `json:"name,omitempty" minLength:"1" maxLength:"100"`
		Phone      *string    `json:"phone,omitempty" pattern:"^\\+?[0-9]{5,20}$"`
		SiteID     *uuid.UUID `json:"site_id,omitempty" doc:"Moves the technician; your scope must cover the new site."`
		UserID     *uuid.UUID `json:"user_id,omitempty" doc:"Links a user."`
		UnlinkUser bool       `json:"unlink_user,omitempty" doc:"Removes the linked user."`
		Skills     *[]string  `json:"skills,omitempty" maxItems:"50"`
		Tags       *[]string  `json:"tags,omitempty" maxItems:"20" doc:"Replaces all tags."`
		Status     *string    `json:"status,omitempty" enum:"available,busy,off"`
	}
}

type TechnicianLocationInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Lat float64    `json:"lat" minimum:"-90" maximum:"90" example:"22.5431"`
		Lon float64    `json:"lon" minimum:"-180" maximum:"180" example:"113.9298"`
		At  *time.Time `json:"at,omitempty" doc:"When the position was taken; default now. Not in the future."`
	}
}

func registerTechnicianRoutes(api huma.API, s *Server, n NetworkServices) {
	tags := []string{"Technicians"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResTechnicians, Action: a} }
	register(api, huma.Operation{OperationID: "create-technician", Method: http.MethodPost, Path: "/v1/technicians",
		Summary: "Create a technician", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Your scope must cover the technician's site. The code must be unique in the tenant, and a user " +
			"may be linked to one technician only (409 otherwise)."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateTechnicianInput) (*TechnicianOutput, error) {
			b := in.Body
			if err := s.authorize(ctx, perm(core.ActCreate), core.Target{SiteID: &b.SiteID}); err != nil {
				return nil, err
			}
			t, err := n.Network.CreateTechnician(ctx, unitOfWork(ctx), b.newTechnician(b.SiteID, b.UserID))
			return &TechnicianOutput{Body: t}, err
		})
	register(api, huma.Operation{OperationID: "list-technicians", Method: http.MethodGet, Path: "/v1/technicians",
		Summary: "List technicians", Tags: tags,
		Description: "Ordered by code. A scoped caller sees the technicians of the sites in their scope."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListTechniciansInput) (*ListTechniciansOutput, error) {
			sc, err := s.callerScope(ctx)
			if err != nil {
				return nil, err
			}
			f := core.TechnicianFilter{Status: in.Status, Skill: in.Skill, Tag: in.Tag, Query: in.Q, After: in.Cursor, Limit: in.Limit}
			if f.SiteID, err = optionalUUID("site_id", in.SiteID); err != nil {
				return nil, err
			}
			items, next, err := n.Network.FindTechnicians(ctx, unitOfWork(ctx), f, sc)
			if err != nil {
				return nil, err
			}
			out := &ListTechniciansOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-technician", Method: http.MethodGet, Path: "/v1/technicians/{id}",
		Summary: "Get a technician", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *TechnicianIDInput) (*TechnicianOutput, error) {
			t, err := n.findTechnicianInScope(ctx, s, in.ID, perm(core.ActRead))
			return &TechnicianOutput{Body: t}, err
		})
	register(api, huma.Operation{OperationID: "update-technician", Method: http.MethodPatch, Path: "/v1/technicians/{id}",
		Summary: "Update a technician", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "Changes the fields given. The open workload is maintained by work orders and cannot be set."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate)},
		func(ctx context.Context, in *UpdateTechnicianInput) (*TechnicianOutput, error) {
			cur, err := n.findTechnicianInScope(ctx, s, in.ID, perm(core.ActUpdate))
			if err != nil {
				return nil, err
			}
			b := in.Body
			if b.SiteID != nil && *b.SiteID != cur.SiteID {
				if err := s.authorize(ctx, perm(core.ActUpdate), core.Target{SiteID: b.SiteID}); err != nil {
					return nil, err
				}
			}
			t, err := n.Network.UpdateTechnician(ctx, unitOfWork(ctx), in.ID, core.TechnicianUpdate{Version: b.Version,
				Code: b.Code, Name: b.Name, Phone: b.Phone, SiteID: b.SiteID, UserID: b.UserID, UnlinkUser: b.UnlinkUser,
				Skills: b.Skills, Tags: b.Tags, Status: b.Status})
			return &TechnicianOutput{Body: t}, err
		})
	register(api, huma.Operation{OperationID: "update-technician-location", Method: http.MethodPatch,
		Path: "/v1/technicians/{id}/location", Summary: "Report a technician's location", Tags: tags,
		Errors: []int{http.StatusNotFound},
		Description: "Records the last known location. The technician's own user may call it without any " +
			"permission; others need technicians:update in scope. A report older than the stored one is ignored " +
			"(phones resend late); the version does not change."},
		access{Who: accessTenant, Idempotent: true},
		func(ctx context.Context, in *TechnicianLocationInput) (*TechnicianOutput, error) {
			cur, err := n.Network.FindTechnicianByID(ctx, unitOfWork(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			if p := principal(ctx); p.Kind != core.PrincipalUser || cur.UserID == nil || *cur.UserID != p.ID {
				if err := s.authorize(ctx, perm(core.ActUpdate), core.Target{}); err != nil {
					return nil, err
				}
				if err := s.authorize(ctx, perm(core.ActUpdate), core.Target{SiteID: &cur.SiteID}); err != nil {
					return nil, core.Errorf(core.ENOTFOUND, "technician not found")
				}
			}
			l := core.TechnicianLocation{Location: core.GeoPoint{Lat: in.Body.Lat, Lon: in.Body.Lon}}
			if in.Body.At != nil {
				l.At = *in.Body.At
			}
			t, err := n.Network.UpdateTechnicianLocation(ctx, unitOfWork(ctx), in.ID, l)
			return &TechnicianOutput{Body: t}, err
		})
}

// findTechnicianInScope loads a technician and checks the caller's scope
// covers its site; outside the scope it answers 404.
func (n NetworkServices) findTechnicianInScope(ctx context.Context, s *Server, id uuid.UUID, perm core.Permission) (*core.Technician, error) {
	t, err := n.Network.FindTechnicianByID(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, perm, core.Target{SiteID: &t.SiteID}); err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "technician not found")
	}
	return t, nil
}
