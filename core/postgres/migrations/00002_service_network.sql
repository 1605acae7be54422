-- Service network, customers, products, catalogues, work orders and their
-- events. Same rules as 00001: tenant_id leads every key and index; RLS is
-- enabled and forced on every table.

-- +goose Up
CREATE TABLE tenant_settings (
    tenant_id        uuid PRIMARY KEY REFERENCES tenants (id),
    dispatch_weights jsonb NOT NULL DEFAULT '{"distance":1,"load":1,"reputation":1,"sla_risk":1}',
    calendar         jsonb NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    code           text NOT NULL,
    name           text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('service_station', 'repair_center', 'dealer')),
    region_id      uuid NOT NULL,
    address        text NOT NULL DEFAULT '',
    phone          text NOT NULL DEFAULT '',
    lat            double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    radius_km      double precision CHECK (radius_km > 0),
    polygon        jsonb,
    product_lines  text[] NOT NULL DEFAULT '{}',
    skills         text[] NOT NULL DEFAULT '{}',
    daily_capacity int NOT NULL DEFAULT 10 CHECK (daily_capacity >= 0),
    working_hours  jsonb NOT NULL DEFAULT '{}',
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    reputation     double precision NOT NULL DEFAULT 80 CHECK (reputation BETWEEN 0 AND 100),
    auto_assign    boolean NOT NULL DEFAULT true,
    late_rate      double precision NOT NULL DEFAULT 0,
    version        int NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    CHECK (radius_km IS NOT NULL OR polygon IS NOT NULL)
);
CREATE UNIQUE INDEX sites_tenant_code ON sites (tenant_id, code);
CREATE INDEX sites_tenant_region ON sites (tenant_id, region_id);

CREATE TABLE technicians (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    site_id       uuid NOT NULL,
    user_id       uuid,
    code          text NOT NULL,
    name          text NOT NULL,
    phone         text NOT NULL,
    skills        text[] NOT NULL DEFAULT '{}',
    status        text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'busy', 'off')),
    lat           double precision CHECK (lat BETWEEN -90 AND 90),
    lon           double precision CHECK (lon BETWEEN -180 AND 180),
    location_at   timestamptz,
    open_workload int NOT NULL DEFAULT 0,
    version       int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE UNIQUE INDEX technicians_tenant_code ON technicians (tenant_id, code);
CREATE UNIQUE INDEX technicians_tenant_user ON technicians (tenant_id, user_id);
CREATE INDEX technicians_tenant_site ON technicians (tenant_id, site_id);
CREATE INDEX technicians_tenant_phone ON technicians (tenant_id, phone);

CREATE TABLE customers (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('person', 'organization')),
    name       text NOT NULL,
    tags       text[] NOT NULL DEFAULT '{}',
    vip        boolean NOT NULL DEFAULT false,
    version    int NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX customers_tenant_name ON customers (tenant_id, name);

-- Phones are stored normalised (E.164 without '+', e.g. 8613800138000).
CREATE TABLE customer_phones (
    tenant_id   uuid NOT NULL,
    customer_id uuid NOT NULL,
    phone       text NOT NULL,
    label       text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, customer_id, phone),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_phones_tenant_phone ON customer_phones (tenant_id, phone);

CREATE TABLE customer_addresses (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    customer_id uuid NOT NULL,
    label       text NOT NULL DEFAULT '',
    region_id   uuid,
    address     text NOT NULL,
    lat         double precision CHECK (lat BETWEEN -90 AND 90),
    lon         double precision CHECK (lon BETWEEN -180 AND 180),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id)
);
CREATE INDEX customer_addresses_tenant_customer ON customer_addresses (tenant_id, customer_id);

CREATE TABLE product_lines (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    code      text NOT NULL,
    name_zh   text NOT NULL,
    name_en   text NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

CREATE TABLE product_models (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    product_line    text NOT NULL,
    code            text NOT NULL,
    name            text NOT NULL,
    warranty_months int NOT NULL CHECK (warranty_months >= 0),
    labour_hours    numeric(6, 2) NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, product_line) REFERENCES product_lines (tenant_id, code)
);
CREATE UNIQUE INDEX product_models_tenant_code ON product_models (tenant_id, code);

CREATE TABLE units (
    tenant_id      uuid NOT NULL,
    id             uuid NOT NULL,
    customer_id    uuid NOT NULL,
    model_id       uuid NOT NULL,
    serial         text NOT NULL,
    purchase_date  date NOT NULL,
    dealer_site_id uuid,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, model_id) REFERENCES product_models (tenant_id, id),
    FOREIGN KEY (tenant_id, dealer_site_id) REFERENCES sites (tenant_id, id)
);
CREATE UNIQUE INDEX units_tenant_serial ON units (tenant_id, serial);
CREATE INDEX units_tenant_customer ON units (tenant_id, customer_id);

