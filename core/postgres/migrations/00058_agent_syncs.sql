-- What the phone system was told of a tenant's agent groups: every change
-- of membership or availability bumps wanted in its own transaction (so a
-- crash loses no request); the sync job sends the full state, records the
-- generation and hash it sent (a state sent already is not sent again) and
-- whether the tenant's CTI plugin supports it at all.

-- +goose Up
CREATE TABLE agent_syncs (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) PRIMARY KEY,
    wanted     bigint NOT NULL DEFAULT 0,
    sent       bigint NOT NULL DEFAULT 0,
    sent_hash  bytea,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'synced', 'not_supported', 'no_binding', 'failed')),
    error      text NOT NULL DEFAULT '',
    synced_at  timestamptz,
    changed_at timestamptz NOT NULL DEFAULT now(), -- the latest change recorded
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_syncs_behind ON agent_syncs (tenant_id) WHERE wanted > sent;
ALTER TABLE agent_syncs ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_syncs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_syncs USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_syncs TO aftersales_app;

-- +goose Down
DROP TABLE agent_syncs;
