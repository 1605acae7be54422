-- The agent-sync sweep: stale_agent_syncs lists, across tenants, those
-- whose agent groups wait to be sent (or whose last sync failed) and
-- have not been touched for a while: their sync task was lost (Redis
-- lost it, or it ran out of retries); the sweep enqueues it again.

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    -- Read-only, for the owner, which only stale_agent_syncs runs as.
    EXECUTE format('CREATE POLICY sweep ON agent_syncs FOR SELECT TO %I USING (true)', current_user);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stale_agent_syncs(idle interval, lim int)
    RETURNS TABLE (tenant_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT s.tenant_id FROM agent_syncs s
    WHERE (s.wanted > s.sent OR s.status = 'failed') AND s.updated_at <= clock_timestamp() - idle
    ORDER BY s.updated_at LIMIT lim
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION stale_agent_syncs(interval, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stale_agent_syncs(interval, int) TO aftersales_app;

-- +goose Down
DROP FUNCTION stale_agent_syncs(interval, int);
DROP POLICY sweep ON agent_syncs;
