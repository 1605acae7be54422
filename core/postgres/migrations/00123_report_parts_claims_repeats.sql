-- Reports (issue 18): the metrics whose records have landed since issue 17
-- (parts, stock consumption on orders, warranty claims) and repeat repairs.
-- Every counter counts on the day (tenant time zone) the order was created,
-- under the order's key (site, technician, product line, service type,
-- channel, model), in report_daily and in every rollup (00109, 00114):
--   parts_used        pieces consumed on the order: its field part requests'
--                     consumed quantity and its stock reservations' consumed
--                     quantity;
--   parts_cost        those pieces × the part's catalogue cost (parts.cost_minor,
--                     minor units);
--   claims            the order's warranty claim once submitted (not a draft);
--   claims_anomalous  of those, flagged by an audit rule at its last
--                     submission (flags not empty) or decided adjusted or rejected;
--   claims_settled    of those, decided approved or adjusted;
--   claim_cost        the settled claims' approved_total (minor units);
--   unit_completed    completed orders with a unit;
--   repeat_repairs    of those, the orders whose unit had another order
--                     completed in the 30 days before this order was created
--                     (completed_at in [created_at − 720 hours, created_at)).
-- report_facts (00119) keeps them per source row like the others.
-- Triggers log the order as touched (report_touched, 00119) when its claim,
-- its part requests' or reservations' consumption, or a consumed part's
-- cost changes, and the same unit's orders created in the 30 days after an
-- order's completion when that completion (or the order's unit) changes.
-- Every day already aggregated is marked for a rebuild, as 00101 did.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_daily', 'report_daily_by_site', 'report_daily_by_line', 'report_daily_by_tech',
                             'report_daily_by_attr', 'report_facts'] LOOP
        EXECUTE format('ALTER TABLE %I
            ADD COLUMN parts_used       bigint NOT NULL DEFAULT 0,
            ADD COLUMN parts_cost       bigint NOT NULL DEFAULT 0,
            ADD COLUMN claims           int NOT NULL DEFAULT 0,
            ADD COLUMN claims_anomalous int NOT NULL DEFAULT 0,
            ADD COLUMN claims_settled   int NOT NULL DEFAULT 0,
            ADD COLUMN claim_cost       bigint NOT NULL DEFAULT 0,
            ADD COLUMN unit_completed   int NOT NULL DEFAULT 0,
            ADD COLUMN repeat_repairs   int NOT NULL DEFAULT 0', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- A unit's orders: whether one was completed in the 30 days before another
-- was created, and the orders created after a completion (the marks).
CREATE INDEX work_orders_by_unit ON work_orders (tenant_id, unit_id, created_at) INCLUDE (completed_at)
    WHERE unit_id IS NOT NULL;

-- Facts of an order (a claim's decision and amount, a request's or a
-- reservation's consumption) touch the order; a reservation may have none.
-- +goose StatementBegin
CREATE FUNCTION report_touch_order_fact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.work_order_id IS NOT NULL THEN
        PERFORM report_touch_once(OLD.tenant_id, 'o', OLD.work_order_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.work_order_id IS NOT NULL THEN
        PERFORM report_touch_once(NEW.tenant_id, 'o', NEW.work_order_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_touch AFTER INSERT OR DELETE ON claims FOR EACH ROW EXECUTE FUNCTION report_touch_order_fact();
CREATE TRIGGER report_touch_update AFTER UPDATE ON claims FOR EACH ROW
    WHEN ((OLD.work_order_id, OLD.state, OLD.approved_total, OLD.flags) IS DISTINCT FROM
          (NEW.work_order_id, NEW.state, NEW.approved_total, NEW.flags))
    EXECUTE FUNCTION report_touch_order_fact();
CREATE TRIGGER report_touch AFTER INSERT OR DELETE ON part_requests FOR EACH ROW EXECUTE FUNCTION report_touch_order_fact();
CREATE TRIGGER report_touch_update AFTER UPDATE ON part_requests FOR EACH ROW
    WHEN ((OLD.work_order_id, OLD.part_id, OLD.consumed) IS DISTINCT FROM (NEW.work_order_id, NEW.part_id, NEW.consumed))
    EXECUTE FUNCTION report_touch_order_fact();
CREATE TRIGGER report_touch AFTER INSERT OR DELETE ON stock_reservations FOR EACH ROW EXECUTE FUNCTION report_touch_order_fact();
CREATE TRIGGER report_touch_update AFTER UPDATE ON stock_reservations FOR EACH ROW
    WHEN ((OLD.work_order_id, OLD.part_id, OLD.consumed) IS DISTINCT FROM (NEW.work_order_id, NEW.part_id, NEW.consumed))
    EXECUTE FUNCTION report_touch_order_fact();

-- A part's cost: the orders that consumed it.
-- +goose StatementBegin
CREATE FUNCTION report_touch_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_touch_once(w.tenant_id, 'o', w.id) FROM work_orders w
        WHERE w.tenant_id = NEW.tenant_id AND w.id IN (
            SELECT q.work_order_id FROM part_requests q WHERE q.tenant_id = NEW.tenant_id AND q.part_id = NEW.id AND q.consumed > 0
            UNION
            SELECT r.work_order_id FROM stock_reservations r WHERE r.tenant_id = NEW.tenant_id AND r.part_id = NEW.id AND r.consumed > 0);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_touch_part AFTER UPDATE OF cost_minor ON parts FOR EACH ROW
    WHEN (OLD.cost_minor IS DISTINCT FROM NEW.cost_minor) EXECUTE FUNCTION report_touch_part();

-- An order's completion (or unit): its unit's orders created in the 30 days
-- after it, which it makes (or no longer makes) repeat repairs; and the
-- order itself when its unit changes (its model and its own repeat flag).
-- +goose StatementBegin
CREATE FUNCTION report_touch_repeat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.unit_id IS NOT NULL AND OLD.completed_at IS NOT NULL THEN
        PERFORM report_touch_once(w.tenant_id, 'o', w.id) FROM work_orders w
            WHERE w.tenant_id = OLD.tenant_id AND w.unit_id = OLD.unit_id
              AND w.created_at > OLD.completed_at AND w.created_at <= OLD.completed_at + interval '720 hours';
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.unit_id IS NOT NULL AND NEW.completed_at IS NOT NULL THEN
        PERFORM report_touch_once(w.tenant_id, 'o', w.id) FROM work_orders w
            WHERE w.tenant_id = NEW.tenant_id AND w.unit_id = NEW.unit_id
              AND w.created_at > NEW.completed_at AND w.created_at <= NEW.completed_at + interval '720 hours';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.unit_id IS DISTINCT FROM NEW.unit_id THEN
        PERFORM report_touch_once(NEW.tenant_id, 'o', NEW.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_touch_repeat AFTER INSERT ON work_orders FOR EACH ROW
    WHEN (NEW.unit_id IS NOT NULL AND NEW.completed_at IS NOT NULL) EXECUTE FUNCTION report_touch_repeat();
CREATE TRIGGER report_touch_repeat_delete AFTER DELETE ON work_orders FOR EACH ROW
    WHEN (OLD.unit_id IS NOT NULL AND OLD.completed_at IS NOT NULL) EXECUTE FUNCTION report_touch_repeat();
CREATE TRIGGER report_touch_repeat_update AFTER UPDATE ON work_orders FOR EACH ROW
    WHEN ((OLD.unit_id, OLD.completed_at) IS DISTINCT FROM (NEW.unit_id, NEW.completed_at))
    EXECUTE FUNCTION report_touch_repeat();

-- The owner marks every tenant's aggregated days once (the table forces RLS).
ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
INSERT INTO report_dirty (tenant_id, day) SELECT DISTINCT tenant_id, day FROM report_daily;
ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;

-- +goose Down
DROP TRIGGER report_touch_repeat_update ON work_orders;
DROP TRIGGER report_touch_repeat_delete ON work_orders;
DROP TRIGGER report_touch_repeat ON work_orders;
DROP FUNCTION report_touch_repeat();
DROP TRIGGER report_touch_part ON parts;
DROP FUNCTION report_touch_part();
DROP TRIGGER report_touch_update ON stock_reservations;
DROP TRIGGER report_touch ON stock_reservations;
DROP TRIGGER report_touch_update ON part_requests;
DROP TRIGGER report_touch ON part_requests;
DROP TRIGGER report_touch_update ON claims;
DROP TRIGGER report_touch ON claims;
DROP FUNCTION report_touch_order_fact();
DROP INDEX work_orders_by_unit;
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_daily', 'report_daily_by_site', 'report_daily_by_line', 'report_daily_by_tech',
                             'report_daily_by_attr', 'report_facts'] LOOP
        EXECUTE format('ALTER TABLE %I DROP COLUMN parts_used, DROP COLUMN parts_cost, DROP COLUMN claims,
            DROP COLUMN claims_anomalous, DROP COLUMN claims_settled, DROP COLUMN claim_cost, DROP COLUMN unit_completed,
            DROP COLUMN repeat_repairs', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
