-- Existing tenants keep only their differences from the platform's default
-- roles (00091): for each built-in role, a copied permission equal to the
-- platform's is deleted, a platform permission the copy lacks becomes a
-- 'p-' rule, and a permission the copy has beyond the platform's stays a
-- 'p' rule. No decision changes (TestMigrationKeepsEveryDecision). Tenant
-- by tenant: authz_rules has forced row-level security.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2)
        SELECT t, 'p-', 'role:' || r.name, d.resource, d.action
          FROM roles r JOIN platform_role_permissions d ON d.role = r.name
         WHERE r.tenant_id = t AND r.builtin
           AND NOT EXISTS (SELECT 1 FROM authz_rules a WHERE a.tenant_id = t AND a.ptype = 'p'
                              AND a.v0 = 'role:' || r.name AND a.v1 = d.resource AND a.v2 = d.action)
        ON CONFLICT DO NOTHING;
        DELETE FROM authz_rules a USING roles r, platform_role_permissions d
         WHERE a.tenant_id = t AND r.tenant_id = t AND r.builtin AND d.role = r.name
           AND a.ptype = 'p' AND a.v0 = 'role:' || r.name AND a.v1 = d.resource AND a.v2 = d.action;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Back to full copies: each built-in role gets its platform permissions
-- that were not removed, and the removals go.
-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2)
        SELECT t, 'p', 'role:' || r.name, d.resource, d.action
          FROM roles r JOIN platform_role_permissions d ON d.role = r.name
         WHERE r.tenant_id = t AND r.builtin
           AND NOT EXISTS (SELECT 1 FROM authz_rules a WHERE a.tenant_id = t AND a.ptype = 'p-'
                              AND a.v0 = 'role:' || r.name AND a.v1 = d.resource AND a.v2 = d.action)
        ON CONFLICT DO NOTHING;
        DELETE FROM authz_rules WHERE tenant_id = t AND ptype = 'p-';
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd
