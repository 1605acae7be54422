-- A new version of a published article (core/kb Pending): readers keep
-- seeing the published version, which stays in the article's columns and
-- search terms, while the new version is a draft or in review; approving
-- it moves it into the columns. Every version is in kb_versions as well.

-- +goose Up
ALTER TABLE kb_articles ADD COLUMN pending jsonb;

-- +goose Down
ALTER TABLE kb_articles DROP COLUMN pending;
