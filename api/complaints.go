package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

type CreateComplaintInput struct {
	Body struct {
		CustomerID   uuid.UUID        `json:"customer_id"`
		WorkOrderID  *uuid.UUID       `json:"work_order_id,omitempty" doc:"The order complained about: its unit, site and technician are taken from it."`
		UnitID       *uuid.UUID       `json:"unit_id,omitempty"`
		SiteID       *uuid.UUID       `json:"site_id,omitempty" doc:"The site complained about."`
		TechnicianID *uuid.UUID       `json:"technician_id,omitempty"`
		Category     string           `json:"category" maxLength:"32" doc:"A code of the tenant's category tree."`
		Severity     string           `json:"severity,omitempty" maxLength:"32" doc:"A severity code; default the first."`
		Channel      string           `json:"channel,omitempty" enum:"phone,portal,api,sms" default:"api"`
		Description  string           `json:"description,omitempty" maxLength:"4000"`
		Owner        *complaint.Owner `json:"owner,omitempty" doc:"The responsible unit; default the site complained about, else the quality department."`
	}
}

type ComplaintOutput struct{ Body *complaint.Complaint }

// ComplaintDetail is a complaint as its page shows it.
type ComplaintDetail struct {
	complaint.Complaint
	Actions []string `json:"actions" nullable:"false" doc:"What the caller may do now (POST /v1/complaints/{id}/actions), escalate included while it is active."`
}

type ComplaintDetailOutput struct{ Body *ComplaintDetail }

type ComplaintIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ListComplaintsInput struct {
	ListParams
	State       string `query:"state" enum:"open,acknowledged,investigating,resolution_proposed,confirmed,closed,"`
	Category    string `query:"category" maxLength:"32" doc:"The category and its subtree."`
	OwnerSiteID string `query:"owner_site_id" format:"uuid"`
	OwnerRegion string `query:"owner_region_id" format:"uuid" doc:"Cases owned in this region's subtree."`
	Department  string `query:"department" maxLength:"64"`
	CustomerID  string `query:"customer_id" format:"uuid"`
	Overdue     bool   `query:"overdue" doc:"Only active cases past their due time."`
}

type ListComplaintsOutput struct {
	Body struct {
		Items []*complaint.Complaint `json:"items"`
		Page
	}
}

type ComplaintEventsOutput struct {
	Body struct {
		Items []*complaint.CaseEvent `json:"items"`
	}
}

type ComplaintActionInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Action   string              `json:"action" enum:"acknowledge,investigate,propose,confirm,reject,close,reopen,wait,resume,transfer,escalate"`
		Version  int                 `json:"version,omitempty" doc:"The version read; 0: no check."`
		Reason   string              `json:"reason,omitempty" maxLength:"1000"`
		Handling *complaint.Handling `json:"handling,omitempty" doc:"For propose: the handling form."`
		Owner    *complaint.Owner    `json:"owner,omitempty" doc:"For transfer: the new responsible unit."`
		Via      string              `json:"via,omitempty" enum:"agent,sms," doc:"For confirm: how the customer confirmed."`
	}
}

type ComplaintSettingsOutput struct{ Body *complaint.Settings }

type PutComplaintSettingsInput struct{ Body complaint.Settings }

