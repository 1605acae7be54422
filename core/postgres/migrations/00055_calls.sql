-- The call log (通话记录): a call per phone-system call ID, merged from
-- the CTI plugin's events whatever their order, and what was created
-- during it (call_links: work orders now; complaints and callbacks link
-- the same way).

-- +goose Up
CREATE TABLE calls (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    pbx_call_id       text NOT NULL,
    direction         text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'click_to_dial')),
    caller            text NOT NULL DEFAULT '',
    called            text NOT NULL DEFAULT '',
    agent_extension   text NOT NULL DEFAULT '',
    agent_user_id     uuid,
    agent_from_answer boolean NOT NULL DEFAULT false,
    offered_to_agent  boolean NOT NULL DEFAULT false,
    queue             text NOT NULL DEFAULT '',
    offered_at        timestamptz NOT NULL,
    answered_at       timestamptz,
    ended_at          timestamptz,
    duration_seconds  int NOT NULL DEFAULT 0,
    outcome           text NOT NULL CHECK (outcome IN ('ringing', 'in_progress', 'answered', 'missed', 'abandoned')),
    recording_url     text NOT NULL DEFAULT '',
    customer_id       uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agent_user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE UNIQUE INDEX calls_tenant_pbx_call ON calls (tenant_id, pbx_call_id);
CREATE INDEX calls_tenant_offered ON calls (tenant_id, offered_at DESC, id DESC);
CREATE INDEX calls_tenant_agent ON calls (tenant_id, agent_user_id, offered_at DESC, id DESC);
CREATE INDEX calls_tenant_customer ON calls (tenant_id, customer_id, offered_at DESC, id DESC);
ALTER TABLE calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE calls FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON calls USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON calls TO aftersales_app;

CREATE TABLE call_links (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    call_id    uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('work_order', 'complaint', 'callback')),
    ref        uuid NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, call_id, kind, ref),
    FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX call_links_tenant_ref ON call_links (tenant_id, kind, ref);
ALTER TABLE call_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON call_links USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON call_links TO aftersales_app;

-- +goose Down
DROP TABLE call_links;
DROP TABLE calls;
