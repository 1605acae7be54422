-- Timers: SLA breach flags, acceptance timeouts and urges (催办), and the
-- once-per-period claim that lets every replica schedule periodic tasks
-- while only one runs each period.
--
-- The timer scans every tenant's orders. Like the outbox relay it does so
-- through a SECURITY DEFINER function owned by the migration owner, with a
-- read-only policy for that owner alone; the application role keeps the
-- tenant policy and handles each order in its tenant's transaction.

-- +goose Up
-- A platform table: one row per periodic task and period, inserted by the
-- replica that runs it. done_at is set on success; a claim whose run failed
-- is deleted (or, after a crash, taken over once its lease is stale).
CREATE TABLE periodic_runs (
    task         text NOT NULL,
    period_start timestamptz NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    runner       text NOT NULL DEFAULT '',
    done_at      timestamptz,
    PRIMARY KEY (task, period_start)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON periodic_runs TO aftersales_app;

ALTER TABLE tenant_settings
    ADD COLUMN acceptance_minutes int NOT NULL DEFAULT 30 CHECK (acceptance_minutes BETWEEN 1 AND 10080),
    ADD COLUMN urge_interval_minutes int NOT NULL DEFAULT 10 CHECK (urge_interval_minutes BETWEEN 1 AND 1440);

-- sla_flags: deadlines (response, arrival) whose breach the timer recorded;
-- auto_urged: deadlines the timer urged the site about; urge_count counts
-- every urge, last_urged_at is the last manual one (for the rate limit).
ALTER TABLE work_orders
    ADD COLUMN sla_flags     text[] NOT NULL DEFAULT '{}',
    ADD COLUMN auto_urged    text[] NOT NULL DEFAULT '{}',
    ADD COLUMN urge_count    int NOT NULL DEFAULT 0,
    ADD COLUMN last_urged_at timestamptz;

-- timer_urge_point is when 80 % of the window from created to due has
-- passed (absolute time, as epochs: immutable, so it can key an index).
-- +goose StatementBegin
CREATE FUNCTION timer_urge_point(created timestamptz, due timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_timestamp((extract(epoch FROM created) * 0.2 + extract(epoch FROM due) * 0.8)::float8)
$$;
-- +goose StatementEnd

-- The orders a deadline watch still has to look at: open, not met in time,
-- not flagged yet; orders leave once met or flagged. Keyed by the urge
-- point, which comes before the deadline: a run reads only the orders past
-- their urge point (the last fifth of their window, or overdue), not every
-- open order.
CREATE INDEX work_orders_response_watch ON work_orders (tenant_id, timer_urge_point(created_at, respond_by))
    WHERE respond_by IS NOT NULL AND state NOT IN ('cancelled', 'closed') AND (responded_at IS NULL OR responded_at > respond_by)
      AND NOT (sla_flags @> '{response}');
CREATE INDEX work_orders_arrival_watch ON work_orders (tenant_id, timer_urge_point(created_at, arrive_by))
    WHERE arrive_by IS NOT NULL AND state NOT IN ('cancelled', 'closed') AND (arrived_at IS NULL OR arrived_at > arrive_by)
      AND NOT (sla_flags @> '{arrival}');
CREATE INDEX work_orders_awaiting_acceptance ON work_orders (tenant_id, id) WHERE state = 'dispatched';

-- A missed deadline recorded against the site responsible at the time.
CREATE TABLE site_sla_misses (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    site_id       uuid NOT NULL,
    work_order_id uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('response', 'arrival')),
    due_at        timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, work_order_id, kind),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    FOREIGN KEY (tenant_id, work_order_id) REFERENCES work_orders (tenant_id, id)
);
CREATE INDEX site_sla_misses_site ON site_sla_misses (tenant_id, site_id, id DESC);

-- +goose StatementBegin
DO $$
BEGIN
    ALTER TABLE site_sla_misses ENABLE ROW LEVEL SECURITY;
    ALTER TABLE site_sla_misses FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON site_sla_misses USING (tenant_id = app_current_tenant())
        WITH CHECK (tenant_id = app_current_tenant());
    -- Read-only, for the owner, which only timers_due below runs as.
    EXECUTE format('CREATE POLICY timers ON work_orders FOR SELECT TO %I USING (true)', current_user);
    EXECUTE format('CREATE POLICY timers ON work_order_events FOR SELECT TO %I USING (true)', current_user);
    EXECUTE format('CREATE POLICY timers ON tenant_settings FOR SELECT TO %I USING (true)', current_user);
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON site_sla_misses TO aftersales_app;

