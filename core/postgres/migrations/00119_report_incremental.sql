-- Reports (issue 18): incremental refresh. Recomputing a whole day per
-- dirty mark cost O(orders of the day) (10-15 s at 250,000-1,000,000
-- orders), so at 200 orders/s the aggregates fell behind. Now:
--
-- report_touched is the log of the source rows a write changed: (tenant,
-- source, id), the source 'o' an order (its SLA misses and callbacks are
-- facts of the order), 'c' a complaint, 'k' a call. The triggers append it
-- in the write's transaction, at most once per row and transaction
-- (report_touch_once, as 00089's report_mark_once).
--
-- report_facts holds each source row's contribution as last applied to
-- the aggregates: one row per (source, key), the day, the key columns of
-- report_daily, its counters and (the row of the order's own key) the
-- order's bin of time to complete. RefreshReports (core/postgres/report.go)
-- takes a batch of touched rows, computes their contributions now, adds
-- new minus old to report_daily and its rollups and replaces their facts,
-- in one transaction per batch, serialised per tenant. Invariant: every
-- aggregate row is the sum of its facts.
--
-- report_dirty stays for whole-day rebuilds (report rebuild, time-zone and
-- response-target changes, migrations): a rebuild recomputes the facts of
-- every source row of the day (and of the day's former ones) and the day's
-- aggregates from them. 00120 marks every aggregated day for one, which
-- fills report_facts.

-- +goose Up
CREATE TABLE report_touched (
    id        bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    src       "char" NOT NULL CHECK (src IN ('o', 'c', 'k')),
    src_id    uuid NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE report_facts (
    tenant_id                 uuid NOT NULL REFERENCES tenants (id),
    src                       "char" NOT NULL,
    src_id                    uuid NOT NULL,
    day                       date NOT NULL,
    site_id                   uuid NOT NULL,
    technician_id             uuid NOT NULL,
    product_line              text NOT NULL,
    service_type              text NOT NULL,
    channel                   text NOT NULL,
    model_id                  uuid NOT NULL,
    orders                    int NOT NULL,
    cancelled                 int NOT NULL,
    responded_in_target       int NOT NULL,
    arrivals                  int NOT NULL,
    arrivals_on_time          int NOT NULL,
    assigned                  int NOT NULL,
    completed                 int NOT NULL,
    complete_seconds          bigint NOT NULL,
    sla_misses_response       int NOT NULL,
    sla_misses_arrival        int NOT NULL,
    scored                    int NOT NULL,
    score_sum                 int NOT NULL,
    score_1                   int NOT NULL,
    score_2                   int NOT NULL,
    score_3                   int NOT NULL,
    score_4                   int NOT NULL,
    score_5                   int NOT NULL,
    callbacks                 int NOT NULL,
    callbacks_done            int NOT NULL,
    callbacks_success         int NOT NULL,
    complaints                int NOT NULL,
    complaints_closed         int NOT NULL,
    complaints_closed_on_time int NOT NULL,
    calls_offered             int NOT NULL,
    calls_answered            int NOT NULL,
    calls_abandoned           int NOT NULL,
    calls_handle_seconds      bigint NOT NULL,
    complete_4h               int NOT NULL,
    complete_24h              int NOT NULL,
    complete_72h              int NOT NULL,
    complete_over             int NOT NULL,
    ttc_bin                   int,
    PRIMARY KEY (tenant_id, src, src_id, site_id)
);
CREATE INDEX report_facts_day ON report_facts (tenant_id, day);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_touched', 'report_facts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
    EXECUTE format('CREATE POLICY claim ON report_touched TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON report_touched, report_facts TO aftersales_app;

-- report_touch_once logs the source row (src, id) of the tenant as touched,
-- once per transaction: the transaction-local setting report.touched holds
-- the rows already logged (rolled back with a rolled-back subtransaction,
-- as the log rows are).
-- +goose StatementBegin
CREATE FUNCTION report_touch_once(tenant uuid, s "char", sid uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    k    text := s::text || sid::text || ';';
    seen text := coalesce(current_setting('report.touched', true), '');
BEGIN
    IF strpos(seen, k) > 0 THEN
        RETURN;
    END IF;
    INSERT INTO report_touched (tenant_id, src, src_id) VALUES (tenant, s, sid);
    IF length(seen) > 4000 THEN -- a bulk write: keep the check cheap, logging again is harmless
        seen := '';
    END IF;
    PERFORM set_config('report.touched', seen || k, true);
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION report_touch_once(uuid, "char", uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_touch_once(uuid, "char", uuid) TO aftersales_app;

-- The triggers of 00065/00089/00101 keep their events and conditions; their
-- functions now log the source rows instead of marking days.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_touch_work_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM report_touch_once(OLD.tenant_id, 'o', OLD.id);
    ELSE
        PERFORM report_touch_once(NEW.tenant_id, 'o', NEW.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_touch_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_touch_once(w.tenant_id, 'o', w.id) FROM work_orders w
        WHERE w.tenant_id = NEW.tenant_id AND w.unit_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- report_touch_source: complaints and calls are their own source rows; an
-- SLA miss or a callback is a fact of its order.
-- +goose StatementBegin
CREATE FUNCTION report_touch_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'complaints' THEN
        IF TG_OP <> 'INSERT' THEN PERFORM report_touch_once(OLD.tenant_id, 'c', OLD.id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM report_touch_once(NEW.tenant_id, 'c', NEW.id); END IF;
    WHEN 'calls' THEN
        IF TG_OP <> 'INSERT' THEN PERFORM report_touch_once(OLD.tenant_id, 'k', OLD.id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM report_touch_once(NEW.tenant_id, 'k', NEW.id); END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN PERFORM report_touch_once(OLD.tenant_id, 'o', OLD.work_order_id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM report_touch_once(NEW.tenant_id, 'o', NEW.work_order_id); END IF;
    END CASE;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON complaints FOR EACH ROW EXECUTE FUNCTION report_touch_source();
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON calls FOR EACH ROW EXECUTE FUNCTION report_touch_source();
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON callback_tasks FOR EACH ROW EXECUTE FUNCTION report_touch_source();
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON site_sla_misses FOR EACH ROW EXECUTE FUNCTION report_touch_source();

-- report_touched_tenants returns up to lim tenants with touched rows and
-- no day awaiting a rebuild, the oldest touched first.
-- +goose StatementBegin
CREATE FUNCTION report_touched_tenants(lim int) RETURNS TABLE (tenant_id uuid)
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT t.tenant_id FROM report_touched t
    WHERE NOT EXISTS (SELECT 1 FROM report_dirty d WHERE d.tenant_id = t.tenant_id)
    GROUP BY t.tenant_id ORDER BY min(t.id) LIMIT lim
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION report_touched_tenants(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_touched_tenants(int) TO aftersales_app;

-- +goose Down
-- Every day is recomputed whole again (the marks of the old triggers).
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON complaints FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON calls FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON callback_tasks FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR UPDATE OR DELETE ON site_sla_misses FOR EACH ROW EXECUTE FUNCTION report_touch();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_touch_work_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_mark_once(OLD.tenant_id, OLD.created_at);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_mark_once(NEW.tenant_id, NEW.created_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_touch_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_mark_once(w.tenant_id, w.created_at) FROM work_orders w
        WHERE w.tenant_id = NEW.tenant_id AND w.unit_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP FUNCTION report_touched_tenants(int);
DROP FUNCTION report_touch_source();
DROP FUNCTION report_touch_once(uuid, "char", uuid);
DROP TABLE report_facts;
DROP TABLE report_touched;
