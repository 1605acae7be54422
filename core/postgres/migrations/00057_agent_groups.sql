-- Agent groups (坐席组) by skill: repair, installation, complaints,
-- consultation or one of the tenant's product lines, optionally tied to a
-- queue of the phone system; and their members (users holding the agent
-- role). The CTI plugin tells the phone system who is in which group.

-- +goose Up
CREATE TABLE agent_groups (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    name       text NOT NULL,
    skill      text NOT NULL,
    queue      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX agent_groups_tenant_name ON agent_groups (tenant_id, lower(name));
ALTER TABLE agent_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_groups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_groups USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_groups TO aftersales_app;

CREATE TABLE agent_group_members (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    group_id  uuid NOT NULL,
    user_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, group_id, user_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES agent_groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX agent_group_members_tenant_user ON agent_group_members (tenant_id, user_id);
ALTER TABLE agent_group_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_group_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_group_members USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_group_members TO aftersales_app;

-- +goose Down
DROP TABLE agent_group_members;
DROP TABLE agent_groups;
