package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/callback"
)

// callbackRepo implements callback.Repository on a unit of work.
type callbackRepo struct{ u *unit }

// Callbacks implements callback.Store.
func (s *Store) Callbacks(u core.UnitOfWork) callback.Repository { return callbackRepo{unitOf(u)} }

func (r callbackRepo) FindSettings(ctx context.Context) (callback.Settings, error) {
	s := callback.DefaultSettings()
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		var labels []byte
		err := row.Scan(&s.Indicators, &s.Dissatisfaction, &s.SurveyTimeoutMinutes, &labels, &s.DisabledIndicators, &s.LowScore)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		if len(s.DisabledIndicators) == 0 {
			s.DisabledIndicators = nil
		}
		return json.Unmarshal(labels, &s.IndicatorLabels)
	}, `SELECT indicators, dissatisfaction, survey_timeout_minutes, indicator_labels, disabled_indicators, low_score
		FROM callback_settings`)
	if len(s.IndicatorLabels) == 0 {
		s.IndicatorLabels = nil
	}
	return s, err
}

func (r callbackRepo) SaveSettings(s callback.Settings) {
	labels, _ := json.Marshal(s.IndicatorLabels) // a map of strings always encodes
	if s.IndicatorLabels == nil {
		labels = []byte("{}")
	}
	disabled := s.DisabledIndicators
	if disabled == nil {
		disabled = []string{}
	}
	r.u.write(`INSERT INTO callback_settings (tenant_id, indicators, dissatisfaction, survey_timeout_minutes, indicator_labels,
			disabled_indicators, low_score, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, now())
		ON CONFLICT (tenant_id) DO UPDATE SET indicators = $1, dissatisfaction = $2, survey_timeout_minutes = $3,
			indicator_labels = $4, disabled_indicators = $5, low_score = $6, updated_at = now()`,
		s.Indicators, s.Dissatisfaction, s.SurveyTimeoutMinutes, labels, disabled, s.LowScore)
}

func (r callbackRepo) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	var tz string
	var spec []byte
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&tz, &spec) },
		`SELECT t.timezone, COALESCE(ts.calendar, '{}') FROM tenants t LEFT JOIN tenant_settings ts ON ts.tenant_id = t.id
		WHERE t.id = app_current_tenant()`)
	if err != nil {
		return nil, translate(err, "tenant")
	}
	cal, err := core.TenantCalendar(tz, spec)
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "the tenant's business calendar is invalid: %v", err)
	}
	return cal, nil
}

func (r callbackRepo) InsertQuestionnaire(ctx context.Context, q *callback.Questionnaire) error {
	questions, err := json.Marshal(q.Questions)
	if err != nil {
		return err
	}
	c, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	_, err = c.Exec(ctx, `INSERT INTO questionnaires (tenant_id, id, version, name, questions, low_score, created_at, created_by)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7)`, q.ID, q.Version, q.Name, questions, q.LowScore,
		q.CreatedAt, q.CreatedBy)
	return translate(err, "this questionnaire version")
}

const questionnaireColumns = `id, version, name, questions, low_score, created_at, created_by, archived_at`

func scanQuestionnaire(row pgx.Row) (*callback.Questionnaire, error) {
	q := &callback.Questionnaire{}
	var questions []byte
	if err := row.Scan(&q.ID, &q.Version, &q.Name, &questions, &q.LowScore, &q.CreatedAt, &q.CreatedBy, &q.ArchivedAt); err != nil {
		return nil, err
	}
	return q, json.Unmarshal(questions, &q.Questions)
}

