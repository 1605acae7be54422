-- A tenant's region node may be mapped to one of China's administrative
-- divisions (GB/T 2260 code, validated against core/district), and the
-- tree gains the district level. Nodes above provinces (大区, 办事处) stay
-- the tenant's own and carry no code.

-- +goose Up
ALTER TABLE regions DROP CONSTRAINT regions_level_check;
ALTER TABLE regions ADD CONSTRAINT regions_level_check CHECK (level IN ('country', 'region', 'province', 'city', 'district'));
ALTER TABLE regions ADD COLUMN division_code text CHECK (division_code ~ '^[0-9]{6}$');

-- +goose Down
ALTER TABLE regions DROP COLUMN division_code;
DELETE FROM regions WHERE level = 'district';
ALTER TABLE regions DROP CONSTRAINT regions_level_check;
ALTER TABLE regions ADD CONSTRAINT regions_level_check CHECK (level IN ('country', 'region', 'province', 'city'));
