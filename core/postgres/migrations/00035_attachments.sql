-- Attachments: files (photos, signatures, PDFs) that belong to something
-- of a tenant — a work order, a knowledge-base article — through the one
-- blob-storage seam (core/blob). The content is in the object store under
-- tenants/<tenant_id>/<id>; this row says what owns it and what it is.
-- The owner is polymorphic (owner_kind + owner_id), so there is no
-- foreign key to it: deleting an owner deletes its attachments through
-- the use cases.

-- +goose Up
CREATE TABLE attachments (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    owner_kind   text NOT NULL CHECK (owner_kind ~ '^[a-z][a-z0-9_]{0,31}$'),
    owner_id     uuid NOT NULL,
    label        text NOT NULL DEFAULT '' CHECK (label = '' OR label ~ '^[a-z][a-z0-9_]{0,31}$'),
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX attachments_owner ON attachments (tenant_id, owner_kind, owner_id, created_at);

ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON attachments USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, DELETE ON attachments TO aftersales_app;

-- +goose Down
DROP TABLE attachments;