func (r callbackRepo) FindQuestionnaire(ctx context.Context, id uuid.UUID, version int) (*callback.Questionnaire, error) {
	var q *callback.Questionnaire
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		q, err = scanQuestionnaire(row)
		return err
	}, `SELECT `+questionnaireColumns+` FROM questionnaires WHERE id = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, id, version)
	return q, translate(err, "questionnaire")
}

func (r callbackRepo) FindQuestionnaires(ctx context.Context, archived bool) ([]*callback.Questionnaire, error) {
	c, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, `SELECT `+questionnaireColumns+` FROM (SELECT DISTINCT ON (id) * FROM questionnaires
		ORDER BY id, version DESC) q WHERE $1 OR archived_at IS NULL ORDER BY name, id`, archived)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*callback.Questionnaire, error) { return scanQuestionnaire(r) })
}

func (r callbackRepo) QuestionnaireInUse(ctx context.Context, id uuid.UUID) (bool, error) {
	var used bool
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&used) },
		`SELECT EXISTS (SELECT 1 FROM callback_rules WHERE questionnaire_id = $1)
			OR EXISTS (SELECT 1 FROM callback_tasks WHERE questionnaire_id = $1)`, id)
	return used, err
}

func (r callbackRepo) DeleteQuestionnaire(id uuid.UUID) {
	r.u.write(`DELETE FROM questionnaires WHERE id = $1`, id)
}

func (r callbackRepo) ArchiveQuestionnaire(id uuid.UUID, at *time.Time) {
	r.u.write(`UPDATE questionnaires SET archived_at = $2 WHERE id = $1`, id, at)
}

func (r callbackRepo) DeleteRule(id uuid.UUID) {
	r.u.write(`DELETE FROM callback_rules WHERE id = $1`, id)
}

const ruleColumns = `id, name, enabled, trigger, order_types, product_lines, models, site_ids, region_ids, period_from,
	period_until, sample, condition, due_days, due_hours, channel, agent_group, questionnaire_id, created_at, updated_at,
	weekdays, time_from, time_until`

func scanRule(row pgx.Row) (*callback.Rule, error) {
	x := &callback.Rule{}
	err := row.Scan(&x.ID, &x.Name, &x.Enabled, &x.Trigger, &x.OrderTypes, &x.ProductLines, &x.Models, &x.SiteIDs,
		&x.RegionIDs, &x.From, &x.Until, &x.Sample, &x.Condition, &x.DueDays, &x.DueHours, &x.Channel, &x.Group,
		&x.QuestionnaireID, &x.CreatedAt, &x.UpdatedAt, &x.Weekdays, &x.TimeFrom, &x.TimeUntil)
	return x, err
}

func ruleArgs(x *callback.Rule) []any {
	return []any{x.ID, x.Name, x.Enabled, x.Trigger, nonNilStrings(x.OrderTypes), nonNilStrings(x.ProductLines),
		nonNilStrings(x.Models), nonNilIDs(x.SiteIDs), nonNilIDs(x.RegionIDs), x.From, x.Until, x.Sample, x.Condition,
		x.DueDays, x.DueHours, x.Channel, x.Group, x.QuestionnaireID, x.CreatedAt, x.UpdatedAt, nonNilInts(x.Weekdays),
		x.TimeFrom, x.TimeUntil}
}

func nonNilInts(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (r callbackRepo) InsertRule(x *callback.Rule) {
	r.u.write(`INSERT INTO callback_rules (tenant_id, `+ruleColumns+`) VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6,
		$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`, ruleArgs(x)...)
}

func (r callbackRepo) UpdateRule(x *callback.Rule) {
	r.u.write(`UPDATE callback_rules SET name = $2, enabled = $3, trigger = $4, order_types = $5, product_lines = $6,
		models = $7, site_ids = $8, region_ids = $9, period_from = $10, period_until = $11, sample = $12, condition = $13,
		due_days = $14, due_hours = $15, channel = $16, agent_group = $17, questionnaire_id = $18, updated_at = $20,
		weekdays = $21, time_from = $22, time_until = $23
		WHERE id = $1 AND created_at = $19`, ruleArgs(x)...)
}

func (r callbackRepo) FindRule(ctx context.Context, id uuid.UUID) (*callback.Rule, error) {
	var x *callback.Rule
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		x, err = scanRule(row)
		return err
	}, `SELECT `+ruleColumns+` FROM callback_rules WHERE id = $1`, id)
	return x, translate(err, "callback rule")
}

func (r callbackRepo) FindRules(ctx context.Context, enabledOnly bool) ([]*callback.Rule, error) {
	c, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, `SELECT `+ruleColumns+` FROM callback_rules WHERE enabled OR NOT $1 ORDER BY name, id`, enabledOnly)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*callback.Rule, error) { return scanRule(r) })
}

// factsSelect reads completed orders' facts (w: the order).
const factsSelect = `SELECT w.id, w.number, w.type, w.channel, w.service_type, COALESCE(w.product_line, ''),
	COALESCE(m.code, ''), w.site_id, w.region_id, COALESCE(w.in_warranty, false), COALESCE(w.satisfaction_score, 0),
	cardinality(w.sla_flags) > 0, EXTRACT(EPOCH FROM w.completed_at - w.created_at)::float8 / 3600, w.customer_id,
	w.completed_at,
	COALESCE((WITH RECURSIVE up AS (SELECT g.id, g.parent_id FROM regions g WHERE g.id = w.region_id
		UNION SELECT g.id, g.parent_id FROM regions g JOIN up ON g.id = up.parent_id) SELECT array_agg(id) FROM up), '{}'),
	EXTRACT(ISODOW FROM w.completed_at AT TIME ZONE tz.timezone)::int,
	(EXTRACT(HOUR FROM w.completed_at AT TIME ZONE tz.timezone) * 60
		+ EXTRACT(MINUTE FROM w.completed_at AT TIME ZONE tz.timezone))::int
	FROM work_orders w JOIN tenants tz ON tz.id = w.tenant_id LEFT JOIN units un ON un.tenant_id = w.tenant_id AND un.id = w.unit_id
	LEFT JOIN product_models m ON m.tenant_id = un.tenant_id AND m.id = un.model_id`

func scanFacts(row pgx.Row) (*callback.Facts, error) {
	f := &callback.Facts{}
	err := row.Scan(&f.OrderID, &f.Number, &f.Type, &f.Channel, &f.ServiceType, &f.ProductLine, &f.Model, &f.Site, &f.Region,
		&f.InWarranty, &f.Satisfaction, &f.SLABreached, &f.HoursOpen, &f.CustomerID, &f.CompletedAt, &f.Regions,
		&f.Weekday, &f.Minute)
	if f.Site != nil {
		f.SiteID = f.Site.String()
	}
	if f.Region != nil {
		f.RegionID = f.Region.String()
	}
	return f, err
}

func (r callbackRepo) FindOrderFacts(ctx context.Context, id uuid.UUID) (*callback.Facts, error) {
	var f *callback.Facts
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		f, err = scanFacts(row)
		return err
	}, factsSelect+` WHERE w.id = $1 AND w.completed_at IS NOT NULL`, id)
	return f, translate(err, "completed order")
}

func (r callbackRepo) FindCompletedOrderFacts(ctx context.Context, from, to time.Time, limit int) ([]*callback.Facts, error) {
	c, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, factsSelect+` WHERE w.completed_at >= $1 AND w.completed_at < $2
		ORDER BY w.completed_at, w.id LIMIT $3`, from, to, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*callback.Facts, error) { return scanFacts(r) })
}

func (r callbackRepo) ClaimEvaluation(ctx context.Context, e callback.Evaluation) (bool, error) {
	c, err := r.u.conn(ctx)
	if err != nil {
		return false, err
	}
	tag, err := c.Exec(ctx, `INSERT INTO callback_evaluations (tenant_id, rule_id, work_order_id, selected, error, at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		e.RuleID, e.WorkOrderID, e.Selected, e.Error, e.At)
	return err == nil && tag.RowsAffected() == 1, err
}
