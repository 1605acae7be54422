-- Callbacks (回访): tenants' settings, versioned questionnaires, the rules
-- that pick closed work, each rule's verdict on each order (recorded once,
-- so a redelivered completion opens nothing twice), and the callback
-- tasks of the agents' to-do queues. The follow-ups a low SMS score opened
-- (follow_up_tasks) become callback tasks of source low_satisfaction, with
-- their IDs, so nothing is lost and old links keep working.

-- +goose Up
CREATE TABLE callback_settings (
    tenant_id       uuid PRIMARY KEY REFERENCES tenants (id),
    indicators      text[] NOT NULL,
    dissatisfaction text NOT NULL CHECK (dissatisfaction IN ('none', 'rework', 'complaint')),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE questionnaires (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    version    int NOT NULL CHECK (version > 0),
    name       text NOT NULL,
    questions  jsonb NOT NULL,
    low_score  int NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    PRIMARY KEY (tenant_id, id, version)
);

CREATE TABLE callback_rules (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    name             text NOT NULL,
    enabled          boolean NOT NULL,
    trigger          text NOT NULL,
    order_types      text[] NOT NULL DEFAULT '{}',
    product_lines    text[] NOT NULL DEFAULT '{}',
    models           text[] NOT NULL DEFAULT '{}',
    site_ids         uuid[] NOT NULL DEFAULT '{}',
    region_ids       uuid[] NOT NULL DEFAULT '{}',
    period_from      timestamptz,
    period_until     timestamptz,
    sample           double precision NOT NULL CHECK (sample BETWEEN 0 AND 1),
    condition        text NOT NULL DEFAULT '',
    due_days         int NOT NULL DEFAULT 0,
    due_hours        int NOT NULL DEFAULT 0,
    channel          text NOT NULL CHECK (channel IN ('call', 'sms')),
    agent_group      text NOT NULL,
    questionnaire_id uuid NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE callback_evaluations (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    rule_id       uuid NOT NULL,
    work_order_id uuid NOT NULL,
    selected      boolean NOT NULL,
    error         text NOT NULL DEFAULT '', -- the condition failed at run time: the rule was skipped
    at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, rule_id, work_order_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES callback_rules (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE callback_tasks (
    tenant_id             uuid NOT NULL REFERENCES tenants (id),
    id                    uuid NOT NULL,
    source                text NOT NULL CHECK (source IN ('rule', 'low_satisfaction')),
    rule_id               uuid,
    work_order_id         uuid NOT NULL,
    customer_id           uuid NOT NULL,
    site_id               uuid,
    agent_group           text NOT NULL DEFAULT 'callback',
    channel               text NOT NULL DEFAULT 'call' CHECK (channel IN ('call', 'sms')),
    questionnaire_id      uuid,
    questionnaire_version int NOT NULL DEFAULT 0,
    status                text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'given_up')),
    due_at                timestamptz,
    attempts              int NOT NULL DEFAULT 0,
    next_attempt_at       timestamptz,
    last_attempt          text NOT NULL DEFAULT '',
    give_up_reason        text NOT NULL DEFAULT '',
    score                 int,
    answers               jsonb NOT NULL DEFAULT '[]',
    dissatisfied          boolean NOT NULL DEFAULT false,
    outcome               text NOT NULL DEFAULT '',
    rework_order_id       uuid,
    note                  text NOT NULL DEFAULT '',
    created_at            timestamptz NOT NULL DEFAULT now(),
    done_at               timestamptz,
    done_by               text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX callback_tasks_queue ON callback_tasks (tenant_id, agent_group, status, due_at, id);
CREATE INDEX callback_tasks_status ON callback_tasks (tenant_id, status, created_at DESC, id DESC);
CREATE UNIQUE INDEX callback_tasks_rule_order ON callback_tasks (tenant_id, rule_id, work_order_id) WHERE rule_id IS NOT NULL;
CREATE UNIQUE INDEX callback_tasks_low_satisfaction ON callback_tasks (tenant_id, work_order_id)
    WHERE source = 'low_satisfaction';

INSERT INTO callback_tasks (tenant_id, id, source, work_order_id, customer_id, site_id, score, status, note, created_at,
        done_at, done_by)
    SELECT tenant_id, id, 'low_satisfaction', work_order_id, customer_id, site_id, score, status, note, created_at,
        done_at, done_by
    FROM follow_up_tasks;
DROP TABLE follow_up_tasks;

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['callback_settings', 'questionnaires', 'callback_rules', 'callback_evaluations', 'callback_tasks'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant())
            WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersales_app', t);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
CREATE TABLE follow_up_tasks (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    work_order_id uuid NOT NULL,
    customer_id   uuid NOT NULL,
    site_id       uuid,
    reason        text NOT NULL,
    score         int,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    note          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    done_at       timestamptz,
    done_by       text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX follow_up_tasks_tenant_status ON follow_up_tasks (tenant_id, status, created_at DESC, id DESC);
CREATE UNIQUE INDEX follow_up_tasks_tenant_order_reason ON follow_up_tasks (tenant_id, work_order_id, reason);
ALTER TABLE follow_up_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE follow_up_tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON follow_up_tasks USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON follow_up_tasks TO aftersales_app;
INSERT INTO follow_up_tasks (tenant_id, id, work_order_id, customer_id, site_id, reason, score, status, note, created_at,
        done_at, done_by)
    SELECT tenant_id, id, work_order_id, customer_id, site_id, 'low_satisfaction', score,
        CASE status WHEN 'open' THEN 'open' ELSE 'done' END, note, created_at, done_at, done_by
    FROM callback_tasks WHERE source = 'low_satisfaction';
DROP TABLE callback_tasks, callback_evaluations, callback_rules, questionnaires, callback_settings;
