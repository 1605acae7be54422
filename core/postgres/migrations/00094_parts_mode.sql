-- A tenant's parts mode: built_in (the platform's stock ledger is the
-- truth) or erp (the tenant's ERP is, through its parts plugin; the
-- platform reserves, consumes and returns there).

-- +goose Up
ALTER TABLE tenant_settings ADD COLUMN parts_mode text NOT NULL DEFAULT 'built_in'
    CHECK (parts_mode IN ('built_in', 'erp'));

-- +goose Down
ALTER TABLE tenant_settings DROP COLUMN parts_mode;
