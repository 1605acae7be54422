-- Knowledge-base imports (core/kb Import): the key an article was
-- imported under (a Markdown file's `key` or name, a CSV row's `key`), so
-- that importing the same file again updates the article instead of
-- writing a second one.

-- +goose Up
ALTER TABLE kb_articles ADD COLUMN external_key text
    CHECK (external_key IS NULL OR length(external_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX kb_articles_external_key ON kb_articles (tenant_id, external_key) WHERE external_key IS NOT NULL;

-- +goose Down
DROP INDEX kb_articles_external_key;
ALTER TABLE kb_articles DROP COLUMN external_key;