func registerComplaintRoutes(api huma.API, s *Server, svc *complaint.Service) {
	tags := []string{"Complaints"}
	perm := func(a string) core.Permission { return core.Permission{Resource: core.ResComplaints, Action: a} }
	register(api, huma.Operation{OperationID: "create-complaint", Method: http.MethodPost, Path: "/v1/complaints",
		Summary: "Open a complaint case", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Links the case to the customer and, where given, the order, unit, site and technician; gives it the " +
			"deadline of its category × severity in working days of the tenant's business calendar and a number. " +
			"The customer must be one the caller may see (see get-customer); otherwise 422 naming customer_id."},
		access{Who: accessTenant, Perm: perm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateComplaintInput) (*ComplaintOutput, error) {
			b := in.Body
			// A case is opened only about a customer the caller may see.
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			if _, err := s.deps.Customers.FindCustomerByID(ctx, unitOfWork(ctx), v, b.CustomerID); err != nil {
				if core.ErrorCode(err) == core.ENOTFOUND {
					err = core.FieldError("customer_id", "no such customer")
				}
				return nil, err
			}
			n := complaint.NewComplaint{CustomerID: b.CustomerID, WorkOrderID: b.WorkOrderID, UnitID: b.UnitID, SiteID: b.SiteID,
				TechnicianID: b.TechnicianID, Category: b.Category, Severity: b.Severity, Channel: b.Channel, Description: b.Description}
			if b.Owner != nil {
				n.Owner = *b.Owner
			}
			c, err := svc.Open(ctx, unitOfWork(ctx), n, actorOf(ctx))
			return &ComplaintOutput{Body: c}, err
		})
	register(api, huma.Operation{OperationID: "list-complaints", Method: http.MethodGet, Path: "/v1/complaints",
		Summary: "List complaints", Tags: tags,
		Description: "Newest first. Tenant-wide callers see every case; a region manager the cases owned by the sites and " +
			"regions of their subtrees; site staff the cases their sites own; technicians none."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ListComplaintsInput) (*ListComplaintsOutput, error) {
			f := complaint.Filter{State: in.State, Category: in.Category, Department: in.Department, Overdue: in.Overdue,
				After: in.Cursor, Limit: in.Limit}
			for _, p := range []struct {
				name, v string
				dst     **uuid.UUID
			}{{"owner_site_id", in.OwnerSiteID, &f.OwnerSite}, {"owner_region_id", in.OwnerRegion, &f.OwnerRegion},
				{"customer_id", in.CustomerID, &f.CustomerID}} {
				if p.v == "" {
					continue
				}
				id, err := uuid.Parse(p.v)
				if err != nil {
					return nil, core.FieldError(p.name, "is not a UUID")
				}
				*p.dst = &id
			}
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			f.Within = complaint.ReachOf(v)
			items, next, err := svc.Find(ctx, unitOfWork(ctx), f)
			if err != nil {
				return nil, err
			}
			out := &ListComplaintsOutput{}
			out.Body.Items, out.Body.Next = items, next
			if out.Body.Items == nil {
				out.Body.Items = []*complaint.Complaint{}
			}
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-complaint", Method: http.MethodGet, Path: "/v1/complaints/{id}",
		Summary: "Get a complaint", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "With its deadline clock, escalation level, handling form and `actions`. A case outside the caller's scope answers 404."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ComplaintIDInput) (*ComplaintDetailOutput, error) {
			c, err := findComplaintInScope(ctx, s, svc, in.ID, perm(core.ActRead))
			if err != nil {
				return nil, err
			}
			return &ComplaintDetailOutput{Body: complaintDetail(ctx, s, c, perm(core.ActUpdate))}, nil
		})
	register(api, huma.Operation{OperationID: "list-complaint-events", Method: http.MethodGet, Path: "/v1/complaints/{id}/events",
		Summary: "A complaint's timeline", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Every change, oldest first: state changes, waits, transfers (with the reason), escalations (with whom they notify)."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, in *ComplaintIDInput) (*ComplaintEventsOutput, error) {
			if _, err := findComplaintInScope(ctx, s, svc, in.ID, perm(core.ActRead)); err != nil {
				return nil, err
			}
			items, err := svc.FindEvents(ctx, unitOfWork(ctx), in.ID)
			out := &ComplaintEventsOutput{}
			out.Body.Items = items
			return out, err
		})
	register(api, huma.Operation{OperationID: "act-on-complaint", Method: http.MethodPost, Path: "/v1/complaints/{id}/actions",
		Summary: "Act on a complaint", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "acknowledge, investigate, propose (with the handling form), confirm (the customer accepts, via agent or sms), " +
			"reject, close, reopen (within the tenant's period), wait / resume (the clock pauses while the customer is waited on), " +
			"transfer (to another responsible unit, with a reason) and escalate (the next step of the ladder, with a reason)."},
		access{Who: accessTenant, Perm: perm(core.ActUpdate), Idempotent: true},
		func(ctx context.Context, in *ComplaintActionInput) (*ComplaintDetailOutput, error) {
			if _, err := findComplaintInScope(ctx, s, svc, in.ID, perm(core.ActUpdate)); err != nil {
				return nil, err
			}
			b := in.Body
			c, err := svc.Act(ctx, unitOfWork(ctx), in.ID, complaint.ActionInput{Action: b.Action, Version: b.Version, Reason: b.Reason,
				Handling: b.Handling, Owner: b.Owner, Via: b.Via}, actorOf(ctx))
			if err != nil {
				return nil, err
			}
			return &ComplaintDetailOutput{Body: complaintDetail(ctx, s, c, perm(core.ActUpdate))}, nil
		})
	register(api, huma.Operation{OperationID: "get-complaint-settings", Method: http.MethodGet, Path: "/v1/complaint-settings",
		Summary: "Complaint settings", Tags: tags,
		Description: "The category tree, severities, deadlines in working days per category × severity, reopen period and escalation ladder; the defaults until set."},
		access{Who: accessTenant, Perm: perm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ComplaintSettingsOutput, error) {
			set, err := svc.FindSettings(ctx, unitOfWork(ctx))
			return &ComplaintSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "put-complaint-settings", Method: http.MethodPut, Path: "/v1/complaint-settings",
		Summary: "Replace the complaint settings", Tags: tags,
		Description: "Checked against the business calendar: a deadline that can never be met, an unknown category or severity, " +
			"a ladder that does not climb answer 422 naming the field, nothing saved. Open cases keep their deadlines."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}},
		func(ctx context.Context, in *PutComplaintSettingsInput) (*ComplaintSettingsOutput, error) {
			set, err := svc.SaveSettings(ctx, unitOfWork(ctx), in.Body)
			return &ComplaintSettingsOutput{Body: set}, err
		})
	registerComplaintReassignRoute(api, s, svc)
}

