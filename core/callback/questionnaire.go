// Package callback holds the use cases of callbacks (回访): tenants'
// questionnaires, the rules that pick which closed work is called back,
// the callback tasks agents work from their to-do queues (or customers
// answer by SMS), and what a dissatisfied answer sets off. It decides; the
// repository of its Store (the PostgreSQL adapter, or the in-memory fake
// of its tests) only reads and writes.
package callback

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Question kinds.
const (
	KindSingle   = "single"   // one of Options
	KindMultiple = "multiple" // any of Options, at least one
	KindRating   = "rating"   // an integer 1..Scale
	KindFill     = "fill"     // a short text (at most 200 characters)
	KindText     = "text"     // a free text (at most 2000 characters)
)

// DefaultIndicators are the indicators a tenant starts with; questions map
// to them so that reports can read satisfaction by indicator.
var DefaultIndicators = []string{"attitude", "skill", "timeliness", "resolution", "parts_lead_time"}

// Option is one choice of a single or multiple choice question.
type Option struct {
	Value string `json:"value" minLength:"1" maxLength:"40" doc:"What the answer stores; also the digit an SMS answer sends, by position."`
	Label string `json:"label" minLength:"1" maxLength:"200"`
	// Dissatisfied marks a choice that counts as dissatisfaction (e.g. "not resolved").
	Dissatisfied bool `json:"dissatisfied,omitempty" doc:"Choosing it counts as dissatisfaction (e.g. \"not resolved\")."`
}

// Question is one question of a questionnaire.
type Question struct {
	Key       string   `json:"key" minLength:"1" maxLength:"40" pattern:"^[a-z][a-z0-9_]*$" doc:"Unique in the questionnaire; answers name it."`
	Kind      string   `json:"kind" enum:"single,multiple,rating,fill,text"`
	Text      string   `json:"text" minLength:"1" maxLength:"500"`
	Options   []Option `json:"options,omitempty" maxItems:"9" doc:"For single and multiple choice: 2-9 options."`
	Scale     int      `json:"scale,omitempty" minimum:"0" maximum:"10" doc:"For a rating: the highest score (default 5)."`
	Indicator string   `json:"indicator,omitempty" doc:"The indicator the answer measures (attitude, skill, timeliness, resolution, parts_lead_time or the tenant's own)."`
	Required  bool     `json:"required,omitempty"`
}

// Questionnaire is one version of a tenant's questionnaire. Versions are
// immutable: saving a changed questionnaire adds a version, and an answer
// keeps the version it was asked in.
type Questionnaire struct {
	ID        uuid.UUID  `json:"id" doc:"The questionnaire; the same for all its versions."`
	Version   int        `json:"version"`
	Name      string     `json:"name"`
	Questions []Question `json:"questions"`
	// LowScore is the highest rating that counts as dissatisfaction.
	LowScore  int       `json:"low_score" doc:"A rating at or below it counts as dissatisfaction (0: the tenant's low_score of the callback settings)."`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// ArchivedAt is set when it was deleted while in use.
	ArchivedAt *time.Time `json:"archived_at,omitempty" doc:"Deleted while rules or tasks used it: no longer listed nor chosen by a rule; its tasks keep asking it."`
}

// QuestionnaireInput is what a tenant saves.
type QuestionnaireInput struct {
	Name      string     `json:"name" minLength:"1" maxLength:"200"`
	Questions []Question `json:"questions" minItems:"1" maxItems:"50"`
	LowScore  int        `json:"low_score,omitempty" minimum:"0" maximum:"10"`
}

// Validate checks a questionnaire against the tenant's indicators;
// EINVALID naming the field (questions[2].options, …).
func (in *QuestionnaireInput) Validate(indicators []string) error {
	if strings.TrimSpace(in.Name) == "" {
		return core.FieldError("name", "a questionnaire needs a name")
	}
	if len(in.Questions) == 0 {
		return core.FieldError("questions", "a questionnaire needs at least one question")
	}
	seen := map[string]bool{}
	for i := range in.Questions {
		q := &in.Questions[i]
		field := fmt.Sprintf("questions[%d]", i)
		if seen[q.Key] {
			return core.FieldError(field+".key", "question key %q is used twice", q.Key)
		}
		seen[q.Key] = true
		if q.Indicator != "" && !slices.Contains(indicators, q.Indicator) {
			return core.FieldError(field+".indicator", "unknown indicator %q; the tenant's are %s", q.Indicator,
				strings.Join(indicators, ", "))
		}
		switch q.Kind {
		case KindSingle, KindMultiple:
			if len(q.Options) < 2 {
				return core.FieldError(field+".options", "a choice question needs at least two options")
			}
			values := map[string]bool{}
			for _, o := range q.Options {
				if values[o.Value] {
					return core.FieldError(field+".options", "option value %q is used twice", o.Value)
				}
				values[o.Value] = true
			}
		case KindRating:
			if q.Scale == 0 {
				q.Scale = 5
			}
			if q.Scale < 2 || q.Scale > 9 {
				return core.FieldError(field+".scale", "a rating's scale is 2-9")
			}
			q.Options = nil
		case KindFill, KindText:
			q.Options, q.Scale = nil, 0
		default:
			return core.FieldError(field+".kind", "unknown kind %q", q.Kind)
		}
	}
	return nil
}

