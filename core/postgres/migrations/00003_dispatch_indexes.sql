-- Dispatch loads the active sites near an address by a latitude/longitude
-- box; with thousands of sites a tenant must not scan them all per intake.

-- +goose Up
CREATE INDEX sites_tenant_active_lat ON sites (tenant_id, lat, lon) WHERE status = 'active';

-- +goose Down
DROP INDEX sites_tenant_active_lat;
