-- Free labels a tenant's admins set on sites (e.g. "24h", "flagship") and
-- technicians (e.g. "senior", "gas-certified"); dispatch rules plugins
-- see them. Stored trimmed, de-duplicated and sorted, as customers' tags.

-- +goose Up
ALTER TABLE sites ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE technicians ADD COLUMN tags text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE technicians DROP COLUMN tags;
ALTER TABLE sites DROP COLUMN tags;
