-- Knowledge-base search candidates through a function instead of a view
-- (core/postgres/kb_search.go explains the technique and its figures).
--
-- Migration 00070 gave searches the view kb_search_articles, owned by the
-- migration owner, so that their tsvector match could reach the GIN
-- indexes (under kb_articles' row policy it cannot: @@ is not
-- LEAKPROOF). That view had no security barrier, so any condition a
-- caller put on it could be evaluated on every tenant's rows before the
-- view's own tenant condition: a function of the caller's own (the
-- application role may create them in pg_temp) that raises a notice, or
-- any error naming a value, showed other tenants' article vectors. It
-- also left every plan to the planner's estimate of a tsquery's matches,
-- which with statistics chose a scan of the tenant's rows for a LIMIT
-- and took 1-2 s.
--
-- kb_search_candidates replaces it: a SECURITY DEFINER function that
-- takes only values (the query and the filter's values), keeps the
-- current tenant's rows itself and returns at most lim article IDs. The
-- caller cannot put an expression of its own next to the owner's view of
-- the table. Its plan is fixed: the matches come from the GIN indexes
-- (bitmap scans only; no sequential scan, no walk of a btree in search
-- of a LIMIT's rows), first from the title and tag vector search_title,
-- then, when those are fewer than lim, from the whole vector.

-- The GIN indexes' pending lists: rows written since the last vacuum
-- wait there, unsorted, and every search reads the whole list (up to
-- 4 MB by default: 300 and 500 pages after a bulk import, 10 ms for a
-- query that matches nothing). At the smallest size (64 kB) writes still
-- go through it in batches and a search reads at most 8 pages of it.
--
-- +goose Up
DROP VIEW kb_search_articles;
ALTER INDEX kb_articles_search SET (gin_pending_list_limit = 64);
ALTER INDEX kb_articles_search_title SET (gin_pending_list_limit = 64);
SELECT gin_clean_pending_list('kb_articles_search'), gin_clean_pending_list('kb_articles_search_title');

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
    EXECUTE 'SELECT coalesce(array_agg(id), ''{}'') FROM (SELECT id FROM kb_articles WHERE ' || cond ||
            ' AND search_title @@ $1 LIMIT $10) m'
        INTO out USING q, statuses, audiences, regions, categories, product_line, model, fault_codes, review_before, lim;
    -- The body is searched only when the title and tags match fewer than
    -- need (the page asked for; ranking is on search_title, so matches in
    -- the body alone rank after every title match and cannot change a
    -- page the title matches fill).
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

-- The tenant's vocabulary terms among terms (core/kb typo correction
-- asks for hundreds at once). Without bitmap scans: the planner took the
-- trigram index for each term's equality, 5 ms apiece (2 s for 400
-- edits of a word); this is a hash join or the primary key instead.
CREATE FUNCTION kb_known_terms(terms text[]) RETURNS SETOF text
    LANGUAGE sql STABLE
    SET enable_bitmapscan = off
    AS $$ SELECT k.term FROM kb_terms k WHERE k.tenant_id = app_current_tenant() AND k.term = ANY (terms) $$;
GRANT EXECUTE ON FUNCTION kb_known_terms TO aftersales_app;

-- +goose Down
DROP FUNCTION kb_known_terms;
DROP FUNCTION kb_search_candidates;
ALTER INDEX kb_articles_search RESET (gin_pending_list_limit);
ALTER INDEX kb_articles_search_title RESET (gin_pending_list_limit);
CREATE VIEW kb_search_articles AS
    SELECT tenant_id, id, category_id, status, audience, product_lines, models, fault_codes, regions, review_by,
           updated_at, search, search_title
    FROM kb_articles
    WHERE tenant_id = app_current_tenant();
GRANT SELECT ON kb_search_articles TO aftersales_app;
