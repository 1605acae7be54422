package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/claim"
)

type CreateClaimInput struct {
	Body struct {
		WorkOrderID uuid.UUID `json:"work_order_id" doc:"A completed order of a unit in warranty on its completion day (by the 三包 policy's charges where stored)."`
	}
}

// ClaimDetail is a claim as its page shows it.
type ClaimDetail struct {
	claim.Claim
	Actions []string `json:"actions" nullable:"false" doc:"What the caller may do now (POST /v1/claims/{id}/actions)."`
}

type ClaimDetailOutput struct{ Body *ClaimDetail }

type ClaimIDInput struct {
	ID uuid.UUID `path:"id"`
}

type ListClaimsInput struct {
	ListParams
	State  string `query:"state" enum:"draft,submitted,flagged,approved,adjusted,rejected,appealed,"`
	SiteID string `query:"site_id" format:"uuid"`
}

type ListClaimsOutput struct {
	Body struct {
		Items []*claim.Claim `json:"items"`
		Page
	}
}

type ClaimEventsOutput struct {
	Body struct {
		Items []*claim.ClaimEvent `json:"items"`
	}
}

type ClaimActionInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Action  string             `json:"action" enum:"submit,adjust,appeal,audit,return,approve,reduce,reject"`
		Version int                `json:"version,omitempty" doc:"The version read; 0: no check."`
		Reason  string             `json:"reason,omitempty" maxLength:"1000" doc:"Required by adjust, reduce, reject and appeal."`
		Lines   []claim.LineChange `json:"lines,omitempty" maxItems:"120" doc:"adjust: new quantities or amounts; reduce: approved amounts."`
		Line    int                `json:"line,omitempty" doc:"return: the part line that came back."`
		Note    string             `json:"note,omitempty" maxLength:"2000" doc:"audit: what the audit found."`
	}
}

type ClaimSettingsOutput struct{ Body *claim.ClaimSettings }

type PutClaimSettingsInput struct{ Body claim.ClaimSettings }

type ClaimRulesBody struct {
	Rules  []claim.AuditRule `json:"rules" nullable:"false" maxItems:"50"`
	Fields []string          `json:"fields,omitempty" readOnly:"true" doc:"The names a condition may use."`
}

type ClaimRulesOutput struct{ Body ClaimRulesBody }

type PutClaimRulesInput struct {
	Body struct {
		Rules []claim.AuditRule `json:"rules" maxItems:"50"`
	}
}

func claimPerm(a string) core.Permission { return core.Permission{Resource: core.ResClaims, Action: a} }

