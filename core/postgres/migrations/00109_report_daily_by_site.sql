-- Reports (issue 18): report_daily_by_site (the index report_daily_site is
-- report_daily's), report_daily summed per (tenant, day, site): at most
-- one row a site a day, where report_daily holds nearly one row per order
-- at scale. The queries that ask for no dimension or filter but the
-- region and the site, within a reach of regions and sites (the overview,
-- the region view, the site ranking, the site reputations), read it.
-- RefreshReports recomputes a dirty day's rollup rows from its
-- report_daily rows in the same transaction.

-- +goose Up
CREATE TABLE report_daily_by_site (LIKE report_daily INCLUDING DEFAULTS);
ALTER TABLE report_daily_by_site DROP COLUMN technician_id, DROP COLUMN model_id, DROP COLUMN product_line,
    DROP COLUMN service_type, DROP COLUMN channel,
    ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    ADD PRIMARY KEY (tenant_id, day, site_id);
ALTER TABLE report_daily_by_site ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_daily_by_site FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON report_daily_by_site USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON report_daily_by_site TO aftersales_app;

-- The owner rolls up every tenant's days once (the tables force RLS).
ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
ALTER TABLE report_daily_by_site NO FORCE ROW LEVEL SECURITY;
INSERT INTO report_daily_by_site (tenant_id, day, site_id,
    orders, cancelled, responded_in_target, arrivals, arrivals_on_time, assigned, completed, complete_seconds,
    sla_misses_response, sla_misses_arrival, scored, score_sum, score_1, score_2, score_3, score_4, score_5,
    callbacks, callbacks_done, callbacks_success, complaints, complaints_closed, complaints_closed_on_time,
    calls_offered, calls_answered, calls_abandoned, calls_handle_seconds, complete_4h, complete_24h, complete_72h, complete_over)
SELECT tenant_id, day, site_id,
    sum(orders), sum(cancelled), sum(responded_in_target), sum(arrivals), sum(arrivals_on_time), sum(assigned),
    sum(completed), sum(complete_seconds), sum(sla_misses_response), sum(sla_misses_arrival), sum(scored), sum(score_sum),
    sum(score_1), sum(score_2), sum(score_3), sum(score_4), sum(score_5), sum(callbacks), sum(callbacks_done),
    sum(callbacks_success), sum(complaints), sum(complaints_closed), sum(complaints_closed_on_time), sum(calls_offered),
    sum(calls_answered), sum(calls_abandoned), sum(calls_handle_seconds), sum(complete_4h), sum(complete_24h),
    sum(complete_72h), sum(complete_over)
FROM report_daily GROUP BY tenant_id, day, site_id;
ALTER TABLE report_daily_by_site FORCE ROW LEVEL SECURITY;
ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;

-- +goose Down
DROP TABLE report_daily_by_site;
