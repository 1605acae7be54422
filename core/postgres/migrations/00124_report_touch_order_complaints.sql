-- Reports (issue 18): a complaint's facts take the product line, service
-- type and model of the order complained about (core/postgres/report.go,
-- reportFacts), but only the complaint's own writes touched it: an order
-- moved to another product line, service type or unit, or its unit's model
-- corrected, left the complaint's facts under the old key. Now such a
-- change also touches the order's complaints (found through a new index on
-- complaints' order). The complaint's site and technician are its own
-- columns, not the order's: an order moved to another site or technician
-- does not change the complaint's key.

-- +goose Up
CREATE INDEX complaints_by_work_order ON complaints (tenant_id, work_order_id) WHERE work_order_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION report_touch_order_complaints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_touch_once(c.tenant_id, 'c', c.id) FROM complaints c
        WHERE c.tenant_id = NEW.tenant_id AND c.work_order_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_touch_complaints AFTER UPDATE ON work_orders FOR EACH ROW
    WHEN ((OLD.product_line, OLD.service_type, OLD.unit_id) IS DISTINCT FROM (NEW.product_line, NEW.service_type, NEW.unit_id))
    EXECUTE FUNCTION report_touch_order_complaints();

-- A unit's new model: its orders (as 00119) and their complaints.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_touch_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_touch_once(w.tenant_id, 'o', w.id) FROM work_orders w
        WHERE w.tenant_id = NEW.tenant_id AND w.unit_id = NEW.id;
    PERFORM report_touch_once(c.tenant_id, 'c', c.id) FROM work_orders w
        JOIN complaints c ON c.tenant_id = w.tenant_id AND c.work_order_id = w.id
        WHERE w.tenant_id = NEW.tenant_id AND w.unit_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION report_touch_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_touch_once(w.tenant_id, 'o', w.id) FROM work_orders w
        WHERE w.tenant_id = NEW.tenant_id AND w.unit_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP TRIGGER report_touch_complaints ON work_orders;
DROP FUNCTION report_touch_order_complaints();
DROP INDEX complaints_by_work_order;
