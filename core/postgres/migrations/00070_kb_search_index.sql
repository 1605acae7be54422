-- Knowledge-base search that PostgreSQL can answer from its indexes
-- (core/postgres/kb_search.go explains the technique and its figures).
--
-- kb_articles has row-level security, and a query's own conditions may
-- use an index only when their operator is LEAKPROOF or no policy
-- applies: tsvector @@ tsquery is not leakproof, so for the application
-- role every search read the tenant's every row and matched it in turn
-- (500-700 ms at 100,000 articles). Searches therefore find their
-- candidates through kb_search_articles, a view owned by the migration
-- owner (whose policy below lets it read the table) that keeps the
-- current tenant's rows itself (tenant_id = app_current_tenant(), as the
-- policy does); the matched rows are then read back through kb_articles
-- and its policy. The view has no security barrier, so the search
-- conditions reach the GIN indexes.
--
-- search_title is the title and tag part of the search vector (weights A
-- and B), kept by PostgreSQL: a small vector, stored in the row, that
-- candidates are first matched and then ranked on.

-- +goose Up
ALTER TABLE kb_articles ADD COLUMN search_title tsvector GENERATED ALWAYS AS (ts_filter(search, '{a,b}')) STORED;
CREATE INDEX kb_articles_search_title ON kb_articles USING gin (tenant_id, search_title);
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE format('CREATE POLICY kb_search ON kb_articles FOR SELECT TO %I USING (true)', current_user);
END
$$;
-- +goose StatementEnd
CREATE VIEW kb_search_articles AS
    SELECT tenant_id, id, category_id, status, audience, product_lines, models, fault_codes, regions, review_by,
           updated_at, search, search_title
    FROM kb_articles
    WHERE tenant_id = app_current_tenant();
GRANT SELECT ON kb_search_articles TO aftersales_app;

-- +goose Down
DROP VIEW kb_search_articles;
DROP POLICY kb_search ON kb_articles;
DROP INDEX kb_articles_search_title;
ALTER TABLE kb_articles DROP COLUMN search_title;
