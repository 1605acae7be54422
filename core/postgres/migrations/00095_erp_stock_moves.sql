-- What the platform asked of a tenant's ERP in erp parts mode, one row
-- per idempotency key (derived from the document: a field request, its
-- line and step), written in the transaction of the change it belongs
-- to: a consumption finds the ERP's reservation it uses up here, and an
-- operator sees what was moved where.

-- +goose Up
CREATE TABLE erp_stock_moves (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    key            text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('reserve', 'consume', 'return')),
    part_number    text NOT NULL,
    warehouse_code text NOT NULL,
    quantity       bigint NOT NULL CHECK (quantity > 0),
    erp_id         text NOT NULL,
    work_order_id  uuid,
    actor          text NOT NULL,
    at             timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id)
);
CREATE INDEX erp_stock_moves_by_order ON erp_stock_moves (tenant_id, work_order_id, at) WHERE work_order_id IS NOT NULL;

ALTER TABLE erp_stock_moves ENABLE ROW LEVEL SECURITY;
ALTER TABLE erp_stock_moves FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON erp_stock_moves USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON erp_stock_moves TO aftersales_app;

-- +goose Down
DROP TABLE erp_stock_moves;
