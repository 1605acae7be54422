-- Webhooks: tenants' endpoints, one delivery per (outbox message,
-- endpoint) created in the outbox handler's transaction, and every attempt
-- of each delivery. The database schedules the attempts (next_attempt_at);
-- a sweeper hands due deliveries to Asynq (jobs/webhook_sweep.go), so a
-- task lost with Redis or a crash between commit and enqueue is sent later,
-- never dropped. Like the outbox relay, the sweeper serves every tenant
-- through a SECURITY DEFINER function owned by the migration owner.

-- +goose Up
CREATE TABLE webhook_endpoints (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    url               text NOT NULL,
    description       text NOT NULL DEFAULT '',
    event_types       text[] NOT NULL,
    secret            text NOT NULL,
    -- After a rotation, deliveries carry a signature with the previous
    -- secret too until then, so receivers can switch without losing any.
    previous_secret       text NOT NULL DEFAULT '',
    previous_secret_until timestamptz,
    enabled           boolean NOT NULL DEFAULT true,
    disabled_reason   text NOT NULL DEFAULT '',
    disabled_at       timestamptz,
    -- Failure record for the disable policy: failed deliveries in a row,
    -- and since when no attempt has succeeded.
    failed_deliveries int NOT NULL DEFAULT 0,
    failing_since     timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_deliveries (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL, -- the webhook-id header
    endpoint_id      uuid NOT NULL,
    outbox_id        bigint NOT NULL, -- no foreign key: done messages are purged after a week
    event_type       text NOT NULL,
    body             text NOT NULL,   -- the exact bytes signed and sent
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         int NOT NULL DEFAULT 0, -- all attempts, replays included
    series_attempts  int NOT NULL DEFAULT 0, -- since creation or the last replay: the retry schedule's position
    next_attempt_at  timestamptz,            -- pending: due then
    attempting_until timestamptz,            -- an attempt is under way until then (its lease)
    enqueued_at      timestamptz,            -- handed to Asynq then
    last_status_code int,
    last_error       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, outbox_id, endpoint_id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (tenant_id, next_attempt_at) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    delivery_id uuid NOT NULL,
    n           int NOT NULL,
    at          timestamptz NOT NULL,
    status_code int,
    duration_ms bigint NOT NULL,
    error       text NOT NULL DEFAULT '',
    response    text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, delivery_id, n),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
    -- Only the function below runs as the owner.
    EXECUTE format('CREATE POLICY sweep ON webhook_deliveries TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_deliveries, webhook_attempts TO aftersales_app;

-- webhook_claim_due returns up to lim deliveries of any tenant that are
-- pending, due at now, not under way and not handed out since stale_after
-- ago, and marks them handed out. Locks last until the caller's
-- transaction ends; SKIP LOCKED lets other sweepers take other rows.
-- +goose StatementBegin
CREATE FUNCTION webhook_claim_due(now timestamptz, lim int, stale_after interval)
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    UPDATE webhook_deliveries d SET enqueued_at = now
    FROM (SELECT w.tenant_id, w.id FROM webhook_deliveries w
          WHERE w.status = 'pending' AND w.next_attempt_at <= now
            AND (w.attempting_until IS NULL OR w.attempting_until < now)
            AND (w.enqueued_at IS NULL OR w.enqueued_at < now - stale_after)
          ORDER BY w.next_attempt_at
          LIMIT lim
          FOR UPDATE SKIP LOCKED) due
    WHERE d.tenant_id = due.tenant_id AND d.id = due.id
    RETURNING d.tenant_id, d.id
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION webhook_claim_due(timestamptz, int, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION webhook_claim_due(timestamptz, int, interval) TO aftersales_app;

-- Existing tenants' built-in integration role gets webhooks, as new
-- tenants' does (core.DefaultRoles). Tenant by tenant: authz_rules has
-- forced row-level security.
-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2)
        SELECT t, 'p', 'role:integration', 'webhooks', a FROM unnest(ARRAY['read', 'create', 'update', 'delete']) a
        WHERE EXISTS (SELECT 1 FROM roles r WHERE r.tenant_id = t AND r.name = 'integration' AND r.builtin)
        ON CONFLICT DO NOTHING;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION webhook_claim_due(timestamptz, int, interval);
DROP TABLE webhook_attempts, webhook_deliveries, webhook_endpoints;
