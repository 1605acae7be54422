-- Reports (issue 18): three counters more, each counted like the others
-- (an order's on the day, tenant time zone, it was created; a call's on the
-- day it was offered), in report_daily, every rollup and report_facts:
--   completed_tech      completed orders with a technician (technician
--                       productivity: ÷ the distinct technicians with an
--                       order assigned, counted at query time);
--   completed_callback  completed orders with at least one callback task
--                       (claim audits aside): callback coverage counts
--                       orders, no longer tasks, and stays ≤ 100%;
--   calls_in_sl         inbound calls answered within the tenant's
--                       service-level threshold (answered_at − offered_at ≤
--                       tenant_settings.report_service_level_seconds).
-- The callback tasks already touch their order (00119), calls themselves.
--
-- The threshold (default 20 s, 1–600) is read when a call's facts are
-- computed; a change marks every day holding a call's facts, and every day
-- holding a call now, for a rebuild, as a time-zone or response-target
-- change marks every day (00075). It takes the tenant's report lock first,
-- so that no refresh batch that read the old threshold commits after it.
-- Every day already aggregated is marked for a rebuild, as 00123 did.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_daily', 'report_daily_by_site', 'report_daily_by_line', 'report_daily_by_tech',
                             'report_daily_by_attr', 'report_facts'] LOOP
        EXECUTE format('ALTER TABLE %I
            ADD COLUMN completed_tech     int NOT NULL DEFAULT 0,
            ADD COLUMN completed_callback int NOT NULL DEFAULT 0,
            ADD COLUMN calls_in_sl        int NOT NULL DEFAULT 0', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

ALTER TABLE tenant_settings ADD COLUMN report_service_level_seconds int NOT NULL DEFAULT 20
    CHECK (report_service_level_seconds BETWEEN 1 AND 600);

-- report_mark_calls marks the tenant's days that hold a call's facts or an
-- inbound call now (in its time zone), under the tenant's report lock.
-- +goose StatementBegin
CREATE FUNCTION report_mark_calls(tenant uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('report:' || tenant::text, 0));
    INSERT INTO report_dirty (tenant_id, day)
    SELECT tenant, f.day FROM report_facts f WHERE f.tenant_id = tenant AND f.src = 'k'
    UNION
    SELECT tenant, (k.offered_at AT TIME ZONE t.timezone)::date
    FROM calls k JOIN tenants t ON t.id = k.tenant_id
    WHERE k.tenant_id = tenant AND k.direction = 'inbound';
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION report_mark_calls(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_mark_calls(uuid) TO aftersales_app;

-- +goose StatementBegin
CREATE FUNCTION report_rebuild_service_level() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_mark_calls(NEW.tenant_id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_rebuild_service_level AFTER UPDATE OF report_service_level_seconds ON tenant_settings FOR EACH ROW
    WHEN (OLD.report_service_level_seconds IS DISTINCT FROM NEW.report_service_level_seconds)
    EXECUTE FUNCTION report_rebuild_service_level();
CREATE TRIGGER report_rebuild_service_level_insert AFTER INSERT ON tenant_settings FOR EACH ROW
    WHEN (NEW.report_service_level_seconds <> 20) EXECUTE FUNCTION report_rebuild_service_level();

-- The owner marks every tenant's aggregated days once (the table forces RLS).
ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
INSERT INTO report_dirty (tenant_id, day) SELECT DISTINCT tenant_id, day FROM report_daily;
ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;

-- +goose Down
DROP TRIGGER report_rebuild_service_level_insert ON tenant_settings;
DROP TRIGGER report_rebuild_service_level ON tenant_settings;
DROP FUNCTION report_rebuild_service_level();
DROP FUNCTION report_mark_calls(uuid);
ALTER TABLE tenant_settings DROP COLUMN report_service_level_seconds;
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_daily', 'report_daily_by_site', 'report_daily_by_line', 'report_daily_by_tech',
                             'report_daily_by_attr', 'report_facts'] LOOP
        EXECUTE format('ALTER TABLE %I DROP COLUMN completed_tech, DROP COLUMN completed_callback, DROP COLUMN calls_in_sl', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
