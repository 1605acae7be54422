-- Multi-line field requests: a technician asks for several parts in one
-- request; each line stays its own row (approved, shipped, received,
-- consumed and returned on its own) and the lines of one request share
-- its group_id. A single-part request is a group of one. The partial
-- index serves the parts clerk's list of overdue defective-part returns.

-- +goose Up
ALTER TABLE part_requests ADD COLUMN group_id uuid;
UPDATE part_requests SET group_id = id;
ALTER TABLE part_requests ALTER COLUMN group_id SET NOT NULL;
CREATE INDEX part_requests_by_group ON part_requests (tenant_id, group_id);
CREATE INDEX part_requests_return_due ON part_requests (tenant_id, return_due)
    WHERE state = 'consumed' AND must_return;

-- +goose Down
DROP INDEX part_requests_return_due;
DROP INDEX part_requests_by_group;
ALTER TABLE part_requests DROP COLUMN group_id;
