package callback

import (
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Task statuses.
const (
	StatusOpen    = "open"
	StatusDone    = "done"
	StatusGivenUp = "given_up"
)

// Task sources: a rule, or a customer's low SMS score (the follow-ups of
// before the rules, migrated).
const (
	SourceRule            = "rule"
	SourceLowSatisfaction = core.FollowUpLowSatisfaction
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
)

// RetrySchedule is how long after each unanswered attempt the next is due;
// after the last, the task is given up.
var RetrySchedule = []time.Duration{2 * time.Hour, 24 * time.Hour}

// Task is a callback task (回访单) in an agent group's to-do queue.
type Task struct {
	ID                   uuid.UUID  `json:"id"`
	Source               string     `json:"source" enum:"rule,low_satisfaction"`
	RuleID               *uuid.UUID `json:"rule_id" nullable:"true"`
	WorkOrderID          uuid.UUID  `json:"work_order_id"`
	OrderNumber          string     `json:"order_number"`
	CustomerID           uuid.UUID  `json:"customer_id"`
	SiteID               *uuid.UUID `json:"site_id" nullable:"true"`
	Group                string     `json:"group" doc:"The agent group's code."`
	Channel              string     `json:"channel" enum:"call,sms"`
	QuestionnaireID      *uuid.UUID `json:"questionnaire_id" nullable:"true"`
	QuestionnaireVersion int        `json:"questionnaire_version" doc:"The version asked; 0 without a questionnaire."`
	Status               string     `json:"status" enum:"open,done,given_up"`
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
	CreatedAt            time.Time  `json:"created_at"`
	DoneAt               *time.Time `json:"done_at"`
	DoneBy               string     `json:"done_by,omitempty"`
}

// TaskFilter selects tasks of a to-do queue; Within limits them to orders
// of the caller's scope.
type TaskFilter struct {
	Status string
	Group  string
	Within core.Scope
	Cursor string
	Limit  int
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
	Indicators []string `json:"indicators" doc:"The indicators questions may measure."`
	// Dissatisfaction is what a dissatisfied answer sets off.
	Dissatisfaction string `json:"dissatisfaction" enum:"none,rework,complaint" doc:"What a low score or \"not resolved\" opens."`
}

// Dissatisfaction acts.
const (
	ActNone      = "none"
	ActRework    = "rework"
	ActComplaint = "complaint"
)

// DefaultSettings are a tenant's settings until it saves its own.
func DefaultSettings() Settings {
	return Settings{Indicators: append([]string(nil), DefaultIndicators...), Dissatisfaction: ActRework}
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
	switch s.Dissatisfaction {
	case ActNone, ActRework, ActComplaint:
	default:
		return core.FieldError("dissatisfaction", "none, rework or complaint")
	}
	return nil
}
