-- Site reputation (issue 18): a score per site computed by the reputation
-- job from the report aggregates with the tenant's weights (docs/reports.md,
-- core/report/reputation.go). Dispatch reads the computed score plus the
-- site's optional manual adjustment; the typed sites.reputation only stands
-- in while a site has no computed score (no data in the window yet).
--
-- A change of the tenant's time zone or response target marks every day
-- of its aggregates for recomputation (report_mark_all).

-- +goose Up
ALTER TABLE tenant_settings ADD COLUMN reputation jsonb NOT NULL DEFAULT '{}';

CREATE TABLE site_reputations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    site_id     uuid NOT NULL,
    score       double precision CHECK (score BETWEEN 0 AND 100),
    components  jsonb NOT NULL DEFAULT '[]',
    orders      bigint NOT NULL DEFAULT 0,
    window_from date,
    window_to   date,
    computed_at timestamptz,
    adjustment  double precision NOT NULL DEFAULT 0 CHECK (adjustment BETWEEN -100 AND 100),
    adjustment_note text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, site_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX site_reputations_score ON site_reputations (tenant_id, score DESC NULLS LAST);
ALTER TABLE site_reputations ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_reputations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON site_reputations USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON site_reputations TO aftersales_app;

-- report_mark_all marks every day the tenant's aggregates may hold, in its
-- time zone now, from the day before its first bucket to tomorrow: after a
-- time-zone change a fact moves by at most a day.
-- +goose StatementBegin
CREATE FUNCTION report_mark_all(tenant uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO report_dirty (tenant_id, day)
    SELECT tenant, d::date FROM (
        SELECT least(min(r.day), (now() AT TIME ZONE t.timezone)::date) - 1 AS lo,
               greatest(max(r.day), (now() AT TIME ZONE t.timezone)::date) + 1 AS hi
        FROM tenants t LEFT JOIN report_daily r ON r.tenant_id = t.id
        WHERE t.id = tenant GROUP BY t.timezone) b,
        generate_series(b.lo, b.hi, interval '1 day') AS d
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION report_mark_all(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_mark_all(uuid) TO aftersales_app;

-- +goose StatementBegin
CREATE FUNCTION report_rebuild_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'tenants' THEN
        PERFORM report_mark_all(NEW.id);
    ELSE
        PERFORM report_mark_all(NEW.tenant_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_rebuild_timezone AFTER UPDATE OF timezone ON tenants FOR EACH ROW
    WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION report_rebuild_on_change();
CREATE TRIGGER report_rebuild_target AFTER UPDATE OF report_response_minutes ON tenant_settings FOR EACH ROW
    WHEN (OLD.report_response_minutes IS DISTINCT FROM NEW.report_response_minutes) EXECUTE FUNCTION report_rebuild_on_change();
CREATE TRIGGER report_rebuild_target_insert AFTER INSERT ON tenant_settings FOR EACH ROW
    WHEN (NEW.report_response_minutes <> 120) EXECUTE FUNCTION report_rebuild_on_change();

-- Existing tenants' built-in site_manager role reads reports (scoped to its
-- sites), as new tenants' does (core.DefaultRoles).
-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2)
        SELECT t, 'p', 'role:site_manager', 'reports', 'read'
        WHERE EXISTS (SELECT 1 FROM roles r WHERE r.tenant_id = t AND r.name = 'site_manager' AND r.builtin)
        ON CONFLICT DO NOTHING;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER report_rebuild_target_insert ON tenant_settings;
DROP TRIGGER report_rebuild_target ON tenant_settings;
DROP TRIGGER report_rebuild_timezone ON tenants;
DROP FUNCTION report_rebuild_on_change();
DROP FUNCTION report_mark_all(uuid);
DROP TABLE site_reputations;
ALTER TABLE tenant_settings DROP COLUMN reputation;
