-- The default roles' permissions become platform data, shared by every
-- tenant instead of copied into each (issue 20). A tenant's built-in role
-- R has the permissions of platform_role_permissions' role R, less the
-- tenant's 'p-' rules on role:R (removed), plus its 'p' rules on role:R
-- (added); custom roles and direct grants stay 'p' rules as before.
--
-- Rule for later migrations: to give every tenant's built-in role a new
-- permission, INSERT it here (one row, not one per tenant); it reaches
-- every tenant at once, except one that removed that very permission
-- ('p-'). core.DefaultRoles must say the same (TestPlatformRolesAreTheDefaults).

-- +goose Up
CREATE TABLE platform_role_permissions (
    role     text NOT NULL,
    resource text NOT NULL,
    action   text NOT NULL,
    PRIMARY KEY (role, resource, action)
);
INSERT INTO platform_role_permissions (role, resource, action) VALUES
    ('agent', 'customers', 'read'), ('agent', 'customers', 'create'), ('agent', 'customers', 'update'), ('agent', 'units', 'read'),
    ('agent', 'units', 'create'), ('agent', 'units', 'update'), ('agent', 'work_orders', 'read'), ('agent', 'work_orders', 'create'),
    ('agent', 'work_orders', 'update'), ('agent', 'complaints', 'read'), ('agent', 'complaints', 'create'), ('agent', 'complaints', 'update'),
    ('agent', 'callbacks', 'read'), ('agent', 'callbacks', 'update'), ('agent', 'kb', 'read'), ('agent', 'sites', 'read'),
    ('agent', 'regions', 'read'), ('agent', 'catalog', 'read'), ('agent', 'technicians', 'read'),
    ('analyst', 'reports', 'read'), ('analyst', 'work_orders', 'read'), ('analyst', 'sites', 'read'), ('analyst', 'regions', 'read'),
    ('analyst', 'complaints', 'read'), ('analyst', 'callbacks', 'read'), ('analyst', 'claims', 'read'),
    ('dispatcher', 'work_orders', 'read'), ('dispatcher', 'work_orders', 'create'), ('dispatcher', 'work_orders', 'update'), ('dispatcher', 'work_orders', 'dispatch'),
    ('dispatcher', 'sites', 'read'), ('dispatcher', 'technicians', 'read'), ('dispatcher', 'customers', 'read'), ('dispatcher', 'units', 'read'),
    ('dispatcher', 'regions', 'read'), ('dispatcher', 'catalog', 'read'), ('dispatcher', 'kb', 'read'), ('dispatcher', 'parts', 'read'),
    ('integration', 'work_orders', 'read'), ('integration', 'work_orders', 'create'), ('integration', 'work_orders', 'update'), ('integration', 'customers', 'read'),
    ('integration', 'customers', 'create'), ('integration', 'customers', 'update'), ('integration', 'units', 'read'), ('integration', 'units', 'create'),
    ('integration', 'units', 'update'), ('integration', 'sites', 'read'), ('integration', 'sites', 'create'), ('integration', 'sites', 'update'),
    ('integration', 'technicians', 'read'), ('integration', 'technicians', 'create'), ('integration', 'technicians', 'update'), ('integration', 'parts', 'read'),
    ('integration', 'catalog', 'read'), ('integration', 'regions', 'read'), ('integration', 'webhooks', 'read'), ('integration', 'webhooks', 'create'),
    ('integration', 'webhooks', 'update'), ('integration', 'webhooks', 'delete'),
    ('kb_editor', 'kb', 'read'), ('kb_editor', 'kb', 'create'), ('kb_editor', 'kb', 'update'),
    ('kb_reviewer', 'kb', 'read'), ('kb_reviewer', 'kb', 'update'), ('kb_reviewer', 'kb', 'approve'),
    ('parts_clerk', 'parts', 'read'), ('parts_clerk', 'parts', 'create'), ('parts_clerk', 'parts', 'update'), ('parts_clerk', 'parts', 'delete'),
    ('parts_clerk', 'claims', 'read'), ('parts_clerk', 'sites', 'read'),
    ('quality_auditor', 'complaints', 'read'), ('quality_auditor', 'complaints', 'update'), ('quality_auditor', 'callbacks', 'read'), ('quality_auditor', 'callbacks', 'create'),
    ('quality_auditor', 'callbacks', 'update'), ('quality_auditor', 'callbacks', 'delete'), ('quality_auditor', 'claims', 'read'), ('quality_auditor', 'claims', 'approve'),
    ('quality_auditor', 'work_orders', 'read'), ('quality_auditor', 'customers', 'read'), ('quality_auditor', 'reports', 'read'),
    ('region_manager', 'work_orders', 'read'), ('region_manager', 'work_orders', 'update'), ('region_manager', 'work_orders', 'dispatch'), ('region_manager', 'sites', 'read'),
    ('region_manager', 'sites', 'update'), ('region_manager', 'technicians', 'read'), ('region_manager', 'technicians', 'update'), ('region_manager', 'complaints', 'read'),
    ('region_manager', 'complaints', 'update'), ('region_manager', 'regions', 'read'), ('region_manager', 'users', 'read'), ('region_manager', 'reports', 'read'),
    ('region_manager', 'claims', 'read'), ('region_manager', 'claims', 'approve'), ('region_manager', 'customers', 'read'), ('region_manager', 'parts', 'read'),
    ('site_manager', 'work_orders', 'read'), ('site_manager', 'work_orders', 'update'), ('site_manager', 'work_orders', 'dispatch'), ('site_manager', 'technicians', 'read'),
    ('site_manager', 'technicians', 'create'), ('site_manager', 'technicians', 'update'), ('site_manager', 'technicians', 'delete'), ('site_manager', 'sites', 'read'),
    ('site_manager', 'sites', 'update'), ('site_manager', 'claims', 'read'), ('site_manager', 'claims', 'create'), ('site_manager', 'parts', 'read'),
    ('site_manager', 'parts', 'create'), ('site_manager', 'customers', 'read'), ('site_manager', 'units', 'read'), ('site_manager', 'catalog', 'read'),
    ('site_manager', 'kb', 'read'), ('site_manager', 'complaints', 'read'), ('site_manager', 'complaints', 'update'), ('site_manager', 'reports', 'read'),
    ('technician', 'work_orders', 'read'), ('technician', 'work_orders', 'update'), ('technician', 'parts', 'read'), ('technician', 'parts', 'create'),
    ('technician', 'customers', 'read'), ('technician', 'units', 'read'), ('technician', 'catalog', 'read'), ('technician', 'kb', 'read'),
    ('tenant_admin', '*', '*');
