-- Skills a work order needs of its technician (e.g. "install", "rf"):
-- automatic assignment only picks technicians who have them all.

-- +goose Up
ALTER TABLE work_orders ADD COLUMN skills text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE work_orders DROP COLUMN skills;
