-- Scheduled report exports (issue 18): a tenant's schedules of a totals
-- export (metrics, group-by dimensions, filters, CSV or XLSX) run daily,
-- weekly or monthly at the tenant-local period boundary. The export job
-- locks the due rows (FOR UPDATE SKIP LOCKED), writes the file to the
-- blob store, moves next_run_at on and adds a report_export.ready outbox
-- message in one transaction: a due run happens once across replicas.

-- +goose Up
CREATE TABLE report_schedules (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    name        text NOT NULL,
    metrics     text[] NOT NULL,
    group_by    text[] NOT NULL DEFAULT '{}',
    filters     jsonb NOT NULL DEFAULT '{}',
    format      text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    cadence     text NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
    next_run_at timestamptz NOT NULL,
    last_run_at timestamptz,
    last_file   text NOT NULL DEFAULT '',
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX report_schedules_due ON report_schedules (tenant_id, next_run_at);
ALTER TABLE report_schedules ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_schedules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON report_schedules USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON report_schedules TO aftersales_app;

-- +goose Down
DROP TABLE report_schedules;
