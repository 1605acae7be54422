-- A tenant's longest report period (issue 18): every report query, drill-down,
-- export and rebuild of the tenant spans at most this many days (default 366,
-- the former fixed bound). Edited with the other report settings.

-- +goose Up
ALTER TABLE tenant_settings ADD COLUMN report_max_period_days int NOT NULL DEFAULT 366
    CHECK (report_max_period_days BETWEEN 31 AND 1830);

-- +goose Down
ALTER TABLE tenant_settings DROP COLUMN report_max_period_days;
