-- Existing tenants' built-in region_manager role reads parts and stock
-- (parts:read, scoped to its regions' subtrees), as new tenants' does
-- (core.DefaultRoles, commit 0034d00).

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2)
        SELECT t, 'p', 'role:region_manager', 'parts', 'read'
        WHERE EXISTS (SELECT 1 FROM roles r WHERE r.tenant_id = t AND r.name = 'region_manager' AND r.builtin)
        ON CONFLICT DO NOTHING;
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd

-- +goose Down
-- The grant stays: new tenants get it too, and a rollback cannot tell
-- which tenants had it before.
SELECT 1;
