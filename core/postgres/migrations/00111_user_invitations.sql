-- A user onboarded without a password (a tenant's first admin, invited)
-- sets it with a one-time invitation: only the SHA-256 of its token is
-- kept, with when it expires; both are cleared when it is used. The
-- columns are on users, so the table's tenant scoping (RLS) covers them.

-- +goose Up
ALTER TABLE users ADD COLUMN invite_token_hash bytea, ADD COLUMN invite_expires_at timestamptz,
    ADD CONSTRAINT users_invite CHECK ((invite_token_hash IS NULL) = (invite_expires_at IS NULL));
CREATE UNIQUE INDEX users_invite_token ON users (tenant_id, invite_token_hash) WHERE invite_token_hash IS NOT NULL;

-- +goose Down
DROP INDEX users_invite_token;
ALTER TABLE users DROP CONSTRAINT users_invite, DROP COLUMN invite_expires_at, DROP COLUMN invite_token_hash;
