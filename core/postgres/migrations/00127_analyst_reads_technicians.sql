-- The analyst reads the technicians: the technician view of the reports
-- names them (issue 18). One platform row reaches every tenant's analyst
-- role (see 00091), except a tenant that removed that very permission.

-- +goose Up
INSERT INTO platform_role_permissions (role, resource, action) VALUES ('analyst', 'technicians', 'read')
    ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM platform_role_permissions WHERE role = 'analyst' AND resource = 'technicians' AND action = 'read';
