-- Knowledge-base search: the title and tag vector kept in the row
-- (core/postgres/kb_search.go explains the technique and its figures).
--
-- A search ranks its candidates by ts_rank over search_title
-- (kb_search_ranked, migration 00103). An article's row with both
-- vectors is larger than the 2 kB a row may take before PostgreSQL moves
-- its largest values out of line: the whole vector search (2.5 kB on the
-- generated articles) and then, for most rows, search_title (1.3 kB) went
-- to the TOAST table, and ranking 200 candidates read ~500 TOAST pages
-- besides their ~250 heap pages (EXPLAIN (ANALYZE, BUFFERS) of the
-- ranked candidates of "xyj 噪音" on 100,000 articles: 780 buffers, 273
-- without the rank). With storage MAIN search_title stays in the row
-- (compressed if need be; out of line only if the row cannot fit a page
-- otherwise) and the rank reads nothing more than the candidates' rows.
-- Rows written before this migration keep their out-of-line value until
-- they are next written.
--
-- +goose Up
ALTER TABLE kb_articles ALTER COLUMN search_title SET STORAGE MAIN;

-- +goose Down
ALTER TABLE kb_articles ALTER COLUMN search_title SET STORAGE EXTENDED;
