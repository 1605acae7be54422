-- A catalogue part names the major component (三包 主要部件) it belongs to,
-- by the code the warranty policies list it under: pricing gives it the
-- component's term.
--
-- One window for defective-part returns: the tenant setting
-- part_return_days (field requests) is also the claims' window. A tenant
-- that set the claim settings' part_return_days and left the tenant
-- setting at its default keeps its claim window, copied over; the claim
-- settings key is read and written as an alias from now on.

-- +goose Up
ALTER TABLE parts ADD COLUMN component text NOT NULL DEFAULT ''
    CHECK (component = '' OR component ~ '^[A-Za-z0-9._-]{1,32}$');

INSERT INTO tenant_settings (tenant_id, part_return_days)
SELECT c.tenant_id, (c.settings->>'part_return_days')::int
FROM claim_settings c
WHERE jsonb_typeof(c.settings->'part_return_days') = 'number'
    AND (c.settings->>'part_return_days')::int BETWEEN 1 AND 365
ON CONFLICT (tenant_id) DO UPDATE SET part_return_days = EXCLUDED.part_return_days
WHERE tenant_settings.part_return_days = 15;

-- +goose Down
ALTER TABLE parts DROP COLUMN component;
