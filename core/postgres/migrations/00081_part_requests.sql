-- Field requests for parts (在线申请备件): a technician asks for a part
-- for a work order, the parts clerk approves (shipping a transfer from a
-- warehouse to the site's) or refuses, the site receives it, the service
-- record consumes it, and a must-return part is returned by a due date
-- and inspected. The tenant's return window lives in tenant_settings.

-- +goose Up
ALTER TABLE tenant_settings ADD COLUMN part_return_days int NOT NULL DEFAULT 15
    CHECK (part_return_days BETWEEN 1 AND 365);

CREATE TABLE part_requests (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    work_order_id     uuid NOT NULL,
    site_id           uuid NOT NULL,
    to_warehouse_id   uuid NOT NULL,
    part_id           uuid NOT NULL,
    quantity          bigint NOT NULL CHECK (quantity > 0),
    state             text NOT NULL CHECK (state IN ('requested', 'refused', 'approved', 'received', 'consumed',
                                                     'returned', 'inspected')),
    note              text NOT NULL DEFAULT '',
    refusal_reason    text NOT NULL DEFAULT '',
    from_warehouse_id uuid,
    document_id       uuid,
    consumed          bigint NOT NULL DEFAULT 0 CHECK (consumed >= 0 AND consumed <= quantity),
    must_return       boolean NOT NULL DEFAULT false,
    return_due        timestamptz,
    returned_at       timestamptz,
    inspection        text NOT NULL DEFAULT '' CHECK (inspection IN ('', 'accepted', 'rejected')),
    inspection_note   text NOT NULL DEFAULT '',
    requested_by      text NOT NULL,
    decided_by        text NOT NULL DEFAULT '',
    version           int NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    FOREIGN KEY (tenant_id, to_warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, from_warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, part_id) REFERENCES parts (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES stock_documents (tenant_id, id)
);
CREATE INDEX part_requests_by_order ON part_requests (tenant_id, work_order_id, created_at);
CREATE INDEX part_requests_queue ON part_requests (tenant_id, state, created_at DESC, id DESC);
CREATE INDEX part_requests_by_document ON part_requests (tenant_id, document_id) WHERE document_id IS NOT NULL;

ALTER TABLE part_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE part_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON part_requests USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON part_requests TO aftersales_app;

-- +goose Down
DROP TABLE part_requests;
ALTER TABLE tenant_settings DROP COLUMN part_return_days;
