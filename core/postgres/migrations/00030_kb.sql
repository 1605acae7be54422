-- The knowledge base (core/kb): categories, articles with every version
-- kept, reviewers' comments, the tenant's synonyms, and the vocabulary of
-- Latin terms that typos are corrected against.
--
-- Search: articles.search is a tsvector the Go side writes literally
-- (core/kb/tokens.go: Han characters and pairs, pinyin syllables and
-- pairs, initials, Latin words), so no text-search parser or dictionary
-- is involved and any PostgreSQL 15 serves it. pg_trgm (a trusted
-- extension, shipped with Debian's postgresql and every managed service)
-- indexes the vocabulary for typo correction.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- btree_gin (trusted too) lets the GIN indexes lead with tenant_id, as
-- every index here does.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE kb_categories (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id        uuid NOT NULL,
    parent_id uuid,
    name_zh   text NOT NULL,
    name_en   text NOT NULL,
    position  int NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES kb_categories (tenant_id, id)
);

CREATE TABLE kb_articles (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    category_id    uuid,
    status         text NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
    audience       text NOT NULL CHECK (audience IN ('internal', 'sites', 'technicians', 'public')),
    title          text NOT NULL,
    body           text NOT NULL,
    html           text NOT NULL,
    tags           text[] NOT NULL DEFAULT '{}',
    product_lines  text[] NOT NULL DEFAULT '{}',
    models         text[] NOT NULL DEFAULT '{}',
    fault_codes    text[] NOT NULL DEFAULT '{}',
    regions        uuid[] NOT NULL DEFAULT '{}',
    version        int NOT NULL,
    edited_by      uuid NOT NULL,
    edited_by_name text NOT NULL,
    review_by      timestamptz,
    published_at   timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    views          int NOT NULL DEFAULT 0,
    helpful        int NOT NULL DEFAULT 0,
    not_helpful    int NOT NULL DEFAULT 0,
    search         tsvector NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES kb_categories (tenant_id, id)
);
CREATE INDEX kb_articles_search ON kb_articles USING gin (tenant_id, search);
CREATE INDEX kb_articles_updated ON kb_articles (tenant_id, updated_at DESC, id DESC);
CREATE INDEX kb_articles_links ON kb_articles USING gin (tenant_id, models, fault_codes);

CREATE TABLE kb_versions (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    article_id     uuid NOT NULL,
    version        int NOT NULL,
    title          text NOT NULL,
    body           text NOT NULL,
    fields         jsonb NOT NULL, -- every editable field, for a restore
    edited_by      uuid NOT NULL,
    edited_by_name text NOT NULL,
    note           text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, article_id, version),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id)
);

CREATE TABLE kb_comments (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    article_id  uuid NOT NULL,
    version     int NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('comment', 'approve', 'send_back', 'submit')),
    body        text NOT NULL,
    author_id   uuid NOT NULL,
    author_name text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, article_id) REFERENCES kb_articles (tenant_id, id)
);
CREATE INDEX kb_comments_article ON kb_comments (tenant_id, article_id, created_at);

CREATE TABLE kb_synonyms (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id        uuid NOT NULL,
    words     text[] NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE kb_terms (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    term      text NOT NULL,
    PRIMARY KEY (tenant_id, term)
);
CREATE INDEX kb_terms_trgm ON kb_terms USING gin (tenant_id, term gin_trgm_ops);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['kb_categories', 'kb_articles', 'kb_versions', 'kb_comments', 'kb_synonyms', 'kb_terms'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
GRANT SELECT, INSERT, UPDATE, DELETE ON kb_categories, kb_articles, kb_versions, kb_comments, kb_synonyms, kb_terms
    TO aftersales_app;

-- +goose Down
DROP TABLE kb_terms, kb_synonyms, kb_comments, kb_versions, kb_articles, kb_categories;
