package callback

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Task statuses.
const (
	StatusOpen    = "open"
	StatusDone    = "done"
	StatusGivenUp = "given_up"
	// StatusCancelled: a claim audit callback no longer needed (the
	// reviewer recorded the audit themselves).
	StatusCancelled = "cancelled"
)

// Task sources: a rule, or a customer's low SMS score (the follow-ups of
// before the rules, migrated).
const (
	SourceRule            = "rule"
	SourceLowSatisfaction = core.FollowUpLowSatisfaction
	// SourceClaimAudit: a flagged warranty claim's audit — the agent asks
	// the customer whether the claimed work was done (claim_audit.go).
	SourceClaimAudit = "claim_audit"
)

// Outcomes of a dissatisfied answer.
const (
	OutcomeNone                 = "none"
	OutcomeReworkOpened         = "rework_opened"
	OutcomeComplaintOpened      = "complaint_opened"
	OutcomeComplaintUnavailable = "complaint_not_available"
)

// Attempt outcomes an agent records when the call did not get answers.
const (
	AttemptNoAnswer    = "no_answer"
	AttemptBusy        = "busy"
	AttemptWrongNumber = "wrong_number"
	AttemptRefused     = "refused"
	// AttemptNoPhone: an SMS survey's customer has no phone to text.
	AttemptNoPhone = "no_phone"
)

// DefaultSurveyTimeoutMinutes is how long an SMS survey waits for each
// answer unless the tenant sets otherwise.
const DefaultSurveyTimeoutMinutes = 24 * 60

// RetrySchedule is how long after each unanswered attempt the next is due;
// after the last, the task is given up.
var RetrySchedule = []time.Duration{2 * time.Hour, 24 * time.Hour}

// Task is a callback task (回访单) in an agent group's to-do queue.
type Task struct {
	ID                   uuid.UUID  `json:"id"`
	Source               string     `json:"source" enum:"rule,low_satisfaction,claim_audit" doc:"What opened the task: a rule, a low SMS score, or a flagged warranty claim's audit (claim_id)."`
	RuleID               *uuid.UUID `json:"rule_id" nullable:"true"`
	WorkOrderID          uuid.UUID  `json:"work_order_id"`
	OrderNumber          string     `json:"order_number"`
	CustomerID           uuid.UUID  `json:"customer_id"`
	SiteID               *uuid.UUID `json:"site_id" nullable:"true"`
	Group                string     `json:"group" doc:"The agent group's code."`
	Channel              string     `json:"channel" enum:"call,sms"`
	QuestionnaireID      *uuid.UUID `json:"questionnaire_id" nullable:"true"`
	QuestionnaireVersion int        `json:"questionnaire_version" doc:"The version asked; 0 without a questionnaire."`
	Status               string     `json:"status" enum:"open,done,given_up,cancelled" doc:"cancelled: a claim audit callback no longer needed, the reviewer having recorded the audit."`
	DueAt                *time.Time `json:"due_at"`
	Attempts             int        `json:"attempts"`
	NextAttemptAt        *time.Time `json:"next_attempt_at"`
	LastAttempt          string     `json:"last_attempt,omitempty"`
	GiveUpReason         string     `json:"give_up_reason,omitempty"`
	Score                *int       `json:"score" doc:"The SMS satisfaction score that opened a low_satisfaction task."`
	Answers              []Answer   `json:"answers"`
	Dissatisfied         bool       `json:"dissatisfied"`
	Outcome              string     `json:"outcome,omitempty" enum:"none,rework_opened,complaint_opened,complaint_not_available"`
	ReworkOrderID        *uuid.UUID `json:"rework_order_id" nullable:"true"`
	Note                 string     `json:"note"`
	// ClaimID, Phone and Reached are a claim audit's.
	ClaimID *uuid.UUID `json:"claim_id" nullable:"true" doc:"The warranty claim a claim_audit task audits."`
	Phone   string     `json:"phone" doc:"claim_audit: the customer's phone to call."`
	Reached *bool      `json:"reached" nullable:"true" doc:"claim_audit: whether the customer was reached (null until done)."`
	// SurveyStep and SurveyAskedAt follow an SMS survey's conversation.
	SurveyStep    *int       `json:"survey_step" nullable:"true" doc:"SMS survey: the question (0-based) awaiting the customer's answer; null when no conversation runs."`
	SurveyAskedAt *time.Time `json:"survey_asked_at" doc:"SMS survey: when that question was texted; it times out after the tenant's sms_survey_timeout_minutes."`
	CreatedAt     time.Time  `json:"created_at"`
	DoneAt        *time.Time `json:"done_at"`
	DoneBy        string     `json:"done_by,omitempty"`
}

