-- Orders each site has taken per day (in the tenant's time zone), kept by
-- dispatch so that a decision reads one row per candidate site instead of
-- counting the day's orders.

-- +goose Up
CREATE TABLE site_daily_load (
    tenant_id uuid NOT NULL,
    site_id   uuid NOT NULL,
    day       date NOT NULL,
    taken     int NOT NULL DEFAULT 0 CHECK (taken >= 0),
    PRIMARY KEY (tenant_id, site_id, day),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
);
ALTER TABLE site_daily_load ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_daily_load FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON site_daily_load USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON site_daily_load TO aftersales_app;

-- +goose Down
DROP TABLE site_daily_load;