-- timers_due lists up to lim orders per kind whose timer may be due at
-- as_of, across tenants. It is a pre-filter: the caller re-checks each order
-- under its row lock in the tenant's transaction (acceptance in business
-- minutes, which never end before the same number of wall minutes).
--   response, arrival: the deadline passed unmet and is not flagged yet
--     (the urge-point bound is implied, since the urge point comes first,
--     and lets the watch index narrow the scan);
--   urge_response, urge_arrival: 80 % of the wall-clock window from intake
--     (timer_urge_point)
--     to the (business-time) deadline has passed, the deadline has not, a
--     site is responsible and it was not urged about it yet;
--   acceptance: dispatched, and so since it last became dispatched (by a
--     dispatch, or a technician's decline) for acceptance_minutes.
-- +goose StatementBegin
CREATE FUNCTION timers_due(as_of timestamptz, lim int)
    RETURNS TABLE (tenant_id uuid, work_order_id uuid, kind text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    (SELECT w.tenant_id, w.id, 'response' FROM work_orders w
     WHERE w.respond_by IS NOT NULL AND w.state NOT IN ('cancelled', 'closed') AND (w.responded_at IS NULL OR w.responded_at > w.respond_by)
       AND NOT (w.sla_flags @> '{response}') AND timer_urge_point(w.created_at, w.respond_by) <= as_of AND w.respond_by < as_of
     ORDER BY w.respond_by LIMIT lim)
    UNION ALL
    (SELECT w.tenant_id, w.id, 'arrival' FROM work_orders w
     WHERE w.arrive_by IS NOT NULL AND w.state NOT IN ('cancelled', 'closed') AND (w.arrived_at IS NULL OR w.arrived_at > w.arrive_by)
       AND NOT (w.sla_flags @> '{arrival}') AND timer_urge_point(w.created_at, w.arrive_by) <= as_of AND w.arrive_by < as_of
     ORDER BY w.arrive_by LIMIT lim)
    UNION ALL
    (SELECT w.tenant_id, w.id, 'urge_response' FROM work_orders w
     WHERE w.respond_by IS NOT NULL AND w.state NOT IN ('cancelled', 'closed') AND (w.responded_at IS NULL OR w.responded_at > w.respond_by)
       AND NOT (w.sla_flags @> '{response}') AND w.responded_at IS NULL AND w.respond_by >= as_of
       AND w.site_id IS NOT NULL AND NOT (w.auto_urged @> '{response}')
       AND timer_urge_point(w.created_at, w.respond_by) <= as_of
     LIMIT lim)
    UNION ALL
    (SELECT w.tenant_id, w.id, 'urge_arrival' FROM work_orders w
     WHERE w.arrive_by IS NOT NULL AND w.state NOT IN ('cancelled', 'closed') AND (w.arrived_at IS NULL OR w.arrived_at > w.arrive_by)
       AND NOT (w.sla_flags @> '{arrival}') AND w.arrived_at IS NULL AND w.arrive_by >= as_of
       AND w.site_id IS NOT NULL AND NOT (w.auto_urged @> '{arrival}')
       AND timer_urge_point(w.created_at, w.arrive_by) <= as_of
     LIMIT lim)
    UNION ALL
    (SELECT w.tenant_id, w.id, 'acceptance' FROM work_orders w
     LEFT JOIN tenant_settings ts ON ts.tenant_id = w.tenant_id
     CROSS JOIN LATERAL (SELECT e.at FROM work_order_events e
                         WHERE e.tenant_id = w.tenant_id AND e.work_order_id = w.id AND e.to_state = 'dispatched'
                         ORDER BY e.seq DESC LIMIT 1) d
     WHERE w.state = 'dispatched' AND d.at + make_interval(mins => COALESCE(ts.acceptance_minutes, 30)) <= as_of
     ORDER BY d.at LIMIT lim)
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION timers_due(timestamptz, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION timers_due(timestamptz, int) TO aftersales_app;

-- +goose Down
DROP FUNCTION timers_due(timestamptz, int);
DROP POLICY timers ON tenant_settings;
DROP POLICY timers ON work_order_events;
DROP POLICY timers ON work_orders;
DROP TABLE site_sla_misses;
DROP INDEX work_orders_awaiting_acceptance, work_orders_arrival_watch, work_orders_response_watch;
DROP FUNCTION timer_urge_point(timestamptz, timestamptz);
ALTER TABLE work_orders DROP COLUMN last_urged_at, DROP COLUMN urge_count, DROP COLUMN auto_urged, DROP COLUMN sla_flags;
ALTER TABLE tenant_settings DROP COLUMN urge_interval_minutes, DROP COLUMN acceptance_minutes;
DROP TABLE periodic_runs;
