-- Units are changed in place (PATCH /v1/units/{id}) with optimistic
-- concurrency, like the other editable rows.

-- +goose Up
ALTER TABLE units ADD COLUMN version int NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz;
UPDATE units SET updated_at = created_at;
ALTER TABLE units ALTER COLUMN updated_at SET NOT NULL, ALTER COLUMN updated_at SET DEFAULT now();

-- +goose Down
ALTER TABLE units DROP COLUMN version, DROP COLUMN updated_at;
