package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

type CallbackSettingsOutput struct {
	Body callback.Settings
}

type SaveCallbackSettingsInput struct {
	Body callback.Settings
}

type QuestionnaireOutput struct {
	Body *callback.Questionnaire
}

type ListQuestionnairesOutput struct {
	Body struct {
		Items []*callback.Questionnaire `json:"items"`
	}
}

type CreateQuestionnaireInput struct {
	Body callback.QuestionnaireInput
}

type ListQuestionnairesInput struct {
	Archived bool `query:"archived" doc:"true: the archived questionnaires are listed too (each with archived_at)."`
}

type QuestionnaireIDInput struct {
	ID uuid.UUID `path:"id"`
}

type QuestionnaireVersionInput struct {
	ID      uuid.UUID `path:"id"`
	Version int       `query:"version" minimum:"0" doc:"A version; 0 or none: the latest."`
}

type SaveQuestionnaireInput struct {
	ID   uuid.UUID `path:"id"`
	Body callback.QuestionnaireInput
}

var (
	callbackRead   = core.Permission{Resource: core.ResCallbacks, Action: core.ActRead}
	callbackWork   = core.Permission{Resource: core.ResCallbacks, Action: core.ActUpdate}
	callbackDesign = core.Permission{Resource: core.ResCallbacks, Action: core.ActCreate}
)

// registerCallbackRoutes registers the callback settings, questionnaires,
// rules and tasks.
func registerCallbackRoutes(api huma.API, s *Server, cb *callback.Service) {
	tags := []string{"Callbacks"}
	register(api, huma.Operation{OperationID: "get-callback-settings", Method: http.MethodGet, Path: "/v1/callback-settings",
		Summary: "Callback settings", Tags: tags,
		Description: "The indicators questions may measure (with their display names, some perhaps disabled), the tenant's " +
			"low score, what a dissatisfied answer opens (rework or complaint) and how long an SMS survey waits for an answer."},
		access{Who: accessTenant, Perm: callbackRead},
		func(ctx context.Context, _ *struct{}) (*CallbackSettingsOutput, error) {
			set, err := cb.Settings(ctx, unitOfWork(ctx))
			return &CallbackSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "save-callback-settings", Method: http.MethodPut, Path: "/v1/callback-settings",
		Summary: "Save the callback settings", Tags: tags, Errors: []int{http.StatusUnprocessableEntity},
		Description: "Replaces them. 422 names the field (indicators, disabled_indicators, indicator_labels.<key>, low_score, " +
			"dissatisfaction, sms_survey_timeout_minutes), nothing saved. Indicator keys are what answers record and reports " +
			"read: rename through indicator_labels, and disable rather than remove one that questionnaires measure."},
		access{Who: accessTenant, Perm: callbackDesign},
		func(ctx context.Context, in *SaveCallbackSettingsInput) (*CallbackSettingsOutput, error) {
			set, err := cb.SaveSettings(ctx, unitOfWork(ctx), in.Body)
			return &CallbackSettingsOutput{Body: set}, err
		})
	register(api, huma.Operation{OperationID: "list-questionnaires", Method: http.MethodGet, Path: "/v1/questionnaires",
		Summary: "Questionnaires (问卷)", Tags: tags, Description: "The latest version of each, by name; archived ones only with archived=true."},
		access{Who: accessTenant, Perm: callbackRead},
		func(ctx context.Context, in *ListQuestionnairesInput) (*ListQuestionnairesOutput, error) {
			qs, err := cb.Questionnaires(ctx, unitOfWork(ctx), in.Archived)
			out := &ListQuestionnairesOutput{}
			out.Body.Items = nonNil(qs)
			return out, err
		})
	register(api, huma.Operation{OperationID: "create-questionnaire", Method: http.MethodPost, Path: "/v1/questionnaires",
		Summary: "Create a questionnaire", Tags: tags, DefaultStatus: http.StatusCreated,
		Errors:      []int{http.StatusUnprocessableEntity},
		Description: "Questions are single or multiple choice, rating, fill-in or free text, each optionally measuring an indicator."},
		access{Who: accessTenant, Perm: callbackDesign, Idempotent: true},
		func(ctx context.Context, in *CreateQuestionnaireInput) (*QuestionnaireOutput, error) {
			q, err := cb.SaveQuestionnaire(ctx, unitOfWork(ctx), nil, in.Body, actorOf(ctx))
			return &QuestionnaireOutput{Body: q}, err
		})
	register(api, huma.Operation{OperationID: "get-questionnaire", Method: http.MethodGet, Path: "/v1/questionnaires/{id}",
		Summary: "A questionnaire version", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessTenant, Perm: callbackRead},
		func(ctx context.Context, in *QuestionnaireVersionInput) (*QuestionnaireOutput, error) {
			q, err := cb.Questionnaire(ctx, unitOfWork(ctx), in.ID, in.Version)
			return &QuestionnaireOutput{Body: q}, err
		})
	register(api, huma.Operation{OperationID: "save-questionnaire", Method: http.MethodPut, Path: "/v1/questionnaires/{id}",
		Summary: "Save a new version of a questionnaire", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
		Description: "Versions are immutable: tasks opened before keep asking, and answers keep, the version they were opened with. " +
			"409 while the questionnaire is archived (restore it first)."},
		access{Who: accessTenant, Perm: callbackDesign},
		func(ctx context.Context, in *SaveQuestionnaireInput) (*QuestionnaireOutput, error) {
			q, err := cb.SaveQuestionnaire(ctx, unitOfWork(ctx), &in.ID, in.Body, actorOf(ctx))
			return &QuestionnaireOutput{Body: q}, err
		})
	for _, a := range []struct {
		op, path, summary string
		archived          bool
	}{
		{"archive-questionnaire", "archive", "Archive a questionnaire", true},
		{"restore-questionnaire", "restore", "Bring an archived questionnaire back", false},
	} {
		register(api, huma.Operation{OperationID: a.op, Method: http.MethodPost, Path: "/v1/questionnaires/{id}/" + a.path,
			Summary: a.summary, Tags: tags, Errors: []int{http.StatusNotFound},
			Description: "An archived questionnaire is listed only with archived=true and cannot be chosen by a new or changed " +
				"rule; rules and tasks that have it keep asking it. Doing it twice changes nothing. Audited. Returns the latest version."},
			access{Who: accessTenant, Perm: callbackDesign},
			func(ctx context.Context, in *QuestionnaireIDInput) (*QuestionnaireOutput, error) {
				q, err := cb.ArchiveQuestionnaire(ctx, unitOfWork(ctx), in.ID, a.archived)
				return &QuestionnaireOutput{Body: q}, err
			})
	}
	registerCallbackRuleRoutes(api, cb)
	registerCallbackTaskRoutes(api, s, cb)
}