// findComplaintInScope reads a case the caller may see with perm: a
// tenant-wide caller any; others a case owned by a site or region in
// their scope. Others answer 404.
func findComplaintInScope(ctx context.Context, s *Server, svc *complaint.Service, id uuid.UUID, perm core.Permission) (*complaint.Complaint, error) {
	c, err := svc.FindByID(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, err
	}
	if !complaintInScope(ctx, s, c, perm) {
		return nil, core.Errorf(core.ENOTFOUND, "complaint not found")
	}
	return c, nil
}

func complaintInScope(ctx context.Context, s *Server, c *complaint.Complaint, perm core.Permission) bool {
	v, err := s.viewer(ctx)
	if err != nil || v.Technician != nil {
		return false
	}
	switch {
	case v.Scope.All:
		return s.authorize(ctx, perm, core.Target{}) == nil
	case c.Owner.SiteID != nil && s.authorize(ctx, perm, core.Target{SiteID: c.Owner.SiteID}) == nil:
		return true
	case c.Owner.RegionID != nil:
		return s.authorize(ctx, perm, core.Target{RegionID: c.Owner.RegionID}) == nil
	}
	return false
}

func complaintDetail(ctx context.Context, s *Server, c *complaint.Complaint, update core.Permission) *ComplaintDetail {
	d := &ComplaintDetail{Complaint: *c, Actions: []string{}}
	if complaintInScope(ctx, s, c, update) {
		d.Actions = append(d.Actions, complaint.Allowed(c.State, c.WaitingSince != nil)...)
		if complaint.Active(c.State) {
			d.Actions = append(d.Actions, complaint.ActEscalate)
		}
	}
	return d
}