func registerClaimRoutes(api huma.API, s *Server, svc *claim.Service) {
	tags := []string{"Claims"}
	register(api, huma.Operation{OperationID: "create-claim", Method: http.MethodPost, Path: "/v1/claims",
		Summary: "Draft a warranty claim for a completed order", Tags: tags, DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusConflict},
		Description: "Labour at the model's standard hours × the tenant's labour rate; travel at the straight-line (great-circle) " +
			"distance from the site to the order's address × the rate per km (road distance is not known); each part on the " +
			"service record with its return due date (none for a part the catalogue does not want back). Where the 三包 policy " +
			"priced the order at completion (its charges), what the customer paid for is not claimed (labour or travel at 0, " +
			"charged parts left out) and an order the customer paid for in full is out of warranty; otherwise the model's " +
			"warranty months decide. An order not completed, out of warranty on its completion day, or outside " +
			"the caller's sites answers 422 naming work_order_id; an order with a claim 409. Nothing is created then."},
		access{Who: accessTenant, Perm: claimPerm(core.ActCreate), Idempotent: true},
		func(ctx context.Context, in *CreateClaimInput) (*ClaimDetailOutput, error) {
			c, err := svc.Draft(ctx, unitOfWork(ctx), in.Body.WorkOrderID, actorOf(ctx))
			if err != nil {
				return nil, err
			}
			if !claimAllowed(ctx, s, c, claimPerm(core.ActCreate)) {
				return nil, core.FieldError("work_order_id", "no such work order")
			}
			return &ClaimDetailOutput{Body: claimDetail(ctx, s, c)}, nil
		})
	register(api, huma.Operation{OperationID: "list-claims", Method: http.MethodGet, Path: "/v1/claims",
		Summary: "List warranty claims", Tags: tags,
		Description: "Newest first. Tenant-wide callers see every claim; a region manager those of the sites in their subtrees; " +
			"site staff their sites' claims; technicians none. state=flagged is the reviewers' audit queue."},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, in *ListClaimsInput) (*ListClaimsOutput, error) {
			f := claim.Filter{State: in.State, After: in.Cursor, Limit: in.Limit}
			if in.SiteID != "" {
				id, err := uuid.Parse(in.SiteID)
				if err != nil {
					return nil, core.FieldError("site_id", "is not a UUID")
				}
				f.SiteID = &id
			}
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			f.Within = claim.ReachOf(v)
			items, next, err := svc.Find(ctx, unitOfWork(ctx), f)
			out := &ListClaimsOutput{}
			for i, c := range items {
				items[i] = withoutAuditCallback(ctx, s, c)
			}
			out.Body.Items, out.Body.Next = items, next
			if out.Body.Items == nil {
				out.Body.Items = []*claim.Claim{}
			}
			return out, err
		})
	register(api, huma.Operation{OperationID: "get-claim", Method: http.MethodGet, Path: "/v1/claims/{id}",
		Summary: "Get a warranty claim", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "With its lines, flags, audit task and `actions`. A claim outside the caller's scope answers 404."},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, in *ClaimIDInput) (*ClaimDetailOutput, error) {
			c, err := findClaimInScope(ctx, s, svc, in.ID, claimPerm(core.ActRead))
			if err != nil {
				return nil, err
			}
			return &ClaimDetailOutput{Body: claimDetail(ctx, s, c)}, nil
		})
	register(api, huma.Operation{OperationID: "list-claim-events", Method: http.MethodGet, Path: "/v1/claims/{id}/events",
		Summary: "A claim's timeline", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Every change, oldest first, with who, when, the reason and what changed."},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, in *ClaimIDInput) (*ClaimEventsOutput, error) {
			if _, err := findClaimInScope(ctx, s, svc, in.ID, claimPerm(core.ActRead)); err != nil {
				return nil, err
			}
			items, err := svc.FindEvents(ctx, unitOfWork(ctx), in.ID)
			out := &ClaimEventsOutput{}
			out.Body.Items = items
			return out, err
		})
	register(api, huma.Operation{OperationID: "act-on-claim", Method: http.MethodPost, Path: "/v1/claims/{id}/actions",
		Summary: "Act on a warranty claim", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Description: "The site (claims:create): adjust a draft's lines (with a reason), submit it (the tenant's audit rules run: " +
			"a flagged claim gets an audit task: a callback to the customer in the call centre's queue, whose outcome is the audit's result), appeal a rejected or adjusted claim once (with a reason). Reviewers " +
			"(claims:approve): audit (record the audit task's result: an inspection of their own; the customer callback that " +
			"audits a flagged claim in the call centre's queue is then cancelled as no longer needed), return (a defective part came back), approve, reduce " +
			"(approve adjusted amounts, with a reason) or reject (with a reason); a flagged claim needs its audit first. " +
			"An action the state forbids, or a second appeal, answers 409 naming it; bad input 422 naming the field."},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead), Idempotent: true},
		func(ctx context.Context, in *ClaimActionInput) (*ClaimDetailOutput, error) {
			b := in.Body
			need := claimPerm(core.ActApprove)
			if slices.Contains(claim.SiteActions, b.Action) {
				need = claimPerm(core.ActCreate)
			}
			c, err := findClaimInScope(ctx, s, svc, in.ID, claimPerm(core.ActRead))
			if err != nil {
				return nil, err
			}
			if !claimAllowed(ctx, s, c, need) {
				return nil, core.Errorf(core.EFORBIDDEN, "%s needs the %s permission for the claim's site", b.Action, need)
			}
			c, err = svc.Act(ctx, unitOfWork(ctx), in.ID, claim.ActionInput{Action: b.Action, Version: b.Version, Reason: b.Reason,
				Lines: b.Lines, Line: b.Line, Note: b.Note}, actorOf(ctx))
			if err != nil {
				return nil, err
			}
			return &ClaimDetailOutput{Body: claimDetail(ctx, s, c)}, nil
		})
	registerClaimSettingsRoutes(api, s, svc)
	registerClaimStatementRoutes(api, s, svc)
}

