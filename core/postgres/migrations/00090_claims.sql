-- Warranty claims (索赔): per-tenant prices, settlement terms and audit
-- rules; the claims with their lines, flags and audit task; their
-- timeline; the monthly settlement statements per site.

-- +goose Up
CREATE TABLE claim_settings (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    settings  jsonb,
    rules     jsonb
);

CREATE TABLE claims (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    work_order_id  uuid NOT NULL,
    order_number   text NOT NULL,
    site_id        uuid NOT NULL,
    region_id      uuid NOT NULL,
    technician_id  uuid,
    unit_id        uuid NOT NULL,
    model_code     text NOT NULL,
    state          text NOT NULL CHECK (state IN ('draft', 'submitted', 'flagged', 'approved', 'adjusted', 'rejected', 'appealed')),
    currency       text NOT NULL,
    lines          jsonb NOT NULL,
    claimed_total  bigint NOT NULL,
    approved_total bigint NOT NULL DEFAULT 0,
    distance_km    double precision NOT NULL DEFAULT 0,
    flags          jsonb NOT NULL DEFAULT '[]',
    audit          jsonb,
    appealed       boolean NOT NULL DEFAULT false,
    reason         text NOT NULL DEFAULT '',
    completed_at   timestamptz NOT NULL,
    submitted_at   timestamptz,
    decided_at     timestamptz,
    version        int NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, work_order_id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
);
CREATE INDEX claims_newest ON claims (tenant_id, created_at DESC, id DESC);
CREATE INDEX claims_by_site ON claims (tenant_id, site_id, created_at DESC, id DESC);
CREATE INDEX claims_by_state ON claims (tenant_id, state, created_at DESC, id DESC);
-- Settlement and the peer figures read decided claims by month.
CREATE INDEX claims_decided ON claims (tenant_id, decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX claims_by_unit ON claims (tenant_id, unit_id);

CREATE TABLE claim_events (
    tenant_id  uuid NOT NULL,
    claim_id   uuid NOT NULL,
    seq        int NOT NULL,
    type       text NOT NULL,
    from_state text NOT NULL DEFAULT '',
    to_state   text NOT NULL DEFAULT '',
    actor      text NOT NULL,
    reason     text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    payload    jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, claim_id, seq),
    FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id)
);

CREATE TABLE claim_statements (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    site_id          uuid NOT NULL,
    region_id        uuid NOT NULL,
    period           text NOT NULL,
    state            text NOT NULL CHECK (state IN ('draft', 'approved')),
    currency         text NOT NULL,
    lines            jsonb NOT NULL,
    claims_total     bigint NOT NULL,
    charged_total    bigint NOT NULL,
    deductions_total bigint NOT NULL,
    total            bigint NOT NULL,
    notes            jsonb NOT NULL DEFAULT '[]',
    approved_by      text NOT NULL DEFAULT '',
    approved_at      timestamptz,
    version          int NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, site_id, period),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
);
CREATE INDEX claim_statements_period ON claim_statements (tenant_id, period);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['claim_settings', 'claims', 'claim_events', 'claim_statements'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON claim_settings, claims, claim_events, claim_statements TO aftersales_app;

-- +goose Down
DROP TABLE claim_statements, claim_events, claims, claim_settings;
