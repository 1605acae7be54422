-- Reports (issue 18): daily aggregates per tenant × site × technician ×
-- product line × service type × channel, the day in the tenant's time zone.
-- Every fact of an order (response, arrival, completion, score, SLA miss,
-- callback) counts on the day the order was created; a complaint on the
-- day it was opened; a call on the day it was offered. Missing dimensions
-- are the nil UUID or '' so that the key is unique.
--
-- report_dirty is the log of (tenant, day) buckets to recompute: triggers
-- on the raw tables append the days a write touches, in the write's
-- transaction (append-only: no hot row between concurrent writers). The
-- report job reads marks, recomputes their days from the raw tables (a
-- later snapshot, so it sees every write whose mark it read) and deletes
-- exactly the marks it read; a mark committed meanwhile stays for the next run.

-- +goose Up
ALTER TABLE tenant_settings ADD COLUMN report_response_minutes int NOT NULL DEFAULT 120
    CHECK (report_response_minutes BETWEEN 1 AND 10080);

CREATE TABLE report_daily (
    tenant_id                 uuid NOT NULL REFERENCES tenants (id),
    day                       date NOT NULL,
    site_id                   uuid NOT NULL,
    technician_id             uuid NOT NULL,
    product_line              text NOT NULL,
    service_type              text NOT NULL,
    channel                   text NOT NULL,
    orders                    int NOT NULL DEFAULT 0,
    cancelled                 int NOT NULL DEFAULT 0,
    responded_in_target       int NOT NULL DEFAULT 0,
    arrivals                  int NOT NULL DEFAULT 0,
    arrivals_on_time          int NOT NULL DEFAULT 0,
    assigned                  int NOT NULL DEFAULT 0,
    completed                 int NOT NULL DEFAULT 0,
    complete_seconds          bigint NOT NULL DEFAULT 0,
    sla_misses_response       int NOT NULL DEFAULT 0,
    sla_misses_arrival        int NOT NULL DEFAULT 0,
    scored                    int NOT NULL DEFAULT 0,
    score_sum                 int NOT NULL DEFAULT 0,
    score_1                   int NOT NULL DEFAULT 0,
    score_2                   int NOT NULL DEFAULT 0,
    score_3                   int NOT NULL DEFAULT 0,
    score_4                   int NOT NULL DEFAULT 0,
    score_5                   int NOT NULL DEFAULT 0,
    callbacks                 int NOT NULL DEFAULT 0,
    callbacks_done            int NOT NULL DEFAULT 0,
    callbacks_success         int NOT NULL DEFAULT 0,
    complaints                int NOT NULL DEFAULT 0,
    complaints_closed         int NOT NULL DEFAULT 0,
    complaints_closed_on_time int NOT NULL DEFAULT 0,
    calls_offered             int NOT NULL DEFAULT 0,
    calls_answered            int NOT NULL DEFAULT 0,
    calls_abandoned           int NOT NULL DEFAULT 0,
    calls_handle_seconds      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, site_id, technician_id, product_line, service_type, channel)
);
CREATE INDEX report_daily_site ON report_daily (tenant_id, site_id, day);

CREATE TABLE report_dirty (
    id        bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    day       date NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX report_dirty_day ON report_dirty (tenant_id, day);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_daily', 'report_dirty'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
    EXECUTE format('CREATE POLICY claim ON report_dirty TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON report_daily, report_dirty TO aftersales_app;

-- report_mark marks the tenant's day of instant at (in its time zone) dirty.
-- +goose StatementBegin
CREATE FUNCTION report_mark(tenant uuid, at timestamptz) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO report_dirty (tenant_id, day)
        SELECT t.id, (at AT TIME ZONE t.timezone)::date FROM tenants t WHERE t.id = tenant
$$;
-- +goose StatementEnd

-- report_touch_row marks the day a row of tbl (as JSON) counts on.
-- +goose StatementBegin
CREATE FUNCTION report_touch_row(tbl text, r jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CASE tbl
    WHEN 'work_orders', 'complaints' THEN
        PERFORM report_mark((r->>'tenant_id')::uuid, (r->>'created_at')::timestamptz);
    WHEN 'calls' THEN
        PERFORM report_mark((r->>'tenant_id')::uuid, (r->>'offered_at')::timestamptz);
    ELSE -- facts of an order count on the order's day
        PERFORM report_mark(w.tenant_id, w.created_at) FROM work_orders w
            WHERE w.tenant_id = (r->>'tenant_id')::uuid AND w.id = (r->>'work_order_id')::uuid;
    END CASE;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION report_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM report_touch_row(TG_TABLE_NAME, to_jsonb(OLD));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM report_touch_row(TG_TABLE_NAME, to_jsonb(NEW));
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_touch AFTER INSERT OR DELETE ON work_orders FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE TRIGGER report_touch_update AFTER UPDATE ON work_orders FOR EACH ROW
    WHEN ((OLD.created_at, OLD.state, OLD.channel, OLD.product_line, OLD.service_type, OLD.site_id, OLD.technician_id,
           OLD.responded_at, OLD.arrive_by, OLD.arrived_at, OLD.completed_at, OLD.satisfaction_score)
          IS DISTINCT FROM
          (NEW.created_at, NEW.state, NEW.channel, NEW.product_line, NEW.service_type, NEW.site_id, NEW.technician_id,
           NEW.responded_at, NEW.arrive_by, NEW.arrived_at, NEW.completed_at, NEW.satisfaction_score))
    EXECUTE FUNCTION report_touch();
CREATE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON complaints FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON calls FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON callback_tasks FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON site_sla_misses FOR EACH ROW EXECUTE FUNCTION report_touch();

-- report_claim returns the marks of up to lim dirty days of any tenant,
-- the oldest marked first.
-- +goose StatementBegin
CREATE FUNCTION report_claim(lim int) RETURNS TABLE (tenant_id uuid, day date, ids bigint[])
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT d.tenant_id, d.day, array_agg(d.id) FROM report_dirty d
    GROUP BY d.tenant_id, d.day ORDER BY min(d.id) LIMIT lim
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION report_claim(int), report_mark(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_claim(int), report_mark(uuid, timestamptz) TO aftersales_app;

-- +goose Down
DROP TRIGGER report_touch ON site_sla_misses;
DROP TRIGGER report_touch ON callback_tasks;
DROP TRIGGER report_touch ON calls;
DROP TRIGGER report_touch ON complaints;
DROP TRIGGER report_touch_update ON work_orders;
DROP TRIGGER report_touch ON work_orders;
DROP FUNCTION report_claim(int);
DROP FUNCTION report_touch();
DROP FUNCTION report_touch_row(text, jsonb);
DROP FUNCTION report_mark(uuid, timestamptz);
DROP TABLE report_dirty;
DROP TABLE report_daily;
ALTER TABLE tenant_settings DROP COLUMN report_response_minutes;
