-- Knowledge-base search ranked where the candidates are read
-- (core/postgres/kb_search.go explains the technique and its figures).
--
-- kb_search_candidates (migration 00074) returned up to 200 title
-- matches (and as many body matches), and the search read those 200
-- articles back through kb_articles' policy to rank them and keep a page
-- of them: every broad search read the same 200-250 heap pages twice and
-- sorted 200 whole articles. kb_search_ranked ranks the candidates as it
-- finds them (the rank needs search_title, published_at and updated_at,
-- all in the row it reads anyway) and returns only the page asked for,
-- best first, so the search reads back a page of articles by key. It
-- keeps 00074's guarantees: SECURITY DEFINER, values only, the current
-- tenant's rows only, its SQL planned per call, bitmap scans only.
--
-- The rank is 00074's search's: ts_rank over search_title (title 1, tags
-- 0.5) of the rank query, times a recency factor that halves the boost of
-- a change a quarter old. Body-only matches are looked for only when the
-- title and tag matches do not fill the page, and ranked with them.
--
-- +goose Up
DROP FUNCTION kb_search_candidates;

-- +goose StatementBegin
CREATE FUNCTION kb_search_ranked(q tsquery, rank_q tsquery, at timestamptz, lim integer, need integer,
                                 statuses text[], audiences text[], regions uuid[], categories uuid[],
                                 product_line text, model text, fault_codes text[], review_before timestamptz,
                                 pending_only boolean DEFAULT false)
    RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public, pg_temp
    SET enable_seqscan = off
    SET enable_indexscan = off
    SET enable_indexonlyscan = off
    AS $$
DECLARE
    cond text := 'tenant_id = app_current_tenant()';
    rank text := 'ts_rank(''{0.1, 0.2, 0.5, 1.0}'', search_title, $12) * (1 + 1 / (1 + extract(epoch FROM $13 - '
                 'coalesce(published_at, updated_at)) / 7776000))';
    ids uuid[];
    ranks float8[];
    more_ids uuid[];
    more_ranks float8[];
BEGIN
    IF app_current_tenant() IS NULL OR q IS NULL OR lim IS NULL OR lim < 1 OR need IS NULL OR need < 1 THEN
        RETURN '{}';
    END IF;
    lim := least(lim, 1000);
    need := least(need, lim);
    rank_q := coalesce(rank_q, q);
    at := coalesce(at, now());
    -- Only the filters given, so each call is planned for what it asks.
    IF statuses IS NOT NULL THEN cond := cond || ' AND status = ANY($2)'; END IF;
    IF audiences IS NOT NULL THEN cond := cond || ' AND audience = ANY($3)'; END IF;
    IF regions IS NOT NULL THEN cond := cond || ' AND (cardinality(regions) = 0 OR regions && $4)'; END IF;
    IF categories IS NOT NULL THEN cond := cond || ' AND category_id = ANY($5)'; END IF;
    IF product_line IS NOT NULL THEN cond := cond || ' AND product_lines @> ARRAY[$6]'; END IF;
    IF model IS NOT NULL THEN cond := cond || ' AND models @> ARRAY[$7]'; END IF;
    IF fault_codes IS NOT NULL THEN cond := cond || ' AND fault_codes && $8'; END IF;
    IF review_before IS NOT NULL THEN cond := cond || ' AND review_by < $9'; END IF;
    IF pending_only THEN cond := cond || ' AND pending IS NOT NULL'; END IF;
    EXECUTE 'SELECT coalesce(array_agg(id ORDER BY r DESC, id), ''{}''), coalesce(array_agg(r ORDER BY r DESC, id), ''{}'')
             FROM (SELECT id, ' || rank || ' AS r FROM kb_articles WHERE ' || cond || ' AND search_title @@ $1 LIMIT $10) m'
        INTO ids, ranks
        USING q, statuses, audiences, regions, categories, product_line, model, fault_codes, review_before, lim, NULL::uuid[],
            rank_q, at;
    IF cardinality(ids) < need THEN
        EXECUTE 'SELECT coalesce(array_agg(id), ''{}''), coalesce(array_agg(r), ''{}'')
                 FROM (SELECT id, ' || rank || ' AS r FROM kb_articles WHERE ' || cond ||
                ' AND search @@ $1 AND id <> ALL($11) LIMIT $10) m'
            INTO more_ids, more_ranks
            USING q, statuses, audiences, regions, categories, product_line, model, fault_codes, review_before,
                lim - cardinality(ids), ids, rank_q, at;
        SELECT coalesce(array_agg(i ORDER BY r DESC, i), '{}') INTO ids
        FROM unnest(ids || more_ids, ranks || more_ranks) AS x(i, r);
    END IF;
    RETURN ids[1:need];
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION kb_search_ranked FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kb_search_ranked TO aftersales_app;

-- +goose Down
DROP FUNCTION kb_search_ranked;
-- +goose StatementBegin
CREATE FUNCTION kb_search_candidates(q tsquery, lim integer, statuses text[], audiences text[], regions uuid[],
                                     categories uuid[], product_line text, model text, fault_codes text[],
                                     review_before timestamptz, pending_only boolean DEFAULT false,
                                     need integer DEFAULT NULL)
    RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public, pg_temp
    SET enable_seqscan = off
    SET enable_indexscan = off
    SET enable_indexonlyscan = off
    AS $$
DECLARE
    cond text := 'tenant_id = app_current_tenant()';
    out uuid[];
    more uuid[];
BEGIN
    IF app_current_tenant() IS NULL OR q IS NULL OR lim IS NULL OR lim < 1 THEN
        RETURN '{}';
    END IF;
    lim := least(lim, 1000);
    IF statuses IS NOT NULL THEN cond := cond || ' AND status = ANY($2)'; END IF;
    IF audiences IS NOT NULL THEN cond := cond || ' AND audience = ANY($3)'; END IF;
    IF regions IS NOT NULL THEN cond := cond || ' AND (cardinality(regions) = 0 OR regions && $4)'; END IF;
    IF categories IS NOT NULL THEN cond := cond || ' AND category_id = ANY($5)'; END IF;
    IF product_line IS NOT NULL THEN cond := cond || ' AND product_lines @> ARRAY[$6]'; END IF;
    IF model IS NOT NULL THEN cond := cond || ' AND models @> ARRAY[$7]'; END IF;
    IF fault_codes IS NOT NULL THEN cond := cond || ' AND fault_codes && $8'; END IF;
    IF review_before IS NOT NULL THEN cond := cond || ' AND review_by < $9'; END IF;
    IF pending_only THEN cond := cond || ' AND pending IS NOT NULL'; END IF;
    EXECUTE 'SELECT coalesce(array_agg(id), ''{}'') FROM (SELECT id FROM kb_articles WHERE ' || cond ||
            ' AND search_title @@ $1 LIMIT $10) m'
        INTO out USING q, statuses, audiences, regions, categories, product_line, model, fault_codes, review_before, lim;
    IF cardinality(out) < least(coalesce(need, lim), lim) THEN
        EXECUTE 'SELECT coalesce(array_agg(id), ''{}'') FROM (SELECT id FROM kb_articles WHERE ' || cond ||
                ' AND search @@ $1 AND id <> ALL($11) LIMIT $10) m'
            INTO more USING q, statuses, audiences, regions, categories, product_line, model, fault_codes, review_before,
                lim - cardinality(out), out;
        out := out || more;
    END IF;
    RETURN out;
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION kb_search_candidates FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kb_search_candidates TO aftersales_app;
