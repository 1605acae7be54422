-- Stock planning: the tenant's ABC / cadence / reorder settings, each
-- part's ABC class (recomputed by a periodic job from a year's
-- consumption value) and temporary campaign plans.

-- +goose Up
CREATE TABLE stock_planning_settings (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    a_percent      int NOT NULL,
    b_percent      int NOT NULL,
    cadence_days_a int NOT NULL,
    cadence_days_b int NOT NULL,
    cadence_days_c int NOT NULL,
    lead_time_days int NOT NULL,
    safety_days    int NOT NULL,
    history_days   int NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id),
    CHECK (a_percent BETWEEN 1 AND 98 AND b_percent >= 1 AND a_percent + b_percent <= 99)
);

CREATE TABLE part_abc_classes (
    tenant_id   uuid NOT NULL,
    part_id     uuid NOT NULL,
    class       text NOT NULL CHECK (class IN ('A', 'B', 'C')),
    value_minor bigint NOT NULL,
    computed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, part_id),
    FOREIGN KEY (tenant_id, part_id) REFERENCES parts (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE stock_campaign_plans (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    name         text NOT NULL,
    warehouse_id uuid NOT NULL,
    starts_on    date NOT NULL,
    ends_on      date NOT NULL CHECK (ends_on >= starts_on),
    lines        jsonb NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id)
);

-- Consumption over a period, per part (ABC) and per warehouse (planning).
CREATE INDEX stock_movements_consumption ON stock_movements (tenant_id, at) WHERE to_bucket = 'consumption';

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['stock_planning_settings', 'part_abc_classes', 'stock_campaign_plans'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON stock_planning_settings, part_abc_classes, stock_campaign_plans TO aftersales_app;

-- +goose Down
DROP INDEX stock_movements_consumption;
DROP TABLE stock_campaign_plans, part_abc_classes, stock_planning_settings;
