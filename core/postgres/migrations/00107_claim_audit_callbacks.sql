-- A flagged claim's audit task is a callback to the customer in the call
-- centre's queue: source claim_audit, linked to the claim, with the
-- phone to call and whether the customer was reached. A task a reviewer
-- made needless (they recorded the audit themselves) is cancelled. At
-- most one open audit callback per claim.

-- +goose Up
ALTER TABLE callback_tasks DROP CONSTRAINT callback_tasks_source_check,
    ADD CONSTRAINT callback_tasks_source_check CHECK (source IN ('rule', 'low_satisfaction', 'claim_audit')),
    DROP CONSTRAINT callback_tasks_status_check,
    ADD CONSTRAINT callback_tasks_status_check CHECK (status IN ('open', 'done', 'given_up', 'cancelled')),
    ADD COLUMN claim_id uuid,
    ADD COLUMN phone text NOT NULL DEFAULT '',
    ADD COLUMN reached boolean,
    ADD CONSTRAINT callback_tasks_claim FOREIGN KEY (tenant_id, claim_id) REFERENCES claims (tenant_id, id),
    ADD CONSTRAINT callback_tasks_claim_audit CHECK ((source = 'claim_audit') = (claim_id IS NOT NULL));
CREATE UNIQUE INDEX callback_tasks_claim_open ON callback_tasks (tenant_id, claim_id)
    WHERE source = 'claim_audit' AND status = 'open';

-- +goose Down
DELETE FROM callback_tasks WHERE source = 'claim_audit';
DROP INDEX callback_tasks_claim_open;
ALTER TABLE callback_tasks DROP CONSTRAINT callback_tasks_claim_audit, DROP CONSTRAINT callback_tasks_claim,
    DROP COLUMN reached, DROP COLUMN phone, DROP COLUMN claim_id,
    DROP CONSTRAINT callback_tasks_status_check,
    ADD CONSTRAINT callback_tasks_status_check CHECK (status IN ('open', 'done', 'given_up')),
    DROP CONSTRAINT callback_tasks_source_check,
    ADD CONSTRAINT callback_tasks_source_check CHECK (source IN ('rule', 'low_satisfaction'));
