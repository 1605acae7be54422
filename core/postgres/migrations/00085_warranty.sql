-- The 三包 warranty policies per product line or model (core/warranty), the
-- tenant's fee schedule, and the charge items computed for a work order
-- when it is completed. A policy's key is the line's code or the model's
-- ID (a model's code may change). Components and the schedule are small
-- documents read and written whole, so they are jsonb.

-- +goose Up
CREATE TABLE warranty_policies (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    scope         text NOT NULL CHECK (scope IN ('line', 'model')),
    key           text NOT NULL,
    product_line  text NOT NULL,
    model_id      uuid,
    repair_months int NOT NULL CHECK (repair_months BETWEEN 0 AND 240),
    replace_days  int NOT NULL CHECK (replace_days BETWEEN 0 AND 365),
    refund_days   int NOT NULL CHECK (refund_days BETWEEN 0 AND 365),
    components    jsonb NOT NULL DEFAULT '[]',
    version       int NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, scope, key),
    FOREIGN KEY (tenant_id, product_line) REFERENCES product_lines (tenant_id, code),
    FOREIGN KEY (tenant_id, model_id) REFERENCES product_models (tenant_id, id),
    CHECK ((scope = 'model') = (model_id IS NOT NULL))
);

CREATE TABLE fee_schedules (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants (id),
    schedule   jsonb NOT NULL,
    version    int NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE work_order_charges (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    work_order_id uuid NOT NULL,
    currency      text NOT NULL,
    total         bigint NOT NULL,
    quote         jsonb NOT NULL,
    computed_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, work_order_id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id) ON DELETE CASCADE
);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['warranty_policies', 'fee_schedules', 'work_order_charges'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON warranty_policies, fee_schedules, work_order_charges TO aftersales_app;

-- +goose Down
DROP TABLE work_order_charges;
DROP TABLE fee_schedules;
DROP TABLE warranty_policies;
