-- The report triggers on work_orders (00065) cost intake a large share of
-- its time (BenchmarkIntakeVersusRawPgx, 9–17% fewer orders/s): one
-- intake inserts the order and updates it as dispatch decides, and each
-- row event serialised the whole row (with its dispatch decision) to JSON
-- twice and appended a report_dirty mark, five marks for the same day.
--
-- Now work_orders has its own trigger function, reading the two columns
-- it needs, and a transaction marks a (tenant, instant) at most once
-- (report_mark_once): the marks a transaction writes commit with all its
-- writes, so one mark per day and transaction tells the report job as
-- much as five did. The transaction-local setting report.marked holds the
-- keys already marked; it is rolled back with a rolled-back subtransaction,
-- as the marks are. Report semantics are unchanged (TestReportsEqualRecomputation).

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION report_mark_once(tenant uuid, at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k    text := tenant::text || '/' || extract(epoch FROM at)::text || ';';
    seen text := coalesce(current_setting('report.marked', true), '');
BEGIN
    IF strpos(seen, k) > 0 THEN
        RETURN;
    END IF;
    PERFORM report_mark(tenant, at);
    IF length(seen) > 4000 THEN -- a bulk write: keep the check cheap, marking again is harmless
        seen := '';
    END IF;
    PERFORM set_config('report.marked', seen || k, true);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION report_touch_work_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_mark_once(OLD.tenant_id, OLD.created_at);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_mark_once(NEW.tenant_id, NEW.created_at);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR DELETE ON work_orders
    FOR EACH ROW EXECUTE FUNCTION report_touch_work_order();
CREATE OR REPLACE TRIGGER report_touch_update AFTER UPDATE ON work_orders FOR EACH ROW
    WHEN ((OLD.created_at, OLD.state, OLD.channel, OLD.product_line, OLD.service_type, OLD.site_id, OLD.technician_id,
           OLD.responded_at, OLD.arrive_by, OLD.arrived_at, OLD.completed_at, OLD.satisfaction_score)
          IS DISTINCT FROM
          (NEW.created_at, NEW.state, NEW.channel, NEW.product_line, NEW.service_type, NEW.site_id, NEW.technician_id,
           NEW.responded_at, NEW.arrive_by, NEW.arrived_at, NEW.completed_at, NEW.satisfaction_score))
    EXECUTE FUNCTION report_touch_work_order();

-- +goose Down
CREATE OR REPLACE TRIGGER report_touch AFTER INSERT OR DELETE ON work_orders FOR EACH ROW EXECUTE FUNCTION report_touch();
CREATE OR REPLACE TRIGGER report_touch_update AFTER UPDATE ON work_orders FOR EACH ROW
    WHEN ((OLD.created_at, OLD.state, OLD.channel, OLD.product_line, OLD.service_type, OLD.site_id, OLD.technician_id,
           OLD.responded_at, OLD.arrive_by, OLD.arrived_at, OLD.completed_at, OLD.satisfaction_score)
          IS DISTINCT FROM
          (NEW.created_at, NEW.state, NEW.channel, NEW.product_line, NEW.service_type, NEW.site_id, NEW.technician_id,
           NEW.responded_at, NEW.arrive_by, NEW.arrived_at, NEW.completed_at, NEW.satisfaction_score))
    EXECUTE FUNCTION report_touch();
DROP FUNCTION report_touch_work_order();
DROP FUNCTION report_mark_once(uuid, timestamptz);
