-- Agents' states (available, on a call, after-call work, away, offline):
-- set by the agent in the portal, moved by the calls' events.

-- +goose Up
CREATE TABLE agent_states (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    user_id   uuid NOT NULL,
    state     text NOT NULL CHECK (state IN ('available', 'on_call', 'after_call_work', 'away', 'offline')),
    since     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE agent_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_states USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_states TO aftersales_app;
-- The waiting calls of the supervisors' board.
CREATE INDEX calls_tenant_waiting ON calls (tenant_id, queue) WHERE outcome = 'ringing' AND NOT offered_to_agent;

-- +goose Down
DROP INDEX calls_tenant_waiting;
DROP TABLE agent_states;
