-- Built-in parts and stock (备件): the catalogue, warehouses, the stock
-- ledger (every movement double-entry: from one account to another, a
-- warehouse's bucket or an external source or sink), the balances kept in
-- the same transaction as the ledger (the ledger is the truth; a test
-- replays it), stock documents and reservations.

-- +goose Up
CREATE TABLE parts (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    number          text NOT NULL,
    name_zh         text NOT NULL DEFAULT '',
    name_en         text NOT NULL DEFAULT '',
    models          text[] NOT NULL DEFAULT '{}',
    unit            text NOT NULL DEFAULT 'pcs',
    cost_minor      bigint NOT NULL CHECK (cost_minor >= 0),
    sale_minor      bigint NOT NULL CHECK (sale_minor >= 0),
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    warranty_months int NOT NULL CHECK (warranty_months BETWEEN 0 AND 240),
    must_return     boolean NOT NULL DEFAULT false,
    version         int NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number)
);

-- Parts that fit a model (btree_gin, 00030, lets it lead with tenant_id).
CREATE INDEX parts_models ON parts USING gin (tenant_id, models);

CREATE TABLE warehouses (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    code           text NOT NULL,
    name           text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('central', 'regional', 'site')),
    region_id      uuid,
    site_id        uuid,
    allow_negative boolean NOT NULL DEFAULT false,
    version        int NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    CHECK ((kind = 'central' AND region_id IS NULL AND site_id IS NULL)
        OR (kind = 'regional' AND region_id IS NOT NULL AND site_id IS NULL)
        OR (kind = 'site' AND site_id IS NOT NULL AND region_id IS NULL))
);
CREATE INDEX warehouses_by_site ON warehouses (tenant_id, site_id) WHERE site_id IS NOT NULL;
CREATE INDEX warehouses_by_region ON warehouses (tenant_id, region_id) WHERE region_id IS NOT NULL;

-- The balances: what the ledger sums to, per warehouse and part, locked
-- row by row by the movements that change them.
CREATE TABLE stock_balances (
    tenant_id    uuid NOT NULL,
    warehouse_id uuid NOT NULL,
    part_id      uuid NOT NULL,
    available    bigint NOT NULL DEFAULT 0,
    reserved     bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    in_transit   bigint NOT NULL DEFAULT 0 CHECK (in_transit >= 0),
    PRIMARY KEY (tenant_id, warehouse_id, part_id),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, part_id) REFERENCES parts (tenant_id, id)
);
-- Availability of a part across warehouses.
CREATE INDEX stock_balances_by_part ON stock_balances (tenant_id, part_id);

CREATE TABLE stock_documents (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('receipt', 'issue', 'transfer', 'adjustment', 'return')),
    state             text NOT NULL CHECK (state IN ('posted', 'in_transit', 'partially_received', 'received')),
    from_warehouse_id uuid,
    to_warehouse_id   uuid,
    reason            text NOT NULL DEFAULT '',
    reference         text NOT NULL DEFAULT '',
    lines             jsonb NOT NULL,
    created_by        text NOT NULL,
    version           int NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, from_warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, to_warehouse_id) REFERENCES warehouses (tenant_id, id)
);
CREATE INDEX stock_documents_newest ON stock_documents (tenant_id, created_at DESC, id DESC);
CREATE INDEX stock_documents_from ON stock_documents (tenant_id, from_warehouse_id, created_at DESC) WHERE from_warehouse_id IS NOT NULL;
CREATE INDEX stock_documents_to ON stock_documents (tenant_id, to_warehouse_id, created_at DESC) WHERE to_warehouse_id IS NOT NULL;

-- The ledger: append-only. An account is a warehouse's bucket
-- (available, reserved, in_transit) or, with no warehouse, an external
-- source or sink (supplier, consumption, adjustment, field).
CREATE TABLE stock_movements (
    tenant_id         uuid NOT NULL,
    seq               bigint GENERATED ALWAYS AS IDENTITY,
    part_id           uuid NOT NULL,
    quantity          bigint NOT NULL CHECK (quantity > 0),
    from_warehouse_id uuid,
    from_bucket       text NOT NULL,
    to_warehouse_id   uuid,
    to_bucket         text NOT NULL,
    reason            text NOT NULL DEFAULT '',
    document_kind     text NOT NULL,
    document_id       uuid NOT NULL,
    actor             text NOT NULL,
    at                timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, seq),
    FOREIGN KEY (tenant_id, part_id) REFERENCES parts (tenant_id, id),
    FOREIGN KEY (tenant_id, from_warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, to_warehouse_id) REFERENCES warehouses (tenant_id, id),
    CHECK ((from_warehouse_id IS NULL) = (from_bucket IN ('supplier', 'consumption', 'adjustment', 'field'))),
    CHECK ((to_warehouse_id IS NULL) = (to_bucket IN ('supplier', 'consumption', 'adjustment', 'field'))),
    CHECK (from_warehouse_id IS NOT NULL OR to_warehouse_id IS NOT NULL)
);
CREATE INDEX stock_movements_by_part ON stock_movements (tenant_id, part_id, seq);
CREATE INDEX stock_movements_from ON stock_movements (tenant_id, from_warehouse_id, seq) WHERE from_warehouse_id IS NOT NULL;
CREATE INDEX stock_movements_to ON stock_movements (tenant_id, to_warehouse_id, seq) WHERE to_warehouse_id IS NOT NULL;

CREATE TABLE stock_reservations (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    key           text NOT NULL,
    warehouse_id  uuid NOT NULL,
    part_id       uuid NOT NULL,
    work_order_id uuid,
    quantity      bigint NOT NULL CHECK (quantity > 0),
    consumed      bigint NOT NULL DEFAULT 0 CHECK (consumed >= 0),
    released      bigint NOT NULL DEFAULT 0 CHECK (released >= 0),
    state         text NOT NULL CHECK (state IN ('active', 'closed')),
    created_by    text NOT NULL,
    version       int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key),
    FOREIGN KEY (tenant_id, warehouse_id) REFERENCES warehouses (tenant_id, id),
    FOREIGN KEY (tenant_id, part_id) REFERENCES parts (tenant_id, id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id),
    CHECK (consumed + released <= quantity)
);
CREATE INDEX stock_reservations_by_order ON stock_reservations (tenant_id, work_order_id) WHERE work_order_id IS NOT NULL;

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['parts', 'warehouses', 'stock_balances', 'stock_documents', 'stock_movements', 'stock_reservations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON parts, warehouses, stock_balances, stock_documents, stock_reservations TO aftersales_app;
-- The ledger is append-only for the application.
GRANT SELECT, INSERT ON stock_movements TO aftersales_app;

-- +goose Down
DROP TABLE stock_reservations, stock_movements, stock_documents, stock_balances, warehouses, parts;
