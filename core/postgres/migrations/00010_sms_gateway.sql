-- SMS through a real gateway (jobs/sms.go, jobs/kannel.go): a message is
-- queued in the transaction of its cause and sent by its own task after
-- the commit. Before the gateway is called the message is claimed
-- (status 'sending'), so a task that runs again never sends it twice.
-- Inbound texts are stored too (direction 'in'); delivery reports move a
-- sent message to delivered or failed. Customers answer the satisfaction
-- question on the order; a low score opens a follow-up task.

-- +goose Up
ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_status_check;
ALTER TABLE sms_messages
    ADD CONSTRAINT sms_messages_status_check
        CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'received')),
    ADD COLUMN direction    text NOT NULL DEFAULT 'out' CHECK (direction IN ('in', 'out')),
    ADD COLUMN sender       text NOT NULL DEFAULT '',
    ADD COLUMN send_after   timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN attempts     int NOT NULL DEFAULT 0,
    ADD COLUMN encoding     text NOT NULL DEFAULT '',
    ADD COLUMN segments     int NOT NULL DEFAULT 0,
    ADD COLUMN updated_at   timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN delivered_at timestamptz;
-- The sweep's work: unsent messages by when they may go.
CREATE INDEX sms_messages_unsent ON sms_messages (tenant_id, send_after) WHERE status IN ('queued', 'sending');
-- Recent texts to a phone (the help replies' cap).
CREATE INDEX sms_messages_tenant_recipient ON sms_messages (tenant_id, recipient, created_at);

-- The sweep serves all tenants, like the outbox relay: a policy for the
-- owner lets the SECURITY DEFINER function below see every tenant's rows.
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('CREATE POLICY sms_sweep ON sms_messages TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
-- +goose StatementEnd

-- sms_unsent lists messages that should have a send task: queued and due,
-- untouched for idle (their task may have been lost between the commit and
-- the enqueue, or with Redis' data), or stuck in 'sending' as long (the
-- worker died mid-send: the task decides what became of it).
-- +goose StatementBegin
CREATE FUNCTION sms_unsent(lim int, idle interval)
    RETURNS TABLE (tenant_id uuid, id uuid, kind text, send_after timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT m.tenant_id, m.id, m.kind, m.send_after FROM sms_messages m
    WHERE m.status IN ('queued', 'sending') AND m.send_after <= now() AND m.updated_at < now() - idle
    ORDER BY m.send_after
    LIMIT lim
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION sms_unsent(int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sms_unsent(int, interval) TO aftersales_app;

-- The customer's answer to the satisfaction question.
ALTER TABLE work_orders
    ADD COLUMN satisfaction_score int CHECK (satisfaction_score BETWEEN 1 AND 5),
    ADD COLUMN satisfaction_at    timestamptz;

-- Call-centre follow-ups (回访) opened by the platform, e.g. for a low
-- satisfaction score.
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

-- +goose Down
DROP TABLE follow_up_tasks;
ALTER TABLE work_orders DROP COLUMN satisfaction_score, DROP COLUMN satisfaction_at;
DROP FUNCTION sms_unsent(int, interval);
DROP POLICY sms_sweep ON sms_messages;
DROP INDEX sms_messages_unsent, sms_messages_tenant_recipient;
DELETE FROM sms_messages WHERE direction = 'in' OR status = 'sending';
ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_status_check;
ALTER TABLE sms_messages DROP COLUMN direction, DROP COLUMN sender, DROP COLUMN send_after, DROP COLUMN attempts,
    DROP COLUMN encoding, DROP COLUMN segments, DROP COLUMN updated_at, DROP COLUMN delivered_at;
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_status_check
    CHECK (status IN ('queued', 'sent', 'delivered', 'failed'));
