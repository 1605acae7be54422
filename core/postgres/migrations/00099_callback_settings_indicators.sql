-- The callback settings screen: indicators keep their keys (what answers
-- and reports record) but get display names and can be disabled (no new
-- questionnaire version measures them); a tenant-wide low score counts as
-- dissatisfaction in questionnaires that set none of their own.
-- +goose Up
ALTER TABLE callback_settings
    ADD COLUMN indicator_labels jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN disabled_indicators text[] NOT NULL DEFAULT '{}',
    ADD COLUMN low_score int NOT NULL DEFAULT 0 CHECK (low_score BETWEEN 0 AND 10);

-- +goose Down
ALTER TABLE callback_settings DROP COLUMN indicator_labels, DROP COLUMN disabled_indicators, DROP COLUMN low_score;
