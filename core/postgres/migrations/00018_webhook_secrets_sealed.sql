-- Webhook signing secrets are encrypted at rest, as plugin binding
-- secrets are: AES-256-GCM with the platform key (PLUGIN_SECRET_KEY),
-- which only the application holds, so the migration cannot encrypt the
-- existing secrets itself. It adds the sealed columns; the application
-- seals every plaintext secret at start (postgres.SealWebhookSecrets,
-- idempotent) and empties the plaintext columns. Until then, and for rows
-- an older replica writes during a rolling upgrade, readers fall back to
-- the plaintext columns.

-- +goose Up
ALTER TABLE webhook_endpoints
    ADD COLUMN secret_sealed bytea,
    ADD COLUMN previous_secret_sealed bytea,
    ALTER COLUMN secret SET DEFAULT '';

-- +goose Down
-- The sealed secrets cannot be decrypted here: endpoints sealed since the
-- upgrade keep no usable secret (rotate them after a downgrade).
ALTER TABLE webhook_endpoints
    ALTER COLUMN secret DROP DEFAULT,
    DROP COLUMN previous_secret_sealed,
    DROP COLUMN secret_sealed;