-- Platform data: the application reads it, only migrations change it.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON platform_role_permissions FROM aftersales_app;
GRANT SELECT ON platform_role_permissions TO aftersales_app;

ALTER TABLE authz_rules DROP CONSTRAINT authz_rules_ptype_check;
ALTER TABLE authz_rules ADD CONSTRAINT authz_rules_ptype_check CHECK (ptype IN ('p', 'g', 'g2', 'p-'));

-- Each role's effective permissions in its tenant, read with the caller's
-- row-level security (security_invoker).
CREATE VIEW role_permissions WITH (security_invoker = true) AS
    SELECT r.tenant_id, r.name AS role, d.resource, d.action
      FROM roles r JOIN platform_role_permissions d ON d.role = r.name
     WHERE r.builtin AND NOT EXISTS (SELECT 1 FROM authz_rules x WHERE x.tenant_id = r.tenant_id AND x.ptype = 'p-'
                                        AND x.v0 = 'role:' || r.name AND x.v1 = d.resource AND x.v2 = d.action)
    UNION
    SELECT a.tenant_id, substr(a.v0, 6), a.v1, a.v2 FROM authz_rules a WHERE a.ptype = 'p' AND a.v0 LIKE 'role:%';
GRANT SELECT ON role_permissions TO aftersales_app;

-- +goose Down
DROP VIEW role_permissions;
ALTER TABLE authz_rules DROP CONSTRAINT authz_rules_ptype_check;
ALTER TABLE authz_rules ADD CONSTRAINT authz_rules_ptype_check CHECK (ptype IN ('p', 'g', 'g2'));
DROP TABLE platform_role_permissions;
