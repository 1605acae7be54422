-- Product lines and models are edited by the tenant's admins: a version
-- for optimistic concurrency (a stale PATCH gets 409), and a status
-- instead of deletion, because units, sites, work orders and fault codes
-- refer to them. Retired lines take no new models; retired ones stay on
-- what refers to them.

-- +goose Up
ALTER TABLE product_lines
    ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    ADD COLUMN version int NOT NULL DEFAULT 1;
ALTER TABLE product_models
    ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    ADD COLUMN version int NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE product_models DROP COLUMN version, DROP COLUMN status;
ALTER TABLE product_lines DROP COLUMN version, DROP COLUMN status;
