-- Reports (issue 18): the exact median time to complete by a histogram.
-- The rollups by site, by line and by technician (00109, 00114; not
-- report_daily_by_attr, nearly as many rows as report_daily at 500,000
-- orders, whose queries' medians read the orders) count their completed orders
-- per bin of time to complete: ttc_00 … ttc_63, bin i holding the whole
-- seconds s with bound[i-1] <= s < bound[i] (bin 0 below 60 s, bin 63 from
-- 4,868,425 s ≈ 56 days), the bounds growing by a factor 1.2 from 60 s
-- (postgres.reportTTCBounds). A median query sums the bins of its buckets,
-- finds the bin holding the median's rank and reads only the orders of that
-- bin, through the index work_orders_ttc_bin (tenant, bin, created_at) on
-- the orders' stored bin, which holds what the median's dimensions read
-- (index-only scans).
-- RefreshReports recomputes a dirty day's bins from the day's orders in the
-- same transaction as its rows; this migration fills them for every day.

-- +goose Up
-- The bin is a stored column (not an index expression): the reports read
-- work_orders under row-level security, where only leakproof conditions
-- (int4 =, timestamptz >=) may be index conditions ahead of the policy's.
ALTER TABLE work_orders ADD COLUMN ttc_bin int
    GENERATED ALWAYS AS (width_bucket(floor(extract(epoch FROM completed_at - created_at))::bigint, '{60,72,86,103,124,149,179,214,257,309,371,445,534,641,770,924,1109,1331,1597,1916,2300,2760,3312,3974,4769,5723,6868,8242,9890,11868,14242,17091,20509,24611,29533,35440,42528,51033,61240,73488,88186,105823,126988,152385,182863,219435,263322,315987,379184,455021,546026,655231,786277,943533,1132240,1358688,1630425,1956510,2347813,2817375,3380850,4057021,4868425}'::bigint[])) STORED;
CREATE INDEX work_orders_ttc_bin ON work_orders (tenant_id, ttc_bin, created_at)
    INCLUDE (completed_at, site_id, technician_id, product_line, service_type, channel) WHERE ttc_bin IS NOT NULL;

-- +goose StatementBegin
DO $$
DECLARE
    t text;
    k text;
    kw text;
    bins text := (SELECT string_agg(format('ttc_%s', lpad(i::text, 2, '0')), ', ' ORDER BY i) FROM generate_series(0, 63) i);
    hbins text := (SELECT string_agg(format('h.ttc_%s', lpad(i::text, 2, '0')), ', ' ORDER BY i) FROM generate_series(0, 63) i);
    counts text := (SELECT string_agg(format('count(*) FILTER (WHERE o.b = %s) AS ttc_%s', i, lpad(i::text, 2, '0')), ', ' ORDER BY i)
        FROM generate_series(0, 63) i);
BEGIN
    ALTER TABLE work_orders NO FORCE ROW LEVEL SECURITY;
    FOREACH t IN ARRAY ARRAY['report_daily_by_site', 'report_daily_by_line', 'report_daily_by_tech'] LOOP
        EXECUTE format('ALTER TABLE %I %s', t,
            (SELECT string_agg(format('ADD COLUMN ttc_%s int NOT NULL DEFAULT 0', lpad(i::text, 2, '0')), ', ' ORDER BY i)
             FROM generate_series(0, 63) i));
        k := CASE t WHEN 'report_daily_by_site' THEN 'site_id'
                    WHEN 'report_daily_by_line' THEN 'product_line, service_type, channel'
                    ELSE 'site_id, technician_id' END;
        kw := (SELECT string_agg(format('r.%s = h.%s', c, c), ' AND ') FROM unnest(string_to_array(k, ', ')) c);
        EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
        -- The keys as report_daily's (a missing site or technician: the nil UUID).
        EXECUTE format('UPDATE %I r SET (%s) = (%s) FROM (SELECT o.tenant_id, o.day, %s, %s FROM (
                SELECT w.tenant_id, (w.created_at AT TIME ZONE tz.timezone)::date AS day,
                    coalesce(w.site_id, ''00000000-0000-0000-0000-000000000000'') AS site_id,
                    coalesce(w.technician_id, ''00000000-0000-0000-0000-000000000000'') AS technician_id,
                    coalesce(w.product_line, '''') AS product_line, w.service_type, w.channel,
                    w.ttc_bin AS b
                FROM work_orders w JOIN tenants tz ON tz.id = w.tenant_id WHERE w.completed_at IS NOT NULL) o
            GROUP BY o.tenant_id, o.day, %s) h
            WHERE r.tenant_id = h.tenant_id AND r.day = h.day AND %s', t, bins, hbins, k, counts, k, kw);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
    ALTER TABLE work_orders FORCE ROW LEVEL SECURITY;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_daily_by_site', 'report_daily_by_line', 'report_daily_by_tech'] LOOP
        EXECUTE format('ALTER TABLE %I %s', t,
            (SELECT string_agg(format('DROP COLUMN ttc_%s', lpad(i::text, 2, '0')), ', ' ORDER BY i) FROM generate_series(0, 63) i));
    END LOOP;
END
$$;
-- +goose StatementEnd
DROP INDEX work_orders_ttc_bin;
ALTER TABLE work_orders DROP COLUMN ttc_bin;
