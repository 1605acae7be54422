package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/callback"
)

type CallbackRuleOutput struct {
	Body *callback.Rule
}

type ListCallbackRulesOutput struct {
	Body struct {
		Items []*callback.Rule `json:"items"`
	}
}

type SaveCallbackRuleInput struct {
	Body callback.RuleInput
}

type CallbackRuleIDInput struct {
	ID uuid.UUID `path:"id"`
}

type DeleteQuestionnaireOutput struct {
	Body struct {
		Archived bool `json:"archived" doc:"True: it was in use and is archived; false: it is deleted."`
	}
}

type UpdateCallbackRuleInput struct {
	ID   uuid.UUID `path:"id"`
	Body callback.RuleInput
}

// PreviewOrder is an order a rule's preview selects.
type PreviewOrder struct {
	WorkOrderID uuid.UUID `json:"work_order_id"`
	Number      string    `json:"number"`
	Type        string    `json:"type"`
	ProductLine string    `json:"product_line"`
	CompletedAt time.Time `json:"completed_at"`
}

type PreviewCallbackRuleOutput struct {
	Body struct {
		Considered int            `json:"considered" doc:"Orders completed in the last month that the rule looked at."`
		Selected   []PreviewOrder `json:"selected"`
	}
}

var ruleDoc = "A rule narrows closed work by trigger, work-order types, product lines, models, sites, regions and period, " +
	"keeps a deterministic sample (a hash of tenant, rule and order, so reruns and previews select the same), and may add a " +
	"condition in expr-lang (https://expr-lang.org) over the order's fields: " + strings.Join(callback.FactNames, ", ") +
	". A condition that does not compile or names another field is a 422 naming condition; one failing at run time is recorded " +
	"and the rule skipped for that order."

func registerCallbackRuleRoutes(api huma.API, cb *callback.Service) {
	tags := []string{"Callbacks"}
	register(api, huma.Operation{OperationID: "list-callback-rules", Method: http.MethodGet, Path: "/v1/callback-rules",
		Summary: "Callback rules", Tags: tags, Description: ruleDoc},
		access{Who: accessTenant, Perm: callbackRead},
		func(ctx context.Context, _ *struct{}) (*ListCallbackRulesOutput, error) {
			rs, err := cb.Rules(ctx, unitOfWork(ctx))
			out := &ListCallbackRulesOutput{}
			out.Body.Items = nonNil(rs)
			return out, err
		})
	register(api, huma.Operation{OperationID: "create-callback-rule", Method: http.MethodPost, Path: "/v1/callback-rules",
		Summary: "Create a callback rule", Tags: tags, DefaultStatus: http.StatusCreated, Description: ruleDoc,
		Errors: []int{http.StatusUnprocessableEntity}},
		access{Who: accessTenant, Perm: callbackDesign, Idempotent: true},
		func(ctx context.Context, in *SaveCallbackRuleInput) (*CallbackRuleOutput, error) {
			r, err := cb.SaveRule(ctx, unitOfWork(ctx), nil, in.Body)
			return &CallbackRuleOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "get-callback-rule", Method: http.MethodGet, Path: "/v1/callback-rules/{id}",
		Summary: "A callback rule", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: callbackRead},
		func(ctx context.Context, in *CallbackRuleIDInput) (*CallbackRuleOutput, error) {
			r, err := cb.Rule(ctx, unitOfWork(ctx), in.ID)
			return &CallbackRuleOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "update-callback-rule", Method: http.MethodPut, Path: "/v1/callback-rules/{id}",
		Summary: "Replace a callback rule", Tags: tags, Description: ruleDoc,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}},
		access{Who: accessTenant, Perm: callbackDesign},
		func(ctx context.Context, in *UpdateCallbackRuleInput) (*CallbackRuleOutput, error) {
			r, err := cb.SaveRule(ctx, unitOfWork(ctx), &in.ID, in.Body)
			return &CallbackRuleOutput{Body: r}, err
		})
	register(api, huma.Operation{OperationID: "delete-callback-rule", Method: http.MethodDelete, Path: "/v1/callback-rules/{id}",
		Summary: "Delete a callback rule", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
		Description: "The tasks it opened stay. Audited."},
		access{Who: accessTenant, Perm: callbackDesign},
		func(ctx context.Context, in *CallbackRuleIDInput) (*struct{}, error) {
			return nil, cb.DeleteRule(ctx, unitOfWork(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "delete-questionnaire", Method: http.MethodDelete, Path: "/v1/questionnaires/{id}",
		Summary: "Delete a questionnaire, or archive it when in use", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "A questionnaire no rule or task uses is deleted with all its versions; one in use is archived: no " +
			"longer listed nor chosen by a rule, its tasks keep asking it. Audited."},
		access{Who: accessTenant, Perm: callbackDesign},
		func(ctx context.Context, in *CallbackRuleIDInput) (*DeleteQuestionnaireOutput, error) {
			archived, err := cb.DeleteQuestionnaire(ctx, unitOfWork(ctx), in.ID)
			out := &DeleteQuestionnaireOutput{}
			out.Body.Archived = archived
			return out, err
		})
	register(api, huma.Operation{OperationID: "preview-callback-rule", Method: http.MethodPost,
		Path: "/v1/callback-rules/{id}/preview", Summary: "Preview a callback rule", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "Which orders completed in the last month the rule selects, as if enabled: the same decision it takes on " +
			"each order's completion."},
		access{Who: accessTenant, Perm: callbackDesign},
		func(ctx context.Context, in *CallbackRuleIDInput) (*PreviewCallbackRuleOutput, error) {
			fs, n, err := cb.Preview(ctx, unitOfWork(ctx), in.ID)
			if err != nil {
				return nil, err
			}
			out := &PreviewCallbackRuleOutput{}
			out.Body.Considered, out.Body.Selected = n, []PreviewOrder{}
			for _, f := range fs {
				out.Body.Selected = append(out.Body.Selected, PreviewOrder{WorkOrderID: f.OrderID, Number: f.Number, Type: f.Type,
					ProductLine: f.ProductLine, CompletedAt: f.CompletedAt})
			}
			return out, nil
		})
}
