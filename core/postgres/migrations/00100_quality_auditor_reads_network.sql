-- The quality auditor writes callback rules, whose editor picks regions,
-- sites, product lines and models (issue 15): the role reads them. One
-- platform row each reaches every tenant's built-in role (see 00091).

-- +goose Up
INSERT INTO platform_role_permissions (role, resource, action) VALUES
    ('quality_auditor', 'regions', 'read'), ('quality_auditor', 'sites', 'read'), ('quality_auditor', 'catalog', 'read')
    ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM platform_role_permissions WHERE role = 'quality_auditor' AND resource IN ('regions', 'sites', 'catalog') AND action = 'read';
