-- Dispatch decisions were stored in the engine's Go field names
-- (PascalCase: Chosen, Ranking, SiteID, Reasons…), listed sites and
-- technicians by ID only, and after a dispatcher's override kept only an
-- override note in Summary. They are rewritten to the API's shape
-- (core.DispatchDecision): snake_case keys, sites and technicians named
-- (as they are called at upgrade: the old rows kept no names), the
-- engine's suggestion, and the outcome. An old override is recognised by
-- its Summary ("dispatcher override to site <id>: <reason> (engine
-- suggested …)"), its author and time taken from the order's timeline;
-- the outcome's technician is the order's current one.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION pg_temp.json_array(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]'::jsonb END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION pg_temp.decision_v2(tid uuid, wid uuid, site uuid, tech uuid, updated timestamptz, d jsonb)
    RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    chosen     uuid := NULLIF(d->>'Chosen', '')::uuid;
    tech_site  uuid := NULLIF(NULLIF(d#>>'{Technician,SiteID}', ''), '00000000-0000-0000-0000-000000000000')::uuid;
    tech_pick  uuid := NULLIF(d#>>'{Technician,Chosen}', '')::uuid;
    summary    text := COALESCE(d->>'Summary', '');
    ev_actor   text;
    ev_at      timestamptz;
    m          text[];
    osite      uuid;
    outcome    jsonb;
BEGIN
    SELECT e.actor, e.at INTO ev_actor, ev_at FROM work_order_events e
    WHERE e.tenant_id = tid AND e.work_order_id = wid AND e.type IN ('dispatched', 'queued')
    ORDER BY e.seq DESC LIMIT 1;
    m := regexp_match(summary, '^dispatcher override to site ([0-9a-f-]{36}): (.*) \(engine suggested [^()]*\)$', 's');
    IF m IS NOT NULL THEN
        osite := m[1]::uuid;
        outcome := jsonb_build_object('kind', 'override', 'reason', m[2], 'by', jsonb_strip_nulls(jsonb_build_object(
            'actor', ev_actor,
            'user_id', CASE WHEN ev_actor LIKE 'user:%' THEN substr(ev_actor, 6)::uuid END,
            'name', COALESCE(
                (SELECT COALESCE(NULLIF(u.display_name, ''), u.username) FROM users u
                 WHERE u.tenant_id = tid AND 'user:' || u.id::text = ev_actor),
                (SELECT k.name FROM api_keys k WHERE k.tenant_id = tid AND 'key:' || k.id::text = ev_actor),
                ''))));
    ELSIF chosen IS NULL THEN
        outcome := jsonb_build_object('kind', 'queued',
            'reason', COALESCE(NULLIF(d->>'NoCandidateReason', ''), 'no suitable site'));
    ELSE
        osite := chosen;
        outcome := jsonb_build_object('kind', 'engine');
    END IF;
    outcome := outcome || jsonb_build_object('site_id', osite,
        'site_name', COALESCE((SELECT s.name FROM sites s WHERE s.tenant_id = tid AND s.id = osite), ''),
        'technician_id', CASE WHEN osite = site THEN tech END,
        'technician_name', COALESCE((SELECT t.name FROM technicians t
                                     WHERE t.tenant_id = tid AND t.id = tech AND osite = site), ''),
        'at', COALESCE(ev_at, updated));
    RETURN jsonb_build_object(
        'engine', COALESCE(d->>'Engine', ''),
        'fallback', COALESCE(d->>'Fallback', ''),
        'decided_at', COALESCE(ev_at, updated),
        'summary', summary,
        'suggestion', jsonb_build_object(
            'site_id', chosen,
            'site_name', COALESCE((SELECT s.name FROM sites s WHERE s.tenant_id = tid AND s.id = chosen), ''),
            'technician_id', tech_pick,
            'technician_name', COALESCE((SELECT t.name FROM technicians t WHERE t.tenant_id = tid AND t.id = tech_pick), ''),
            'no_site_reason', COALESCE(d->>'NoCandidateReason', ''),
            'no_technician_reason', COALESCE(d#>>'{Technician,NoTechnicianReason}', '')),
        'ranking', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                'site_id', c->'SiteID', 'site_name', COALESCE(s.name, ''), 'kind', c->'Kind',
                'eligible', c->'Eligible', 'distance_km', c->'DistanceKm', 'score', c->'Score',
                'components', jsonb_build_object('distance', c#>'{Components,Distance}', 'load', c#>'{Components,Load}',
                    'reputation', c#>'{Components,Reputation}', 'sla_risk', c#>'{Components,SLARisk}'),
                'reasons', pg_temp.json_array(c->'Reasons')) ORDER BY i)
            FROM jsonb_array_elements(pg_temp.json_array(d->'Ranking')) WITH ORDINALITY r(c, i)
            LEFT JOIN sites s ON s.tenant_id = tid AND s.id = (c->>'SiteID')::uuid), '[]'::jsonb),
        'technicians', jsonb_build_object(
            'site_id', tech_site,
            'site_name', COALESCE((SELECT s.name FROM sites s WHERE s.tenant_id = tid AND s.id = tech_site), ''),
            'fallback', COALESCE(d#>>'{Technician,Fallback}', ''),
            'ranking', COALESCE((
                SELECT jsonb_agg(jsonb_build_object(
                    'technician_id', c->'TechnicianID', 'technician_name', COALESCE(t.name, ''),
                    'eligible', c->'Eligible', 'status', c->'Status', 'distance_km', c->'DistanceKm',
                    'location_from', c->'LocationFrom', 'score', c->'Score',
                    'components', jsonb_build_object('skills', c#>'{Components,Skills}',
                        'distance', c#>'{Components,Distance}', 'workload', c#>'{Components,Workload}'),
                    'reasons', pg_temp.json_array(c->'Reasons')) ORDER BY i)
                FROM jsonb_array_elements(pg_temp.json_array(d#>'{Technician,Ranking}')) WITH ORDINALITY r(c, i)
                LEFT JOIN technicians t ON t.tenant_id = tid AND t.id = (c->>'TechnicianID')::uuid), '[]'::jsonb)),
        'outcome', outcome);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        UPDATE work_orders w
        SET decision = pg_temp.decision_v2(w.tenant_id, w.id, w.site_id, w.technician_id, w.updated_at, w.decision)
        WHERE w.decision ? 'Summary';
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd
DROP FUNCTION pg_temp.decision_v2(uuid, uuid, uuid, uuid, timestamptz, jsonb);
DROP FUNCTION pg_temp.json_array(jsonb);

-- +goose Down
-- Back to the engine's field names; names and the outcome are dropped, an
-- override goes back into Summary as it was written.
-- +goose StatementBegin
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('app.tenant_id', t::text, true);
        UPDATE work_orders w SET decision = jsonb_build_object(
            'Chosen', d->'suggestion'->'site_id',
            'Ranking', COALESCE((
                SELECT jsonb_agg(jsonb_build_object('SiteID', c->'site_id', 'Kind', c->'kind', 'Eligible', c->'eligible',
                    'DistanceKm', c->'distance_km', 'Score', c->'score',
                    'Components', jsonb_build_object('Distance', c#>'{components,distance}', 'Load', c#>'{components,load}',
                        'Reputation', c#>'{components,reputation}', 'SLARisk', c#>'{components,sla_risk}'),
                    'Reasons', c->'reasons') ORDER BY i)
                FROM jsonb_array_elements(d->'ranking') WITH ORDINALITY r(c, i)), '[]'::jsonb),
            'NoCandidateReason', COALESCE(d#>>'{suggestion,no_site_reason}', ''),
            'Summary', CASE WHEN d#>>'{outcome,kind}' = 'override'
                THEN format('dispatcher override to site %s: %s (engine suggested %s)', d#>>'{outcome,site_id}',
                    d#>>'{outcome,reason}', COALESCE(d#>>'{suggestion,site_id}', '<nil>'))
                ELSE d->>'summary' END,
            'Technician', jsonb_build_object(
                'SiteID', COALESCE(d#>>'{technicians,site_id}', '00000000-0000-0000-0000-000000000000'),
                'Chosen', d#>'{suggestion,technician_id}',
                'Ranking', COALESCE((
                    SELECT jsonb_agg(jsonb_build_object('TechnicianID', c->'technician_id', 'Eligible', c->'eligible',
                        'Status', c->'status', 'DistanceKm', c->'distance_km', 'LocationFrom', c->'location_from',
                        'Score', c->'score',
                        'Components', jsonb_build_object('Skills', c#>'{components,skills}',
                            'Distance', c#>'{components,distance}', 'Workload', c#>'{components,workload}'),
                        'Reasons', c->'reasons') ORDER BY i)
                    FROM jsonb_array_elements(d#>'{technicians,ranking}') WITH ORDINALITY r(c, i)), '[]'::jsonb),
                'NoTechnicianReason', COALESCE(d#>>'{suggestion,no_technician_reason}', ''),
                'Fallback', COALESCE(d#>>'{technicians,fallback}', '')),
            'Engine', d->'engine',
            'Fallback', COALESCE(d->>'fallback', ''))
        FROM (SELECT id, decision AS d FROM work_orders) o
        WHERE o.id = w.id AND w.decision ? 'outcome';
    END LOOP;
    PERFORM set_config('app.tenant_id', '', true);
END
$$;
-- +goose StatementEnd
