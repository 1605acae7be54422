-- Reports (issue 18): three more rollups of report_daily, so that the
-- common dimensions are summed without its near per-order buckets:
--   report_daily_by_line  (tenant, day, product line, service type, channel):
--       tenant-wide queries by (or filtered on) product line, service type
--       and channel (no site: never for a region/site reach or dimension);
--   report_daily_by_tech  (tenant, day, site, technician): the scorecard's
--       per-technician call, the technician view, a technician's reach
--       (indexed by site and by technician, as report_daily by site);
--   report_daily_by_attr  (tenant, day, site, product line, service type,
--       channel): the same dimensions within a region/site reach.
-- report_daily keeps the model and the combinations none covers. Each is
-- maintained like report_daily_by_site (00109): RefreshReports recomputes
-- a dirty day's rows from its report_daily rows in the same transaction.

-- +goose Up
CREATE TABLE report_daily_by_line (LIKE report_daily_by_site INCLUDING DEFAULTS);
ALTER TABLE report_daily_by_line DROP COLUMN site_id,
    ADD COLUMN product_line text NOT NULL, ADD COLUMN service_type text NOT NULL, ADD COLUMN channel text NOT NULL,
    ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    ADD PRIMARY KEY (tenant_id, day, product_line, service_type, channel);
CREATE TABLE report_daily_by_tech (LIKE report_daily_by_site INCLUDING DEFAULTS);
ALTER TABLE report_daily_by_tech ADD COLUMN technician_id uuid NOT NULL,
    ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    ADD PRIMARY KEY (tenant_id, day, site_id, technician_id);
CREATE INDEX report_daily_by_tech_technician ON report_daily_by_tech (tenant_id, technician_id, day);
CREATE INDEX report_daily_by_tech_site ON report_daily_by_tech (tenant_id, site_id, day);
CREATE TABLE report_daily_by_attr (LIKE report_daily_by_site INCLUDING DEFAULTS);
ALTER TABLE report_daily_by_attr
    ADD COLUMN product_line text NOT NULL, ADD COLUMN service_type text NOT NULL, ADD COLUMN channel text NOT NULL,
    ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    ADD PRIMARY KEY (tenant_id, day, site_id, product_line, service_type, channel);
CREATE INDEX report_daily_by_attr_site ON report_daily_by_attr (tenant_id, site_id, day);

-- +goose StatementBegin
DO $$
DECLARE
    t text;
    k text;
    cols text := 'orders, cancelled, responded_in_target, arrivals, arrivals_on_time, assigned, completed, complete_seconds, '
        'sla_misses_response, sla_misses_arrival, scored, score_sum, score_1, score_2, score_3, score_4, score_5, '
        'callbacks, callbacks_done, callbacks_success, complaints, complaints_closed, complaints_closed_on_time, '
        'calls_offered, calls_answered, calls_abandoned, calls_handle_seconds, complete_4h, complete_24h, complete_72h, complete_over';
BEGIN
    -- The owner rolls up every tenant's days once (the tables force RLS).
    ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
    FOREACH t IN ARRAY ARRAY['report_daily_by_line', 'report_daily_by_tech', 'report_daily_by_attr'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aftersales_app', t);
        k := CASE t WHEN 'report_daily_by_line' THEN 'product_line, service_type, channel'
                    WHEN 'report_daily_by_tech' THEN 'site_id, technician_id'
                    ELSE 'site_id, product_line, service_type, channel' END;
        EXECUTE format('INSERT INTO %I (tenant_id, day, %s, %s) SELECT tenant_id, day, %s, %s FROM report_daily GROUP BY tenant_id, day, %s',
            t, k, cols, k, regexp_replace(cols, '(\w+)', 'sum(\1)', 'g'), k);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
    ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE report_daily_by_attr;
DROP TABLE report_daily_by_tech;
DROP TABLE report_daily_by_line;