// TaskFilter selects tasks of a to-do queue; Within limits them to orders
// of the caller's scope.
type TaskFilter struct {
	Status string
	Group  string
	// ClaimID narrows to one claim's audit callbacks (uuid.Nil: any).
	ClaimID uuid.UUID
	// CustomerID and WorkOrderID narrow to one customer's or order's
	// callbacks (uuid.Nil: any).
	CustomerID  uuid.UUID
	WorkOrderID uuid.UUID
	Within      core.Scope
	Cursor      string
	Limit       int
}

// Evaluation is a rule's verdict on one order, recorded once.
type Evaluation struct {
	RuleID      uuid.UUID
	WorkOrderID uuid.UUID
	Selected    bool
	Error       string // the condition's run-time error; the rule was skipped
	At          time.Time
}

// Settings are a tenant's callback settings.
type Settings struct {
	Indicators []string `json:"indicators" doc:"The tenant's indicators by key (what answers record and reports read), the disabled ones included."`
	// IndicatorLabels are display names by key: renaming keeps the key.
	IndicatorLabels map[string]string `json:"indicator_labels,omitempty" doc:"Display names by indicator key (up to 60 characters); renaming keeps the key, so answers and reports keep theirs."`
	// DisabledIndicators may not be measured by a new questionnaire
	// version; versions and answers that have them keep them.
	DisabledIndicators []string `json:"disabled_indicators,omitempty" doc:"Indicators (among indicators) no new questionnaire version may measure; saved versions and answers keep them. At least one stays enabled."`
	// LowScore is the highest rating that counts as dissatisfaction in a
	// questionnaire that sets none.
	LowScore int `json:"low_score" minimum:"0" maximum:"10" doc:"A rating at or below it counts as dissatisfaction in questionnaires whose own low_score is 0 (0: only their own counts)."`
	// Dissatisfaction is what a dissatisfied answer sets off.
	Dissatisfaction string `json:"dissatisfaction" enum:"none,rework,complaint" doc:"What a low score or \"not resolved\" opens."`
	// SurveyTimeoutMinutes is how long an SMS survey waits for an answer.
	SurveyTimeoutMinutes int `json:"sms_survey_timeout_minutes,omitempty" minimum:"0" maximum:"10080" doc:"How long an SMS survey waits for each answer before the attempt fails and the retry schedule applies (5-10080; 0: 1440)."`
}

// Dissatisfaction acts.
const (
	ActNone      = "none"
	ActRework    = "rework"
	ActComplaint = "complaint"
)

// DefaultSettings are a tenant's settings until it saves its own.
func DefaultSettings() Settings {
	return Settings{Indicators: append([]string(nil), DefaultIndicators...), Dissatisfaction: ActRework,
		SurveyTimeoutMinutes: DefaultSurveyTimeoutMinutes}
}

// EnabledIndicators are the indicators a new questionnaire version may
// measure.
func (s *Settings) EnabledIndicators() []string {
	out := make([]string, 0, len(s.Indicators))
	for _, i := range s.Indicators {
		if !slices.Contains(s.DisabledIndicators, i) {
			out = append(out, i)
		}
	}
	return out
}

// Validate checks settings; EINVALID naming the field.
func (s *Settings) Validate() error {
	if len(s.Indicators) == 0 {
		return core.FieldError("indicators", "at least one indicator")
	}
	seen := map[string]bool{}
	for _, i := range s.Indicators {
		if i == "" || len(i) > 40 || seen[i] {
			return core.FieldError("indicators", "indicator %q is empty, too long or repeated", i)
		}
		seen[i] = true
	}
	disabled := 0
	for _, d := range s.DisabledIndicators {
		if !seen[d] {
			return core.FieldError("disabled_indicators", "%q is not one of the indicators", d)
		}
		disabled++
	}
	if disabled >= len(seen) {
		return core.FieldError("disabled_indicators", "at least one indicator stays enabled")
	}
	for k, v := range s.IndicatorLabels {
		if !seen[k] {
			return core.FieldError("indicator_labels."+k, "%q is not one of the indicators", k)
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(v)); n == 0 || n > 60 {
			return core.FieldError("indicator_labels."+k, "a name of 1-60 characters")
		}
	}
	if s.LowScore < 0 || s.LowScore > 10 {
		return core.FieldError("low_score", "0-10")
	}
	switch s.Dissatisfaction {
	case ActNone, ActRework, ActComplaint:
	default:
		return core.FieldError("dissatisfaction", "none, rework or complaint")
	}
	if s.SurveyTimeoutMinutes == 0 {
		s.SurveyTimeoutMinutes = DefaultSurveyTimeoutMinutes
	}
	if s.SurveyTimeoutMinutes < 5 || s.SurveyTimeoutMinutes > 10080 {
		return core.FieldError("sms_survey_timeout_minutes", "5-10080 minutes")
	}
	return nil
}
