package postgres

// lateRateSQL recomputes the late-arrival rate that dispatch ranks sites
// by (SLA risk): the arrival deadlines a site missed over the orders it was
// given, both in the 30 days before $1, for the sites of the tenant's
// transaction - all of them, or only site $2 when it is not null. A site
// given no order in those days keeps its last rate.
const lateRateSQL = `UPDATE sites s SET late_rate = r.rate
	FROM (SELECT o.site_id, LEAST(1, COALESCE(m.misses, 0)::float8 / o.orders) AS rate
		FROM (SELECT site_id, count(*) AS orders FROM work_orders
			WHERE site_id IS NOT NULL AND ($2::uuid IS NULL OR site_id = $2)
			  AND created_at > $1::timestamptz - interval '30 days' GROUP BY site_id) o
		LEFT JOIN (SELECT site_id, count(*) AS misses FROM site_sla_misses
			WHERE kind = 'arrival' AND ($2::uuid IS NULL OR site_id = $2)
			  AND recorded_at > $1::timestamptz - interval '30 days' GROUP BY site_id) m ON m.site_id = o.site_id) r
	WHERE s.id = r.site_id AND s.late_rate IS DISTINCT FROM r.rate`
