-- The audit log: every change tenants' and the platform's admins make,
-- with who, when, from where, before and after (secrets redacted by the
-- use cases). Written in the change's transaction, so a rolled-back
-- change leaves no event.
--
-- Append-only: the application role may insert and read, never update or
-- delete, and a trigger refuses updates and deletes to everyone except
-- the retention purge (audit_purge), which runs as the owner.
--
-- Row-level security as for every tenant-owned table; in addition a
-- platform unit (no tenant set) reads every tenant's events and records
-- platform admins' changes of tenants (onboarding, suspension).

-- +goose Up
CREATE TABLE audit_events (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    seq           bigint GENERATED ALWAYS AS IDENTITY,
    id            uuid NOT NULL,
    at            timestamptz NOT NULL,
    actor_kind    text NOT NULL,
    actor_id      uuid,
    actor_name    text NOT NULL DEFAULT '',
    client        text NOT NULL DEFAULT '',
    request_id    text NOT NULL DEFAULT '',
    action        text NOT NULL,
    resource_type text NOT NULL,
    resource_id   text NOT NULL DEFAULT '',
    before        jsonb,
    after         jsonb,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_resource ON audit_events (tenant_id, resource_type, resource_id, seq);
CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_id, seq);
CREATE INDEX audit_events_at ON audit_events (tenant_id, at);

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY platform ON audit_events USING (app_current_tenant() IS NULL)
    WITH CHECK (app_current_tenant() IS NULL);
-- +goose StatementBegin
DO $$
BEGIN
    -- Only audit_purge runs as the owner.
    EXECUTE format('CREATE POLICY purge ON audit_events FOR DELETE TO %I USING (true)', current_user);
END
$$;
-- +goose StatementEnd

REVOKE ALL ON audit_events FROM aftersales_app;
GRANT SELECT, INSERT ON audit_events TO aftersales_app;

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('app.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- audit_purge deletes every tenant's events recorded before cutoff; the
-- housekeeping job calls it with now minus the retention period.
-- +goose StatementBegin
CREATE FUNCTION audit_purge(cutoff timestamptz) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    t uuid;
    n bigint;
    total bigint := 0;
BEGIN
    PERFORM set_config('app.audit_purge', 'on', true);
    FOR t IN SELECT id FROM tenants LOOP -- tenant by tenant, on the (tenant_id, at) index
        DELETE FROM audit_events WHERE tenant_id = t AND at < cutoff;
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
    END LOOP;
    PERFORM set_config('app.audit_purge', '', true);
    RETURN total;
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION audit_purge(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_purge(timestamptz) TO aftersales_app;

-- +goose Down
DROP FUNCTION audit_purge(timestamptz);
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
