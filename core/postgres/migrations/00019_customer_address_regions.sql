-- A scoped caller sees the customers with an address in a region of their
-- scope (core.Viewer.Customers): find them by region.

-- +goose Up
CREATE INDEX customer_addresses_tenant_region ON customer_addresses (tenant_id, region_id, customer_id);

-- +goose Down
DROP INDEX customer_addresses_tenant_region;
