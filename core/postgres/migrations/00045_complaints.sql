-- Complaint cases (投诉): per-tenant settings (category tree, severities,
-- deadlines in working days, escalation ladder), the cases with their
-- clock and escalation level, their timeline, and the cross-tenant scan of
-- escalation steps due (a SECURITY DEFINER function, as timers_due).

-- +goose Up
CREATE TABLE complaint_settings (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    settings  jsonb NOT NULL
);

CREATE TABLE complaint_counters (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    period    text NOT NULL,
    last      int NOT NULL,
    PRIMARY KEY (tenant_id, period)
);

CREATE TABLE complaints (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    number             text NOT NULL,
    customer_id        uuid NOT NULL,
    work_order_id      uuid,
    unit_id            uuid,
    site_id            uuid,
    technician_id      uuid,
    category           text NOT NULL,
    severity           text NOT NULL,
    channel            text NOT NULL,
    description        text NOT NULL DEFAULT '',
    state              text NOT NULL CHECK (state IN ('open', 'acknowledged', 'investigating', 'resolution_proposed', 'confirmed', 'closed')),
    owner_kind         text NOT NULL CHECK (owner_kind IN ('site', 'region', 'department')),
    owner_site_id      uuid,
    owner_region_id    uuid,
    owner_department   text NOT NULL DEFAULT '',
    deadline_days      int NOT NULL,
    due_at             timestamptz,
    waiting_since      timestamptz,
    pauses             jsonb NOT NULL DEFAULT '[]',
    escalation_level   int NOT NULL DEFAULT 0,
    next_escalation_at timestamptz,
    handling           jsonb,
    confirmed_via      text NOT NULL DEFAULT '',
    closed_at          timestamptz,
    created_by         text NOT NULL,
    version            int NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id)
);
-- The lists: newest first (keyset on created_at, id), by each filter.
CREATE INDEX complaints_newest ON complaints (tenant_id, created_at DESC, id DESC);
CREATE INDEX complaints_by_state ON complaints (tenant_id, state, created_at DESC, id DESC);
CREATE INDEX complaints_by_category ON complaints (tenant_id, category, created_at DESC, id DESC);
CREATE INDEX complaints_by_owner_site ON complaints (tenant_id, owner_site_id, created_at DESC, id DESC) WHERE owner_site_id IS NOT NULL;
CREATE INDEX complaints_by_owner_region ON complaints (tenant_id, owner_region_id, created_at DESC, id DESC) WHERE owner_region_id IS NOT NULL;
CREATE INDEX complaints_by_customer ON complaints (tenant_id, customer_id, created_at DESC);
-- Active cases by due time: the overdue filter reads those past due.
CREATE INDEX complaints_active_due ON complaints (tenant_id, due_at) WHERE state NOT IN ('confirmed', 'closed');
-- The escalation scan: only cases with a step still to come.
CREATE INDEX complaints_escalation_due ON complaints (tenant_id, next_escalation_at) WHERE next_escalation_at IS NOT NULL;

CREATE TABLE complaint_events (
    tenant_id    uuid NOT NULL,
    complaint_id uuid NOT NULL,
    seq          int NOT NULL,
    type         text NOT NULL,
    from_state   text NOT NULL DEFAULT '',
    to_state     text NOT NULL DEFAULT '',
    actor        text NOT NULL,
    at           timestamptz NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, complaint_id, seq),
    FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id)
);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['complaint_settings', 'complaint_counters', 'complaints', 'complaint_events'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
    -- Read-only, for the owner, which only complaint_escalations_due runs as.
    EXECUTE format('CREATE POLICY escalations ON complaints FOR SELECT TO %I USING (true)', current_user);
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON complaint_settings, complaint_counters, complaints, complaint_events TO aftersales_app;

-- complaint_escalations_due lists up to lim active cases, across tenants,
-- whose next escalation step is due at as_of. A pre-filter: the caller
-- re-checks each under its row lock in the tenant's transaction.
-- +goose StatementBegin
CREATE FUNCTION complaint_escalations_due(as_of timestamptz, lim int)
    RETURNS TABLE (tenant_id uuid, complaint_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT c.tenant_id, c.id FROM complaints c
    WHERE c.next_escalation_at IS NOT NULL AND c.next_escalation_at <= as_of
    ORDER BY c.next_escalation_at LIMIT lim
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION complaint_escalations_due(timestamptz, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION complaint_escalations_due(timestamptz, int) TO aftersales_app;

-- +goose Down
DROP FUNCTION complaint_escalations_due(timestamptz, int);
DROP TABLE complaint_events, complaints, complaint_counters, complaint_settings;
