-- Customer addresses carry the divisions (GB/T 2260 codes, core/district)
-- their text was parsed to, the parse's confidence and whether their point
-- is only the district's representative point (approximate). Work orders
-- taken from such an address keep its division and that flag, so dispatch
-- uses them instead of parsing the text again.

-- +goose Up
ALTER TABLE customer_addresses
    ADD COLUMN province_code        text CHECK (province_code ~ '^[0-9]{6}$'),
    ADD COLUMN city_code            text CHECK (city_code ~ '^[0-9]{6}$'),
    ADD COLUMN district_code        text CHECK (district_code ~ '^[0-9]{6}$'),
    ADD COLUMN parse_confidence     double precision NOT NULL DEFAULT 0 CHECK (parse_confidence BETWEEN 0 AND 1),
    ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;
ALTER TABLE work_orders
    ADD COLUMN division_code        text CHECK (division_code ~ '^[0-9]{6}$'),
    ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE work_orders DROP COLUMN division_code, DROP COLUMN location_approximate;
ALTER TABLE customer_addresses DROP COLUMN province_code, DROP COLUMN city_code, DROP COLUMN district_code,
    DROP COLUMN parse_confidence, DROP COLUMN location_approximate;
