-- Plugins: the platform's registry of plugin binaries (no tenant) and each
-- tenant's bindings of them, with configuration and encrypted secrets.
--
-- plugin_bindings.plugin_id has no foreign key: the schema keeps tenant_id
-- leading every foreign key of a tenant table, and the registry has no
-- tenant. The store checks the plugin on binding, and the platform may
-- delete a plugin only while no tenant binds it (plugin_in_use, below).

-- +goose Up
CREATE TABLE plugins (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('cti', 'parts', 'dispatch_rules')),
    version    text NOT NULL,
    path       text NOT NULL,
    sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    enabled    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);

CREATE TABLE plugin_bindings (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    plugin_id    uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('cti', 'parts', 'dispatch_rules')),
    name         text NOT NULL,
    config       jsonb NOT NULL DEFAULT '{}',
    secret_names text[] NOT NULL DEFAULT '{}',
    -- AES-256-GCM under the platform key, associated data tenant_id || id,
    -- so a ciphertext copied to another row or tenant does not decrypt.
    secrets      bytea,
    -- SHA-256 of the CTI event token (shown once on creation).
    token_hash   bytea NOT NULL,
    enabled      boolean NOT NULL DEFAULT true,
    version      int NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- One enabled binding per kind per tenant.
CREATE UNIQUE INDEX plugin_bindings_enabled_kind ON plugin_bindings (tenant_id, kind) WHERE enabled;
CREATE INDEX plugin_bindings_plugin ON plugin_bindings (tenant_id, plugin_id);

-- The agent a CTI call rings at is found by extension.
ALTER TABLE users ADD COLUMN cti_extension text;
CREATE UNIQUE INDEX users_tenant_cti_extension ON users (tenant_id, cti_extension) WHERE cti_extension IS NOT NULL;

-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE plugin_bindings ENABLE ROW LEVEL SECURITY;
    ALTER TABLE plugin_bindings FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON plugin_bindings USING (tenant_id = app_current_tenant())
        WITH CHECK (tenant_id = app_current_tenant());
    -- Only plugin_in_use runs as the owner.
    EXECUTE format('CREATE POLICY registry ON plugin_bindings TO %I USING (true)', current_user);
END
$$;
-- +goose StatementEnd

-- plugin_in_use tells the platform whether any tenant binds a plugin,
-- without showing which.
-- +goose StatementBegin
CREATE FUNCTION plugin_in_use(plugin uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (SELECT 1 FROM plugin_bindings WHERE plugin_id = plugin)
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION plugin_in_use(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plugin_in_use(uuid) TO aftersales_app;

-- Every replica caches which binding serves a tenant's dispatch rules; tell
-- them at commit when a binding ('<tenant>') or a plugin ('*') changes.
-- +goose StatementBegin
CREATE FUNCTION notify_plugin_binding_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'plugins' THEN
        PERFORM pg_notify('plugin_bindings_changed', '*');
    ELSE
        PERFORM pg_notify('plugin_bindings_changed', COALESCE(NEW.tenant_id, OLD.tenant_id)::text);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER plugin_bindings_changed AFTER INSERT OR UPDATE OR DELETE ON plugin_bindings
    FOR EACH ROW EXECUTE FUNCTION notify_plugin_binding_change();
CREATE TRIGGER plugins_changed AFTER UPDATE OR DELETE ON plugins
    FOR EACH ROW EXECUTE FUNCTION notify_plugin_binding_change();

GRANT SELECT, INSERT, UPDATE, DELETE ON plugins, plugin_bindings TO aftersales_app;

-- +goose Down
DROP TABLE plugin_bindings, plugins;
DROP FUNCTION plugin_in_use(uuid);
DROP FUNCTION notify_plugin_binding_change();
DROP INDEX users_tenant_cti_extension;
ALTER TABLE users DROP COLUMN cti_extension;
