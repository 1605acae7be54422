package callback

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
)

// Store gives the callback use cases their repository within a unit of
// work. The PostgreSQL adapter implements it; so does the in-memory fake
// of this package's tests.
type Store interface {
	Callbacks(u core.UnitOfWork) Repository
}

// Repository reads and writes one tenant's questionnaires, rules and
// callback tasks within a unit of work. Methods without a context queue
// their write: it reaches the database with the unit's next read or its
// commit, and its error, if any, is returned there.
type Repository interface {
	// FindSettings reads the tenant's settings, DefaultSettings when it
	// saved none.
	FindSettings(ctx context.Context) (Settings, error)
	// SaveSettings replaces the tenant's settings.
	SaveSettings(s Settings)
	// Calendar is the tenant's business calendar.
	Calendar(ctx context.Context) (*calendar.Calendar, error)

	// InsertQuestionnaire stores a new version; ECONFLICT when the version
	// exists (a concurrent save).
	InsertQuestionnaire(ctx context.Context, q *Questionnaire) error
	// FindQuestionnaire reads a version (0: the latest); ENOTFOUND.
	FindQuestionnaire(ctx context.Context, id uuid.UUID, version int) (*Questionnaire, error)
	// FindQuestionnaires lists the latest version of each, by name; the
	// archived ones only when archived.
	FindQuestionnaires(ctx context.Context, archived bool) ([]*Questionnaire, error)
	// QuestionnaireInUse tells whether a rule or a task uses any version.
	QuestionnaireInUse(ctx context.Context, id uuid.UUID) (bool, error)
	// DeleteQuestionnaire deletes every version; ArchiveQuestionnaire
	// marks every version archived at at (nil: not archived).
	DeleteQuestionnaire(id uuid.UUID)
	ArchiveQuestionnaire(id uuid.UUID, at *time.Time)
	// DeleteRule deletes a rule and its verdicts.
	DeleteRule(id uuid.UUID)

	// InsertRule stores a new rule.
	InsertRule(r *Rule)
	// UpdateRule writes every field of a rule but its ID and CreatedAt.
	UpdateRule(r *Rule)
	// FindRule: ENOTFOUND.
	FindRule(ctx context.Context, id uuid.UUID) (*Rule, error)
	// FindRules lists the tenant's rules by name (enabled ones only when
	// enabledOnly).
	FindRules(ctx context.Context, enabledOnly bool) ([]*Rule, error)

	// FindOrderFacts reads a completed order's facts; ENOTFOUND when it is
	// not the tenant's or not completed.
	FindOrderFacts(ctx context.Context, orderID uuid.UUID) (*Facts, error)
	// FindCompletedOrderFacts lists the facts of the orders completed in
	// [from, to), oldest first, at most limit.
	FindCompletedOrderFacts(ctx context.Context, from, to time.Time, limit int) ([]*Facts, error)
	// ClaimEvaluation records a rule's verdict on an order unless it has
	// one; false when it had (the verdict stands, nothing is written).
	ClaimEvaluation(ctx context.Context, e Evaluation) (bool, error)

	// InsertTask stores a new task.
	InsertTask(t *Task)
	// FindTasks lists tasks by due time (none last), then creation, of
	// f.Status and f.Group ("" any) and of orders within f.Within, one
	// page of at most f.Limit; returns the next cursor. EINVALID for a bad
	// cursor.
	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, string, error)
	// FindTask: ENOTFOUND. LockTask reads it under a row lock.
	FindTask(ctx context.Context, id uuid.UUID) (*Task, error)
	LockTask(ctx context.Context, id uuid.UUID) (*Task, error)
	// UpdateTask writes a task's status, attempts, answers, outcome and
	// SMS survey state.
	UpdateTask(t *Task)
	// LockSurveyAwaitingAnswer reads, under a row lock, the customer's
	// newest open SMS task whose survey awaits an answer; ENOTFOUND.
	LockSurveyAwaitingAnswer(ctx context.Context, customerID uuid.UUID) (*Task, error)
	// FindSurveyContact reads the phone an SMS survey texts the customer
	// ("" when they have none) and the tenant's locale.
	FindSurveyContact(ctx context.Context, customerID uuid.UUID) (phone, locale string, err error)
}

// ReworkOpener opens a rework order linked to the original (core/workorder
// through cmd's wiring); it returns the new order's ID.
type ReworkOpener interface {
	OpenRework(ctx context.Context, u core.UnitOfWork, original uuid.UUID, reason, actor string) (uuid.UUID, error)
}

// ComplaintOpener opens a complaint case about an order. Complaints are
// another area's; until it is wired, a dissatisfied answer of a tenant
// that asks for complaints records OutcomeComplaintUnavailable.
type ComplaintOpener interface {
	OpenComplaint(ctx context.Context, u core.UnitOfWork, orderID uuid.UUID, reason, actor string) (uuid.UUID, error)
}
