-- Foundation: tenants, platform admins, identity, regions, access rules,
-- idempotency. Every tenant-owned table has tenant_id leading its primary key,
-- foreign keys and indexes, and row-level security enabled and forced, so
-- the application role (without BYPASSRLS) sees only the tenant it set for
-- the transaction, and nothing at all when it set none.

-- +goose Up
-- The role may have been created (and granted to the owner) by a DBA, in
-- which case the owner needs no CREATEROLE.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aftersales_app') THEN
        CREATE ROLE aftersales_app NOLOGIN NOBYPASSRLS;
    END IF;
    IF NOT pg_has_role(current_user, 'aftersales_app', 'MEMBER') THEN
        EXECUTE format('GRANT aftersales_app TO %I', current_user);
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
-- +goose StatementEnd

CREATE FUNCTION app_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
    id         uuid PRIMARY KEY,
    slug       text NOT NULL UNIQUE,
    name       text NOT NULL,
    locale     text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
    timezone   text NOT NULL,
    status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    status_reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE platform_admins (
    id         uuid PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE platform_tokens (
    id         uuid PRIMARY KEY,
    admin_id   uuid NOT NULL REFERENCES platform_admins (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE platform_idempotency_keys (
    admin_id     uuid NOT NULL REFERENCES platform_admins (id) ON DELETE CASCADE,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       int NOT NULL,
    headers      jsonb NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (admin_id, key)
);

CREATE TABLE roles (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    builtin     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE users (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    username      text NOT NULL,
    display_name  text NOT NULL DEFAULT '',
    phone         text NOT NULL DEFAULT '',
    email         text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash text NOT NULL,
    version       int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_tenant_username ON users (tenant_id, lower(username));

CREATE TABLE login_attempts (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    username        text NOT NULL,
    failures        int NOT NULL DEFAULT 0,
    last_failure_at timestamptz,
    locked_until    timestamptz,
    PRIMARY KEY (tenant_id, username)
);

CREATE TABLE sessions (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    user_id      uuid NOT NULL,
    token_hash   bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sessions_tenant_token ON sessions (tenant_id, token_hash);
CREATE INDEX sessions_tenant_user ON sessions (tenant_id, user_id);

CREATE TABLE api_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    name         text NOT NULL,
    token_hash   bytea NOT NULL,
    prefix       text NOT NULL,
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_tenant_token ON api_keys (tenant_id, token_hash);

CREATE TABLE regions (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    parent_id  uuid,
    level      text NOT NULL CHECK (level IN ('country', 'region', 'province', 'city')),
    code       text NOT NULL,
    name       text NOT NULL,
    version    int NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES regions (tenant_id, id)
);
CREATE UNIQUE INDEX regions_tenant_code ON regions (tenant_id, code);
CREATE INDEX regions_tenant_parent ON regions (tenant_id, parent_id);

-- Access rules in Casbin's shape (see core.AuthzRule); the tenant is the domain.
CREATE TABLE authz_rules (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    ptype     text NOT NULL CHECK (ptype IN ('p', 'g', 'g2')),
    v0        text NOT NULL,
    v1        text NOT NULL,
    v2        text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, ptype, v0, v1, v2)
);

CREATE TABLE idempotency_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    subject      text NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       int NOT NULL,
    headers      jsonb NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, subject, key)
);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['roles', 'users', 'login_attempts', 'sessions', 'api_keys',
                             'regions', 'authz_rules', 'idempotency_keys'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- Tell every replica's authorizer when a tenant's rules or region tree change.
-- +goose StatementBegin
CREATE FUNCTION notify_authz_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('authz_changed', COALESCE(NEW.tenant_id, OLD.tenant_id)::text);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER authz_rules_changed AFTER INSERT OR UPDATE OR DELETE ON authz_rules
    FOR EACH ROW EXECUTE FUNCTION notify_authz_change();
CREATE TRIGGER regions_changed AFTER INSERT OR UPDATE OR DELETE ON regions
    FOR EACH ROW EXECUTE FUNCTION notify_authz_change();

GRANT USAGE ON SCHEMA public TO aftersales_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO aftersales_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO aftersales_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO aftersales_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO aftersales_app;

-- +goose Down
DROP TABLE idempotency_keys, authz_rules, regions, api_keys, sessions, login_attempts,
    users, roles, platform_idempotency_keys, platform_tokens, platform_admins, tenants;
DROP FUNCTION notify_authz_change();
DROP FUNCTION app_current_tenant();