// Answer is one question's answer. Exactly the field of the question's kind
// is set: Choice for single, Choices for multiple, Score for rating, Text
// for fill and text.
type Answer struct {
	Question string   `json:"question" doc:"The question's key."`
	Choice   *string  `json:"choice,omitempty" doc:"Single choice: the option's value."`
	Choices  []string `json:"choices,omitempty" doc:"Multiple choice: the options' values."`
	Score    *int     `json:"score,omitempty" doc:"Rating: 1 to the question's scale."`
	Text     *string  `json:"text,omitempty" doc:"Fill-in or free text."`
	// Indicator is set on recording from the question (what reports read).
	Indicator string `json:"indicator,omitempty" readOnly:"true" doc:"The indicator the question measures, recorded with the answer (ignored on input)."`
}

// CheckAnswers checks answers against the questionnaire version they
// answer: every answer names a question of it, has the field of its kind
// and a valid value, and every required question is answered. EINVALID
// naming the field (answers[1].score, …).
func (q *Questionnaire) CheckAnswers(answers []Answer) error {
	byKey := map[string]*Question{}
	for i := range q.Questions {
		byKey[q.Questions[i].Key] = &q.Questions[i]
	}
	answered := map[string]bool{}
	for i, a := range answers {
		field := fmt.Sprintf("answers[%d]", i)
		qu := byKey[a.Question]
		if qu == nil {
			return core.FieldError(field+".question", "no question %q in version %d", a.Question, q.Version)
		}
		if answered[a.Question] {
			return core.FieldError(field+".question", "question %q is answered twice", a.Question)
		}
		answered[a.Question] = true
		if err := qu.check(a, field); err != nil {
			return err
		}
	}
	for _, qu := range q.Questions {
		if qu.Required && !answered[qu.Key] {
			return core.FieldError("answers", "question %q is required", qu.Key)
		}
	}
	return nil
}

// check checks one answer of the question.
func (qu *Question) check(a Answer, field string) error {
	want := map[string]string{KindSingle: "choice", KindMultiple: "choices", KindRating: "score", KindFill: "text", KindText: "text"}[qu.Kind]
	set := map[string]bool{"choice": a.Choice != nil, "choices": a.Choices != nil, "score": a.Score != nil, "text": a.Text != nil}
	for name, ok := range set {
		if ok && name != want {
			return core.FieldError(field+"."+name, "question %q is %s: answer it with %s", qu.Key, qu.Kind, want)
		}
	}
	if !set[want] {
		return core.FieldError(field+"."+want, "question %q is %s: answer it with %s", qu.Key, qu.Kind, want)
	}
	switch qu.Kind {
	case KindSingle:
		if qu.option(*a.Choice) == nil {
			return core.FieldError(field+".choice", "%q is not an option of question %q", *a.Choice, qu.Key)
		}
	case KindMultiple:
		if len(a.Choices) == 0 {
			return core.FieldError(field+".choices", "choose at least one option")
		}
		for _, c := range a.Choices {
			if qu.option(c) == nil {
				return core.FieldError(field+".choices", "%q is not an option of question %q", c, qu.Key)
			}
		}
	case KindRating:
		if *a.Score < 1 || *a.Score > qu.Scale {
			return core.FieldError(field+".score", "a score of question %q is 1-%d", qu.Key, qu.Scale)
		}
	case KindFill, KindText:
		limit := map[string]int{KindFill: 200, KindText: 2000}[qu.Kind]
		if len([]rune(*a.Text)) > limit {
			return core.FieldError(field+".text", "at most %d characters", limit)
		}
	}
	return nil
}

func (qu *Question) option(v string) *Option {
	for i := range qu.Options {
		if qu.Options[i].Value == v {
			return &qu.Options[i]
		}
	}
	return nil
}

// Dissatisfied says whether answers show dissatisfaction: a rating at or
// below the questionnaire's LowScore (when it is 0, the tenant's
// lowScore), or a choice marked dissatisfied. Answers are assumed checked.
func (q *Questionnaire) Dissatisfied(answers []Answer, lowScore int) bool {
	if q.LowScore > 0 {
		lowScore = q.LowScore
	}
	for _, a := range answers {
		qu := q.question(a.Question)
		if qu == nil {
			continue
		}
		if a.Score != nil && *a.Score <= lowScore {
			return true
		}
		choices := a.Choices
		if a.Choice != nil {
			choices = append(choices, *a.Choice)
		}
		for _, c := range choices {
			if o := qu.option(c); o != nil && o.Dissatisfied {
				return true
			}
		}
	}
	return false
}

func (q *Questionnaire) question(key string) *Question {
	for i := range q.Questions {
		if q.Questions[i].Key == key {
			return &q.Questions[i]
		}
	}
	return nil
}