func registerClaimSettingsRoutes(api huma.API, s *Server, svc *claim.Service) {
	tags := []string{"Claims"}
	register(api, huma.Operation{OperationID: "get-claim-settings", Method: http.MethodGet, Path: "/v1/claim-settings",
		Summary: "Claim prices and settlement terms", Tags: tags, Description: "The defaults until set."},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ClaimSettingsOutput, error) {
			set, _, err := svc.FindSettings(ctx, unitOfWork(ctx))
			return &ClaimSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "put-claim-settings", Method: http.MethodPut, Path: "/v1/claim-settings",
		Summary: "Replace the claim settings", Tags: tags,
		Description: "Labour rate, km rate, currency, part return days and the deductions per SLA miss; 422 naming the field."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}},
		func(ctx context.Context, in *PutClaimSettingsInput) (*ClaimSettingsOutput, error) {
			set, err := svc.SaveSettings(ctx, unitOfWork(ctx), in.Body)
			return &ClaimSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "get-claim-rules", Method: http.MethodGet, Path: "/v1/claim-rules",
		Summary: "The audit rules", Tags: tags,
		Description: "expr-lang conditions over a submitted claim's facts (`fields`); the defaults until set."},
		access{Who: accessTenant, Perm: claimPerm(core.ActRead)},
		func(ctx context.Context, _ *struct{}) (*ClaimRulesOutput, error) {
			_, rules, err := svc.FindSettings(ctx, unitOfWork(ctx))
			return &ClaimRulesOutput{Body: ClaimRulesBody{Rules: rules, Fields: claim.FactNames}}, err
		})
	register(api, huma.Operation{OperationID: "put-claim-rules", Method: http.MethodPut, Path: "/v1/claim-rules",
		Summary: "Replace the audit rules", Tags: tags,
		Description: "A rule that does not compile, names an unknown field or is not boolean answers 422 naming " +
			"rules[i].condition; nothing saved. Claims already submitted keep their flags."},
		access{Who: accessTenant, Perm: claimPerm(core.ActApprove)},
		func(ctx context.Context, in *PutClaimRulesInput) (*ClaimRulesOutput, error) {
			if err := requireTenantWide(ctx, s); err != nil {
				return nil, err
			}
			rules, err := svc.SaveRules(ctx, unitOfWork(ctx), in.Body.Rules)
			return &ClaimRulesOutput{Body: ClaimRulesBody{Rules: rules, Fields: claim.FactNames}}, err
		})
}

// requireTenantWide refuses callers whose scope is not the whole tenant.
func requireTenantWide(ctx context.Context, s *Server) error {
	v, err := s.viewer(ctx)
	if err != nil {
		return err
	}
	if !v.Scope.All || v.Technician != nil {
		return core.Errorf(core.EFORBIDDEN, "this needs tenant-wide scope")
	}
	return nil
}

func findClaimInScope(ctx context.Context, s *Server, svc *claim.Service, id uuid.UUID, perm core.Permission) (*claim.Claim, error) {
	c, err := svc.FindByID(ctx, unitOfWork(ctx), id)
	if err != nil {
		return nil, err
	}
	if !claimAllowed(ctx, s, c, perm) {
		return nil, core.Errorf(core.ENOTFOUND, "claim not found")
	}
	return c, nil
}

// claimAllowed: the caller holds perm on the claim's site (a grant on the
// site or a region above it); technicians never.
func claimAllowed(ctx context.Context, s *Server, c *claim.Claim, perm core.Permission) bool {
	v, err := s.viewer(ctx)
	if err != nil || v.Technician != nil {
		return false
	}
	return s.authorize(ctx, perm, core.Target{SiteID: &c.SiteID}) == nil
}

func claimDetail(ctx context.Context, s *Server, c *claim.Claim) *ClaimDetail {
	return &ClaimDetail{Claim: *withoutAuditCallback(ctx, s, c), Actions: claim.Allowed(c, claimAllowed(ctx, s, c, claimPerm(core.ActCreate)),
		claimAllowed(ctx, s, c, claimPerm(core.ActApprove)))}
}

// withoutAuditCallback hides a claim's audit callback from a caller who
// does not review the claim (its site): the audit checks the site's own
// claim with its customer.
func withoutAuditCallback(ctx context.Context, s *Server, c *claim.Claim) *claim.Claim {
	if c.Audit == nil || c.Audit.Callback == nil || claimAllowed(ctx, s, c, claimPerm(core.ActApprove)) {
		return c
	}
	out, a := *c, *c.Audit
	a.Callback, out.Audit = nil, &a
	return &out
}
