-- Per-tenant SMS settings (core.SMSSettings): signature, the number
-- replies arrive on, notifications on/off, template overrides, quiet
-- hours, rate limit, low-score threshold, reply keywords. The settings are
-- one jsonb document validated by the application; the number has its own
-- column because the platform routes inbound texts by it.
--
-- A number belongs to one tenant. A unique index would have to lead with
-- the number, not tenant_id, and would reveal nothing RLS hides anyway;
-- instead a trigger running as the owner checks the other tenants' rows
-- under a transaction lock on the number, so two tenants saving the same
-- number at once cannot both win. Inbound routing (any tenant, from a
-- platform transaction) goes through a SECURITY DEFINER function as the
-- outbox relay does (00007).

-- +goose Up
CREATE TABLE sms_settings (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants (id),
    number     text CHECK (number ~ '^[0-9]{3,21}$'),
    settings   jsonb NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE sms_settings ENABLE ROW LEVEL SECURITY;
    ALTER TABLE sms_settings FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON sms_settings USING (tenant_id = app_current_tenant())
        WITH CHECK (tenant_id = app_current_tenant());
    -- Only the functions below run as the owner.
    EXECUTE format('CREATE POLICY sms_numbers ON sms_settings TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON sms_settings TO aftersales_app;

-- +goose StatementBegin
CREATE FUNCTION sms_settings_number_unique() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF NEW.number IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('sms_number:' || NEW.number, 0));
        IF EXISTS (SELECT 1 FROM sms_settings s WHERE s.number = NEW.number AND s.tenant_id <> NEW.tenant_id) THEN
            RAISE EXCEPTION 'sms number % is taken', NEW.number USING ERRCODE = 'unique_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER sms_settings_number_unique BEFORE INSERT OR UPDATE OF number ON sms_settings
    FOR EACH ROW EXECUTE FUNCTION sms_settings_number_unique();

-- sms_tenant_by_number returns the tenant whose number is the longest of
-- the candidates (a received-on number and its prefixes: carriers append
-- extension digits), or NULL.
-- +goose StatementBegin
CREATE FUNCTION sms_tenant_by_number(candidates text[]) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT s.tenant_id FROM sms_settings s
    WHERE s.number = ANY (candidates)
    ORDER BY length(s.number) DESC
    LIMIT 1
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION sms_tenant_by_number(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sms_tenant_by_number(text[]) TO aftersales_app;

-- +goose Down
DROP FUNCTION sms_tenant_by_number(text[]);
DROP TABLE sms_settings;
DROP FUNCTION sms_settings_number_unique();
