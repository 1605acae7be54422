package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

type ListCallbackTasksInput struct {
	ListParams
	Status string `query:"status" enum:"open,done,given_up" doc:"Only tasks in this status."`
	Group  string `query:"group" maxLength:"40" doc:"Only this agent group's to-do queue (e.g. callback)."`
	// Customer and WorkOrder list the callbacks shown on their pages.
	Customer  uuid.UUID `query:"customer" doc:"Only this customer's callbacks."`
	WorkOrder uuid.UUID `query:"work_order" doc:"Only the callbacks of this work order."`
}

type ListCallbackTasksOutput struct {
	Body struct {
		Items []*callback.Task `json:"items"`
		Page
	}
}

type CallbackTaskIDInput struct {
	ID uuid.UUID `path:"id"`
}

// CallbackTaskView is a task with the questionnaire version it asks.
type CallbackTaskView struct {
	callback.Task
	Questionnaire *callback.Questionnaire `json:"questionnaire,omitempty" doc:"The version the task asks; absent without one."`
}

type CallbackTaskOutput struct {
	Body CallbackTaskView
}

type RecordCallbackAttemptInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Outcome string `json:"outcome" enum:"no_answer,busy,wrong_number,refused"`
	}
}

type SubmitCallbackAnswersInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Answers []callback.Answer `json:"answers" maxItems:"50"`
		Note    string            `json:"note,omitempty" maxLength:"2000" doc:"A claim audit: what the customer confirmed (required when reached)."`
		Reached *bool             `json:"reached,omitempty" doc:"A claim audit (source claim_audit): whether the customer was reached; required there, refused elsewhere."`
	}
}

func registerCallbackTaskRoutes(api huma.API, s *Server, cb *callback.Service) {
	tags := []string{"Callbacks"}
	// inScope reads a task the caller may see: outside their scope, as if
	// it did not exist.
	inScope := func(ctx context.Context, id uuid.UUID, perm core.Permission) (*callback.Task, error) {
		t, err := cb.Task(ctx, unitOfWork(ctx), id)
		if err != nil {
			return nil, err
		}
		if err := s.authorize(ctx, perm, core.Target{SiteID: t.SiteID}); err != nil || !claimAuditInScope(ctx, s, cb, t) {
			return nil, core.Errorf(core.ENOTFOUND, "callback task %s not found", id)
		}
		return t, nil
	}
	view := func(ctx context.Context, t *callback.Task, err error) (*CallbackTaskOutput, error) {
		if err != nil {
			return nil, err
		}
		out := &CallbackTaskOutput{Body: CallbackTaskView{Task: *t}}
		if t.QuestionnaireID != nil {
			out.Body.Questionnaire, err = cb.Questionnaire(ctx, unitOfWork(ctx), *t.QuestionnaireID, t.QuestionnaireVersion)
		}
		return out, err
	}
	register(api, huma.Operation{OperationID: "list-callback-tasks", Method: http.MethodGet, Path: "/v1/callback-tasks",
		Summary: "Callback to-do queue (回访待办)", Tags: tags,
		Description: "Tasks by due time, of orders within the caller's scope."},
		access{Who: accessTenant, Perm: callbackRead},
		func(ctx context.Context, in *ListCallbackTasksInput) (*ListCallbackTasksOutput, error) {
			sc, err := s.callerScope(ctx)
			if err != nil {
				return nil, err
			}
			items, next, err := cb.Tasks(ctx, unitOfWork(ctx), callback.TaskFilter{Status: in.Status, Group: in.Group, Within: sc,
				CustomerID: in.Customer, WorkOrderID: in.WorkOrder,
				Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ListCallbackTasksOutput{}
			out.Body.Items, out.Body.Next = nonNil(items), next
			return out, nil
		})
	register(api, huma.Operation{OperationID: "get-callback-task", Method: http.MethodGet, Path: "/v1/callback-tasks/{id}",
		Summary: "A callback task with its questionnaire", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: callbackRead},
		func(ctx context.Context, in *CallbackTaskIDInput) (*CallbackTaskOutput, error) {
			t, err := inScope(ctx, in.ID, callbackRead)
			return view(ctx, t, err)
		})
	register(api, huma.Operation{OperationID: "record-callback-attempt", Method: http.MethodPost,
		Path: "/v1/callback-tasks/{id}/attempts", Summary: "Record a call that got no answers", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
		Description: "No answer or busy: the next attempt is due by the retry schedule (2 h, then 24 h), then the task is given " +
			"up; a wrong number or a refusal gives it up at once. 409 when the task is closed."},
		access{Who: accessTenant, Perm: callbackWork},
		func(ctx context.Context, in *RecordCallbackAttemptInput) (*CallbackTaskOutput, error) {
			if _, err := inScope(ctx, in.ID, callbackWork); err != nil {
				return nil, err
			}
			t, err := cb.RecordAttempt(ctx, unitOfWork(ctx), in.ID, in.Body.Outcome, actorOf(ctx))
			return view(ctx, t, err)
		})
	register(api, huma.Operation{OperationID: "submit-callback-answers", Method: http.MethodPost,
		Path: "/v1/callback-tasks/{id}/answers", Summary: "Record the customer's answers", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
		Description: "Answers in the questionnaire version the task asks; an answer of the wrong type is a 422 naming its field " +
			"(answers[i].score, …), nothing saved. Dissatisfied answers open a rework order linked to the original, or a " +
			"complaint, as the tenant's settings say (outcome). A claim audit (source claim_audit) takes reached and a note " +
			"instead of answers: its outcome becomes the claim's audit result, so the reviewer may decide."},
		access{Who: accessTenant, Perm: callbackWork, Idempotent: true},
		func(ctx context.Context, in *SubmitCallbackAnswersInput) (*CallbackTaskOutput, error) {
			t, err := inScope(ctx, in.ID, callbackWork)
			if err != nil {
				return nil, err
			}
			if t.Source == callback.SourceClaimAudit || in.Body.Reached != nil {
				if len(in.Body.Answers) > 0 {
					return nil, core.FieldError("answers", "a claim audit records reached and a note, not answers")
				}
				t, err = cb.CompleteClaimAudit(ctx, unitOfWork(ctx), in.ID, in.Body.Reached, in.Body.Note, actorOf(ctx))
				return view(ctx, t, err)
			}
			t, err = cb.SubmitAnswers(ctx, unitOfWork(ctx), in.ID, in.Body.Answers, in.Body.Note, actorOf(ctx))
			return view(ctx, t, err)
		})
}

// claimAuditInScope tells whether the caller reaches a claim audit
// callback: a site of their scope does not (the audit checks that site's
// claim), their regions or a tenant-wide scope do. Other tasks: true.
func claimAuditInScope(ctx context.Context, s *Server, cb *callback.Service, t *callback.Task) bool {
	if t.Source != callback.SourceClaimAudit {
		return true
	}
	sc, err := s.callerScope(ctx)
	if err != nil {
		return false
	}
	if sc.All {
		return true
	}
	seen, _, err := cb.Tasks(ctx, unitOfWork(ctx), callback.TaskFilter{ClaimID: *t.ClaimID, Within: sc, Limit: 100})
	if err != nil {
		return false
	}
	for _, x := range seen {
		if x.ID == t.ID {
			return true
		}
	}
	return false
}