-- Service types with their SLA targets in working minutes (0: none).
CREATE TABLE service_types (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    code             text NOT NULL,
    name_zh          text NOT NULL,
    name_en          text NOT NULL,
    field            boolean NOT NULL DEFAULT true,
    respond_minutes  int NOT NULL DEFAULT 0,
    arrive_minutes   int NOT NULL DEFAULT 0,
    complete_minutes int NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, code)
);

CREATE TABLE fault_codes (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    kind         text NOT NULL CHECK (kind IN ('symptom', 'cause', 'object', 'action')),
    code         text NOT NULL,
    parent_code  text,
    product_line text,
    name_zh      text NOT NULL,
    name_en      text NOT NULL,
    PRIMARY KEY (tenant_id, kind, code),
    FOREIGN KEY (tenant_id, kind, parent_code) REFERENCES fault_codes (tenant_id, kind, code),
    FOREIGN KEY (tenant_id, product_line) REFERENCES product_lines (tenant_id, code)
);

CREATE TABLE work_order_counters (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    period    text NOT NULL,
    last      int NOT NULL,
    PRIMARY KEY (tenant_id, period)
);

CREATE TABLE work_orders (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    number            text NOT NULL,
    type              text NOT NULL,
    channel           text NOT NULL,
    state             text NOT NULL,
    customer_id       uuid NOT NULL,
    unit_id           uuid,
    product_line      text,
    service_type      text NOT NULL,
    description       text NOT NULL DEFAULT '',
    address           text NOT NULL DEFAULT '',
    lat               double precision,
    lon               double precision,
    region_id         uuid,
    site_id           uuid,
    technician_id     uuid,
    in_warranty       boolean,
    warranty_expires  date,
    respond_by        timestamptz,
    arrive_by         timestamptz,
    complete_by       timestamptz,
    responded_at      timestamptz,
    arrived_at        timestamptz,
    completed_at      timestamptz,
    closed_at         timestamptz,
    decision          jsonb,
    service_record    jsonb,
    excluded_sites    uuid[] NOT NULL DEFAULT '{}',
    queue_reason      text NOT NULL DEFAULT '',
    created_by        text NOT NULL,
    version           int NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    FOREIGN KEY (tenant_id, technician_id) REFERENCES technicians (tenant_id, id),
    FOREIGN KEY (tenant_id, service_type) REFERENCES service_types (tenant_id, code)
);
CREATE UNIQUE INDEX work_orders_tenant_number ON work_orders (tenant_id, number);
CREATE INDEX work_orders_tenant_created ON work_orders (tenant_id, created_at DESC, id DESC);
CREATE INDEX work_orders_tenant_state ON work_orders (tenant_id, state, created_at DESC, id DESC);
CREATE INDEX work_orders_tenant_site ON work_orders (tenant_id, site_id, created_at DESC, id DESC);
CREATE INDEX work_orders_tenant_technician ON work_orders (tenant_id, technician_id, created_at DESC, id DESC);
CREATE INDEX work_orders_tenant_region ON work_orders (tenant_id, region_id, created_at DESC, id DESC);
CREATE INDEX work_orders_tenant_customer ON work_orders (tenant_id, customer_id, created_at DESC);

CREATE TABLE work_order_events (
    tenant_id     uuid NOT NULL,
    work_order_id uuid NOT NULL,
    seq           int NOT NULL,
    type          text NOT NULL,
    from_state    text NOT NULL DEFAULT '',
    to_state      text NOT NULL DEFAULT '',
    actor         text NOT NULL,
    at            timestamptz NOT NULL,
    lat           double precision,
    lon           double precision,
    payload       jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, work_order_id, seq),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id)
);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant_settings', 'sites', 'technicians', 'customers', 'customer_phones',
                             'customer_addresses', 'product_lines', 'product_models', 'units', 'service_types',
                             'fault_codes', 'work_order_counters', 'work_orders', 'work_order_events'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- A site's region is part of the scope graph (region → site).
CREATE TRIGGER sites_changed AFTER INSERT OR UPDATE OF region_id OR DELETE ON sites
    FOR EACH ROW EXECUTE FUNCTION notify_authz_change();

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO aftersales_app;

-- +goose Down
DROP TABLE work_order_events, work_orders, work_order_counters, fault_codes, service_types, units,
    product_models, product_lines, customer_addresses, customer_phones, customers, technicians, sites,
    tenant_settings;
