-- SMS surveys: a callback task of channel sms runs its questionnaire as a
-- conversation by text. survey_step is the question awaiting the
-- customer's answer (null: none), survey_asked_at when it was texted; a
-- tenant sets how long a question waits before the attempt fails.
-- callback_surveys_due finds, across tenants, the tasks with a survey to
-- start or a question timed out, for the periodic run. Rules gain a
-- weekly time window (days of the week, a time of day range, in the
-- tenant's zone).

-- +goose Up
ALTER TABLE callback_tasks ADD COLUMN survey_step int, ADD COLUMN survey_asked_at timestamptz;
ALTER TABLE callback_settings ADD COLUMN survey_timeout_minutes int NOT NULL DEFAULT 1440
    CHECK (survey_timeout_minutes BETWEEN 5 AND 10080);
ALTER TABLE callback_rules ADD COLUMN weekdays int[] NOT NULL DEFAULT '{}',
    ADD COLUMN time_from text NOT NULL DEFAULT '', ADD COLUMN time_until text NOT NULL DEFAULT '';
ALTER TABLE questionnaires ADD COLUMN archived_at timestamptz; -- deleted while in use
-- The callbacks of a customer's and of an order's page.
CREATE INDEX callback_tasks_customer ON callback_tasks (tenant_id, customer_id);
CREATE INDEX callback_tasks_order ON callback_tasks (tenant_id, work_order_id);
CREATE INDEX callback_tasks_sms_open ON callback_tasks (tenant_id, customer_id, survey_asked_at)
    WHERE channel = 'sms' AND status = 'open';

-- +goose StatementBegin
DO $$
BEGIN
    -- Read-only, for the owner, which only callback_surveys_due runs as.
    EXECUTE format('CREATE POLICY sms_surveys ON callback_tasks FOR SELECT TO %I USING (true)', current_user);
    EXECUTE format('CREATE POLICY sms_surveys ON callback_settings FOR SELECT TO %I USING (true)', current_user);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION callback_surveys_due(as_of timestamptz, lim int)
    RETURNS TABLE (tenant_id uuid, task_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT t.tenant_id, t.id FROM callback_tasks t
        LEFT JOIN callback_settings s ON s.tenant_id = t.tenant_id
    WHERE t.channel = 'sms' AND t.status = 'open' AND t.questionnaire_id IS NOT NULL
        AND ((t.survey_step IS NULL AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= as_of))
            OR (t.survey_step IS NOT NULL
                AND t.survey_asked_at + make_interval(mins => COALESCE(s.survey_timeout_minutes, 1440)) <= as_of))
    ORDER BY t.created_at LIMIT lim
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION callback_surveys_due(timestamptz, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION callback_surveys_due(timestamptz, int) TO aftersales_app;

-- +goose Down
DROP FUNCTION callback_surveys_due(timestamptz, int);
DROP POLICY sms_surveys ON callback_settings;
DROP POLICY sms_surveys ON callback_tasks;
DROP INDEX callback_tasks_sms_open, callback_tasks_customer, callback_tasks_order;
ALTER TABLE callback_settings DROP COLUMN survey_timeout_minutes;
ALTER TABLE questionnaires DROP COLUMN archived_at;
ALTER TABLE callback_rules DROP COLUMN weekdays, DROP COLUMN time_from, DROP COLUMN time_until;
ALTER TABLE callback_tasks DROP COLUMN survey_step, DROP COLUMN survey_asked_at;
