-- Stocktake (盘点): count sheets per warehouse. Opening a sheet snapshots
-- the warehouse's on-hand figure of each part and the ledger position;
-- counters enter blind counts; posting the variances writes one
-- adjustment document (stock_documents) whose id the sheet keeps.

-- +goose Up
CREATE TABLE stocktakes (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    warehouse_id uuid NOT NULL,
    state        text NOT NULL CHECK (state IN ('open', 'posted', 'cancelled')),
    note         text NOT NULL DEFAULT '',
    opened_by    text NOT NULL,
    posted_by    text NOT NULL DEFAULT '',
    posted_at    timestamptz,
    document_id  uuid,
    version      int NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES stock_documents (tenant_id, id)
);
CREATE INDEX stocktakes_newest ON stocktakes (tenant_id, created_at DESC, id DESC);
CREATE INDEX stocktakes_by_warehouse ON stocktakes (tenant_id, warehouse_id, created_at DESC);
-- One open sheet per warehouse.
CREATE UNIQUE INDEX stocktakes_one_open ON stocktakes (tenant_id, warehouse_id) WHERE state = 'open';

CREATE TABLE stocktake_lines (
    tenant_id    uuid NOT NULL,
    stocktake_id uuid NOT NULL,
    part_id      uuid NOT NULL,
    expected     bigint NOT NULL,
    counted      bigint CHECK (counted >= 0),
    counted_by   text NOT NULL DEFAULT '',
    counted_at   timestamptz,
    PRIMARY KEY (tenant_id, stocktake_id, part_id),
    FOREIGN KEY (tenant_id, stocktake_id) REFERENCES stocktakes (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, part_id) REFERENCES parts (tenant_id, id)
);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['stocktakes', 'stocktake_lines'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON stocktakes, stocktake_lines TO aftersales_app;

-- +goose Down
DROP TABLE stocktake_lines, stocktakes;
