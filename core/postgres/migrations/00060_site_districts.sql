-- The districts (区县) a site covers, by GB/T 2260 code: a district's, or a
-- city's or province's meaning the whole city or province (dispatch matches
-- an address's district code and its parents'). Primary coverage is the
-- site's own territory; secondary is a backup that ranks after it.
-- The codes are checked against the platform's division table (core/district)
-- by the use cases; the column only checks the shape.

-- +goose Up
CREATE TABLE site_districts (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    site_id       uuid NOT NULL,
    division_code text NOT NULL CHECK (division_code ~ '^[0-9]{6}$'),
    coverage      text NOT NULL CHECK (coverage IN ('primary', 'secondary')),
    PRIMARY KEY (tenant_id, site_id, division_code),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE CASCADE
);
-- Dispatch finds the sites covering an address's division codes.
CREATE INDEX site_districts_by_code ON site_districts (tenant_id, division_code, site_id);
ALTER TABLE site_districts ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_districts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON site_districts USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON site_districts TO aftersales_app;

-- +goose Down
DROP TABLE site_districts;
