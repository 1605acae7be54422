-- Reports (issue 18): the median of a site's bucket reads only that site's
-- orders of the bin holding its median's rank, through this index on the
-- orders' stored bin by site (report_median.go: one index range per wanted
-- site, bin and bucket period, instead of every order of the bins the
-- buckets' medians fall in). It holds what the median's dimensions read
-- (index-only scans), as work_orders_ttc_bin (00115).

-- +goose Up
CREATE INDEX work_orders_ttc_bin_site ON work_orders (tenant_id, site_id, ttc_bin, created_at)
    INCLUDE (completed_at, technician_id, product_line, service_type, channel) WHERE ttc_bin IS NOT NULL;

-- +goose Down
DROP INDEX work_orders_ttc_bin_site;
