-- The transactional outbox: side effects of a work-order change are
-- written in the change's own transaction and relayed to Asynq afterwards
-- (jobs/relay.go). A message is relayed only when every earlier message of
-- its work order is done, so handlers see one order's changes in order.
--
-- The relay serves all tenants. Rather than a transaction per tenant per
-- poll, it calls two SECURITY DEFINER functions owned by the migration
-- owner; a policy for that owner alone lets them see every tenant's
-- pending rows (FORCE applies RLS to the owner too). The application role
-- keeps the ordinary tenant policy.

-- +goose Up
CREATE TABLE outbox (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    aggregate_id uuid NOT NULL,
    type         text NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    relayed_at   timestamptz,
    done_at      timestamptz,
    PRIMARY KEY (tenant_id, id)
);
-- Pending messages, by work order: the claim's "earlier message not done" test.
CREATE INDEX outbox_pending ON outbox (tenant_id, aggregate_id, id) WHERE done_at IS NULL;

-- One row per (message, handler) whose effect has happened, written in the
-- effect's transaction: a task that runs twice finds it and does nothing.
CREATE TABLE outbox_effects (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    outbox_id bigint NOT NULL,
    handler   text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, outbox_id, handler),
    FOREIGN KEY (tenant_id, outbox_id) REFERENCES outbox (tenant_id, id)
);

CREATE TABLE sms_messages (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    work_order_id uuid,
    outbox_id     bigint,
    kind          text NOT NULL,
    recipient     text NOT NULL,
    locale        text NOT NULL,
    body          text NOT NULL,
    provider      text NOT NULL,
    status        text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
    error         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sms_messages_tenant_order ON sms_messages (tenant_id, work_order_id);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['outbox', 'outbox_effects', 'sms_messages'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
    -- Only the functions below run as the owner.
    EXECUTE format('CREATE POLICY relay ON outbox TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox, outbox_effects, sms_messages TO aftersales_app;

-- Wake the relays: at commit, once per tenant and transaction (NOTIFY folds
-- duplicates), on a new message and on a finished one that has a successor
-- (the next of its work order becomes relayable).
-- +goose StatementBegin
CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR EXISTS (SELECT 1 FROM outbox o WHERE o.tenant_id = NEW.tenant_id
            AND o.aggregate_id = NEW.aggregate_id AND o.id > NEW.id AND o.done_at IS NULL) THEN
        PERFORM pg_notify('outbox', NEW.tenant_id::text);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION notify_outbox();
CREATE TRIGGER outbox_done AFTER UPDATE OF done_at ON outbox FOR EACH ROW
    WHEN (OLD.done_at IS NULL AND NEW.done_at IS NOT NULL) EXECUTE FUNCTION notify_outbox();

-- outbox_claim locks up to lim relayable messages of any tenant, oldest
-- first: not done, not relayed (or relayed over stale_after ago and never
-- done: the task was lost, e.g. with Redis' data; the task ID keeps a
-- living one from being doubled), and with no earlier undone message of
-- the same work order. Locks last until the caller's transaction ends;
-- SKIP LOCKED lets other relays take other rows meanwhile.
-- +goose StatementBegin
CREATE FUNCTION outbox_claim(lim int, stale_after interval)
    RETURNS TABLE (tenant_id uuid, id bigint, aggregate_id uuid, type text, payload jsonb, created_at timestamptz)
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT o.tenant_id, o.id, o.aggregate_id, o.type, o.payload, o.created_at
    FROM outbox o
    WHERE o.done_at IS NULL
      AND (o.relayed_at IS NULL OR o.relayed_at < now() - stale_after)
      AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.tenant_id = o.tenant_id AND p.aggregate_id = o.aggregate_id
                      AND p.id < o.id AND p.done_at IS NULL)
    ORDER BY o.id
    LIMIT lim
    FOR UPDATE OF o SKIP LOCKED
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION outbox_mark_relayed(tenants uuid[], ids bigint[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    UPDATE outbox o SET relayed_at = now()
    FROM unnest(tenants, ids) AS m(tenant_id, id)
    WHERE o.tenant_id = m.tenant_id AND o.id = m.id
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION outbox_claim(int, interval), outbox_mark_relayed(uuid[], bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbox_claim(int, interval), outbox_mark_relayed(uuid[], bigint[]) TO aftersales_app;

-- +goose Down
DROP FUNCTION outbox_mark_relayed(uuid[], bigint[]);
DROP FUNCTION outbox_claim(int, interval);
DROP TABLE sms_messages, outbox_effects, outbox;
DROP FUNCTION notify_outbox();
