-- Reports (issue 18): the product model dimension (the model of the
-- order's unit; a complaint's is its order's) and the distribution of time
-- to complete (up to 4 h, 24 h, 72 h, over). Every day already aggregated
-- is marked for recomputation: its buckets gain the model key.
-- A unit's model can be corrected (units.model_id) and an order's unit
-- set later: both mark the days of the orders concerned.

-- +goose Up
ALTER TABLE report_daily
    ADD COLUMN model_id      uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    ADD COLUMN complete_4h   int NOT NULL DEFAULT 0,
    ADD COLUMN complete_24h  int NOT NULL DEFAULT 0,
    ADD COLUMN complete_72h  int NOT NULL DEFAULT 0,
    ADD COLUMN complete_over int NOT NULL DEFAULT 0;
ALTER TABLE report_daily DROP CONSTRAINT report_daily_pkey,
    ADD PRIMARY KEY (tenant_id, day, site_id, technician_id, product_line, service_type, channel, model_id);

-- The owner reads every tenant's days once (the table forces RLS).
ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
INSERT INTO report_dirty (tenant_id, day) SELECT DISTINCT tenant_id, day FROM report_daily;
ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;

CREATE OR REPLACE TRIGGER report_touch_update AFTER UPDATE ON work_orders FOR EACH ROW
    WHEN ((OLD.created_at, OLD.state, OLD.channel, OLD.product_line, OLD.service_type, OLD.site_id, OLD.technician_id,
           OLD.responded_at, OLD.arrive_by, OLD.arrived_at, OLD.completed_at, OLD.satisfaction_score, OLD.unit_id)
          IS DISTINCT FROM
          (NEW.created_at, NEW.state, NEW.channel, NEW.product_line, NEW.service_type, NEW.site_id, NEW.technician_id,
           NEW.responded_at, NEW.arrive_by, NEW.arrived_at, NEW.completed_at, NEW.satisfaction_score, NEW.unit_id))
    EXECUTE FUNCTION report_touch_work_order();

-- +goose StatementBegin
CREATE FUNCTION report_touch_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_mark_once(w.tenant_id, w.created_at) FROM work_orders w
        WHERE w.tenant_id = NEW.tenant_id AND w.unit_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER report_touch_unit AFTER UPDATE OF model_id ON units FOR EACH ROW
    WHEN (OLD.model_id IS DISTINCT FROM NEW.model_id) EXECUTE FUNCTION report_touch_unit();

-- +goose Down
DROP TRIGGER report_touch_unit ON units;
DROP FUNCTION report_touch_unit();
CREATE OR REPLACE TRIGGER report_touch_update AFTER UPDATE ON work_orders FOR EACH ROW
    WHEN ((OLD.created_at, OLD.state, OLD.channel, OLD.product_line, OLD.service_type, OLD.site_id, OLD.technician_id,
           OLD.responded_at, OLD.arrive_by, OLD.arrived_at, OLD.completed_at, OLD.satisfaction_score)
          IS DISTINCT FROM
          (NEW.created_at, NEW.state, NEW.channel, NEW.product_line, NEW.service_type, NEW.site_id, NEW.technician_id,
           NEW.responded_at, NEW.arrive_by, NEW.arrived_at, NEW.completed_at, NEW.satisfaction_score))
    EXECUTE FUNCTION report_touch_work_order();
ALTER TABLE report_daily NO FORCE ROW LEVEL SECURITY;
INSERT INTO report_dirty (tenant_id, day) SELECT DISTINCT tenant_id, day FROM report_daily;
DELETE FROM report_daily;
ALTER TABLE report_daily FORCE ROW LEVEL SECURITY;
ALTER TABLE report_daily DROP CONSTRAINT report_daily_pkey,
    ADD PRIMARY KEY (tenant_id, day, site_id, technician_id, product_line, service_type, channel);
ALTER TABLE report_daily DROP COLUMN model_id, DROP COLUMN complete_4h, DROP COLUMN complete_24h,
    DROP COLUMN complete_72h, DROP COLUMN complete_over;
