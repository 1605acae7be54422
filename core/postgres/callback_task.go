package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core/callback"
)

// noDue sorts a task without a due time last.
var noDue = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

const taskColumns = `t.id, t.source, t.rule_id, t.work_order_id, w.number, t.customer_id, t.site_id, t.agent_group, t.channel,
	t.questionnaire_id, t.questionnaire_version, t.status, t.due_at, t.attempts, t.next_attempt_at, t.last_attempt,
	t.give_up_reason, t.score, t.answers, t.dissatisfied, t.outcome, t.rework_order_id, t.note, t.created_at, t.done_at,
	COALESCE(t.done_by, ''), t.survey_step, t.survey_asked_at, t.claim_id, t.phone, t.reached`

const taskFrom = ` FROM callback_tasks t JOIN work_orders w ON w.tenant_id = t.tenant_id AND w.id = t.work_order_id`

func scanTask(row pgx.Row) (*callback.Task, error) {
	x := &callback.Task{}
	var answers []byte
	err := row.Scan(&x.ID, &x.Source, &x.RuleID, &x.WorkOrderID, &x.OrderNumber, &x.CustomerID, &x.SiteID, &x.Group,
		&x.Channel, &x.QuestionnaireID, &x.QuestionnaireVersion, &x.Status, &x.DueAt, &x.Attempts, &x.NextAttemptAt,
		&x.LastAttempt, &x.GiveUpReason, &x.Score, &answers, &x.Dissatisfied, &x.Outcome, &x.ReworkOrderID, &x.Note,
		&x.CreatedAt, &x.DoneAt, &x.DoneBy, &x.SurveyStep, &x.SurveyAskedAt, &x.ClaimID, &x.Phone, &x.Reached)
	if err != nil {
		return nil, err
	}
	return x, json.Unmarshal(answers, &x.Answers)
}

func answersJSON(a []callback.Answer) []byte {
	if a == nil {
		a = []callback.Answer{}
	}
	b, _ := json.Marshal(a)
	return b
}

func (r callbackRepo) InsertTask(x *callback.Task) {
	r.u.write(`INSERT INTO callback_tasks (tenant_id, id, source, rule_id, work_order_id, customer_id, site_id, agent_group,
			channel, questionnaire_id, questionnaire_version, status, due_at, answers, created_at, claim_id, phone)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		x.ID, x.Source, x.RuleID, x.WorkOrderID, x.CustomerID, x.SiteID, x.Group, x.Channel, x.QuestionnaireID,
		x.QuestionnaireVersion, x.Status, x.DueAt, answersJSON(x.Answers), x.CreatedAt, x.ClaimID, x.Phone)
}

func (r callbackRepo) UpdateTask(x *callback.Task) {
	r.u.write(`UPDATE callback_tasks SET status = $2, attempts = $3, next_attempt_at = $4, last_attempt = $5,
			give_up_reason = $6, answers = $7, dissatisfied = $8, outcome = $9, rework_order_id = $10, note = $11,
			done_at = $12, done_by = $13, survey_step = $14, survey_asked_at = $15, reached = $16
		WHERE id = $1`, x.ID, x.Status, x.Attempts, x.NextAttemptAt, x.LastAttempt, x.GiveUpReason, answersJSON(x.Answers),
		x.Dissatisfied, x.Outcome, x.ReworkOrderID, x.Note, x.DoneAt, x.DoneBy, x.SurveyStep, x.SurveyAskedAt, x.Reached)
}

func (r callbackRepo) findTask(ctx context.Context, suffix string, id uuid.UUID) (*callback.Task, error) {
	var x *callback.Task
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		x, err = scanTask(row)
		return err
	}, `SELECT `+taskColumns+taskFrom+` WHERE t.id = $1`+suffix, id)
	return x, translate(err, "callback task")
}

// LockSurveyAwaitingAnswer implements callback.Repository.
func (r callbackRepo) LockSurveyAwaitingAnswer(ctx context.Context, customerID uuid.UUID) (*callback.Task, error) {
	var x *callback.Task
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		x, err = scanTask(row)
		return err
	}, `SELECT `+taskColumns+taskFrom+` WHERE t.customer_id = $1 AND t.channel = 'sms' AND t.status = 'open'
		AND t.survey_step IS NOT NULL ORDER BY t.survey_asked_at DESC, t.id LIMIT 1 FOR UPDATE OF t`, customerID)
	return x, translate(err, "SMS survey")
}

// FindSurveyContact implements callback.Repository: the customer's first
// phone, as the other customer texts choose it.
func (r callbackRepo) FindSurveyContact(ctx context.Context, customerID uuid.UUID) (string, string, error) {
	var phone, locale string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&phone, &locale) },
		`SELECT COALESCE((SELECT p.phone FROM customer_phones p WHERE p.customer_id = $1 ORDER BY p.phone LIMIT 1), ''),
			t.locale FROM tenants t WHERE t.id = app_current_tenant()`, customerID)
	return phone, locale, translate(err, "tenant")
}

// DueSurveys implements callback.SurveyStore, across tenants.
func (s *Store) DueSurveys(ctx context.Context, now time.Time, limit int) ([]callback.DueSurvey, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, task_id FROM callback_surveys_due($1, $2)`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (callback.DueSurvey, error) {
		var d callback.DueSurvey
		return d, r.Scan(&d.TenantID, &d.TaskID)
	})
}

func (r callbackRepo) FindTask(ctx context.Context, id uuid.UUID) (*callback.Task, error) {
	return r.findTask(ctx, "", id)
}

func (r callbackRepo) LockTask(ctx context.Context, id uuid.UUID) (*callback.Task, error) {
	return r.findTask(ctx, " FOR UPDATE OF t", id)
}

// FindTasks implements callback.Repository: the queue in due order (the
// cursor is the last row's position: due time or none, then ID).
func (r callbackRepo) FindTasks(ctx context.Context, f callback.TaskFilter) ([]*callback.Task, string, error) {
	limit := clampLimit(f.Limit)
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		where = append(where, "t.status = "+arg(f.Status))
	}
	if f.Group != "" {
		where = append(where, "t.agent_group = "+arg(f.Group))
	}
	if f.CustomerID != uuid.Nil {
		where = append(where, "t.customer_id = "+arg(f.CustomerID))
	}
	if f.WorkOrderID != uuid.Nil {
		where = append(where, "t.work_order_id = "+arg(f.WorkOrderID))
	}
	if f.ClaimID != uuid.Nil {
		where = append(where, "t.claim_id = "+arg(f.ClaimID))
	}
	at, id, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	order := "COALESCE(t.due_at, '9999-01-01 00:00:00+00'::timestamptz)"
	if at != nil {
		where = append(where, "("+order+", t.id) > ("+arg(*at)+"::timestamptz, "+arg(*id)+")")
	}
	if !f.Within.All {
		// A site of the scope does not reach its claims' audit callbacks;
		// a region does.
		where = append(where, `t.site_id IN (SELECT s.id FROM sites s WHERE t.source <> 'claim_audit' AND s.id = ANY(`+
			arg(nonNilIDs(f.Within.Sites))+`) OR s.region_id IN `+regionSubtreeSQL(arg(nonNilIDs(f.Within.Regions)))+`)`)
	}
	sql := `SELECT ` + taskColumns + taskFrom
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, err := q.Query(ctx, sql+" ORDER BY "+order+", t.id LIMIT "+arg(limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*callback.Task, error) { return scanTask(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(x *callback.Task) string {
		if x.DueAt == nil {
			return encodeCursor(noDue, x.ID)
		}
		return encodeCursor(*x.DueAt, x.ID)
	})
	return out, next, nil
}
