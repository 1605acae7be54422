-- Reports (issue 18): fill report_facts (00119) for the days already
-- aggregated: every such day of every tenant is marked for a rebuild, which
-- recomputes the facts of the day's source rows and the day's aggregates
-- from them (core/postgres/report.go, rebuildDay). Until a tenant's marked
-- days are rebuilt, its touched rows wait (report_touched_tenants), so
-- that no delta is added to a day whose facts are not there yet: the
-- tenant's aggregates stay exact (those of before, then the rebuilt ones).

-- +goose Up
ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
INSERT INTO report_dirty (tenant_id, day) SELECT DISTINCT tenant_id, day FROM report_daily;
ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;

-- +goose Down
-- Every day is recomputed whole again.
ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
INSERT INTO report_dirty (tenant_id, day) SELECT DISTINCT tenant_id, day FROM report_daily;
ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;
