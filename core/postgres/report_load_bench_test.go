package postgres_test

import (
	"context"
	"crypto/md5"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/report"
)

// The report benchmarks' data: REPORT_BENCH_DB names a database kept
// across runs (created, migrated and loaded by the first run, never
// dropped: drop it by hand), so that 10,000,000 orders per tenant are
// loaded once; without it each run loads a fresh database.

// reportBenchOrders reads the orders per tenant from the environment variable.
func reportBenchOrders(env string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(env)); err == nil && v > 0 {
		return v
	}
	return def
}

// reportBenchStore opens the benchmark's database: the kept one of
// REPORT_BENCH_DB or a fresh one.
func reportBenchStore(b testing.TB) (*postgres.Store, *pgxpool.Pool, string) {
	var pool *pgxpool.Pool
	var dbURL string
	if name := os.Getenv("REPORT_BENCH_DB"); name != "" {
		dbURL, _ = pgtest.KeptDatabase(b, name)
		pool = pgtest.AppPool(b, dbURL)
	} else {
		pool, dbURL = pgtest.NewPool(b)
	}
	return postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler)), pool, dbURL
}

// reportBenchSites is how many sites a benchmark tenant has (plus the
// network's own), over reportBenchRegions provinces; site 0 is the busiest.
const (
	reportBenchSites   = 200
	reportBenchRegions = 8
	reportBenchUnits   = 200_000
)

// reportBenchTenant returns the tenant slug with orders orders over the
// last 365 days, aggregated: found in a kept database, or created, loaded
// and rebuilt (the load and rebuild times logged).
func reportBenchTenant(b testing.TB, s *postgres.Store, dbURL, slug string, orders int) *pgtest.Network {
	ctx := context.Background()
	owner, err := pgx.Connect(ctx, dbURL)
	require.NoError(b, err)
	defer owner.Close(ctx)
	n := &pgtest.Network{}
	var have int64
	err = owner.QueryRow(ctx, `SELECT t.id, r.id, s.id, c.id,
			coalesce((SELECT sum(d.orders) FROM report_daily d WHERE d.tenant_id = t.id), 0)
		FROM tenants t JOIN regions r ON r.tenant_id = t.id AND r.level = 'country'
		JOIN sites s ON s.tenant_id = t.id AND s.code = 'S-1' JOIN customers c ON c.tenant_id = t.id AND c.name = '王芳'
		WHERE t.slug = $1`, slug).Scan(&n.Tenant, &n.Region, &n.Site, &n.Customer, &have)
	if err == nil {
		require.EqualValues(b, orders, have, "the kept database holds another size of tenant %s: drop it", slug)
		return n
	}
	require.ErrorIs(b, err, pgx.ErrNoRows)
	n = pgtest.NewNetwork(b, s, slug, "")
	t0 := time.Now()
	loadReportBench(b, owner, n, orders)
	loaded := time.Since(t0)
	// The triggers were off during the load: the rebuild marks the year's
	// days (one mark a day, as the triggers would have) and the report
	// job's RefreshReports recomputes them.
	t0 = time.Now()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	svc := &report.Service{Store: s, Marker: s}
	require.NoError(b, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		_, err := svc.Rebuild(ctx, u, today.AddDate(0, 0, -366), today.AddDate(0, 0, -1))
		if err == nil {
			_, err = svc.Rebuild(ctx, u, today, today.AddDate(0, 0, 1))
		}
		return err
	}))
	for {
		k, err := s.RefreshReports(ctx, 100)
		require.NoError(b, err)
		if k == 0 {
			break
		}
	}
	rebuilt := time.Since(t0)
	t0 = time.Now()
	_, err = owner.Exec(ctx, `VACUUM (ANALYZE) report_daily, report_dirty`)
	require.NoError(b, err)
	b.Logf("tenant %s: loaded %d orders (with VACUUM ANALYZE) in %v, rebuilt the aggregates in %v, vacuumed report_daily in %v (load average %s)",
		slug, orders, loaded.Round(time.Second), rebuilt.Round(time.Second), time.Since(t0).Round(time.Second), loadAverage())
	require.NoError(b, owner.QueryRow(ctx, `SELECT coalesce(sum(orders), 0) FROM report_daily WHERE tenant_id = $1`, n.Tenant).Scan(&have))
	require.EqualValues(b, orders, have)
	return n
}

// loadAverage is /proc/loadavg's first three figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(b) < 14 {
		return "?"
	}
	k, f := 0, 0
	for i, c := range b {
		if c == ' ' {
			if f++; f == 3 {
				k = i
				break
			}
		}
	}
	return string(b[:k])
}

// loadReportBench loads a year of orders into n's tenant set-based, as the
// owner with the triggers off (session_replication_role = replica: neither
// the report marks nor the foreign-key checks, the data is consistent by
// construction) and work_orders' plain indexes dropped during the insert
// and built again after it: 8 provinces, 200 sites (a skewed share of the
// orders), 4 technicians a site, 4 product lines, 40 models, 200,000
// customers with a unit each, 4 service types, 4 channels; orders evenly
// over the year's days, 07:00–21:00 local, in creation order; states by
// age (the last two weeks' orders partly open); response, arrival and
// completion times drawn from exponential distributions; 60% of the
// completed orders scored; SLA misses from the deadlines; callbacks for a
// fifth of the completed orders.
func loadReportBench(b testing.TB, owner *pgx.Conn, n *pgtest.Network, orders int) {
	ctx := context.Background()
	t := n.Tenant.String()
	exec := func(sql string, args ...any) {
		_, err := owner.Exec(ctx, sql, args...)
		require.NoError(b, err, sql)
	}
	exec(`SET maintenance_work_mem = '512MB'`)
	exec(`SET work_mem = '64MB'`)
	exec(`SELECT setseed(0.18)`)
	exec(`INSERT INTO regions (tenant_id, id, parent_id, level, code, name)
		SELECT $1::uuid, md5($1::text || 'region' || i)::uuid, $2, 'province', 'P' || i, 'Province ' || i
		FROM generate_series(0, $3::int - 1) i`, t, n.Region, reportBenchRegions)
	exec(`INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km)
		SELECT $1::uuid, md5($1::text || 'site' || i)::uuid, 'BS-' || i, 'Site ' || i, 'service_station',
			md5($1::text || 'region' || (i % $3::int))::uuid, 22.5, 114.0, 30
		FROM generate_series(0, $2::int - 1) i`, t, reportBenchSites, reportBenchRegions)
	exec(`INSERT INTO technicians (tenant_id, id, site_id, code, name, phone)
		SELECT $1::uuid, md5($1::text || 'tech' || i)::uuid, md5($1::text || 'site' || (i / 4))::uuid, 'BT-' || i, 'Tech ' || i,
			'86139' || lpad(i::text, 8, '0')
		FROM generate_series(0, $2::int * 4 - 1) i`, t, reportBenchSites)
	exec(`INSERT INTO product_lines (tenant_id, code, name_zh, name_en) VALUES
		($1, 'WH', '热水器', 'Water heaters'), ($1, 'RF', '冰箱', 'Fridges'), ($1, 'WM', '洗衣机', 'Washers')`, t)
	exec(`INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months)
		SELECT $1::uuid, md5($1::text || 'model' || i)::uuid, (ARRAY['AC','WH','RF','WM'])[1 + i % 4], 'M-' || i, 'Model ' || i, 24
		FROM generate_series(0, 39) i`, t)
	exec(`INSERT INTO service_types (tenant_id, code, name_zh, name_en) VALUES
		($1, 'install', '安装', 'Install'), ($1, 'maintain', '保养', 'Maintenance'), ($1, 'consult', '咨询', 'Consult')`, t)
	// Unit k (of customer k) is of model benchModel(k), skewed to the first models.
	const benchModel = `floor(40 * power(((k * 7919) % 1000) / 1000.0, 1.5))::int`
	exec(`SET session_replication_role = replica`)
	exec(`INSERT INTO customers (tenant_id, id, kind, name)
		SELECT $1::uuid, md5($1::text || 'cust' || k)::uuid, 'person', 'Customer ' || k FROM generate_series(0, $2::int - 1) k`, t, reportBenchUnits)
	exec(`INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
		SELECT $1::uuid, md5($1::text || 'unit' || k)::uuid, md5($1::text || 'cust' || k)::uuid, md5($1::text || 'model' || `+benchModel+`)::uuid,
			'BSN-' || k, now()::date - 400
		FROM generate_series(0, $2::int - 1) k`, t, reportBenchUnits)

	rows, err := owner.Query(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = 'work_orders'::regclass AND NOT i.indisunique AND NOT i.indisprimary`)
	require.NoError(b, err)
	idx, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Name, Def string }])
	require.NoError(b, err)
	for _, i := range idx {
		exec(`DROP INDEX ` + pgx.Identifier{i.Name}.Sanitize())
	}
	// $3: the first day's midnight in the tenant's zone; order g of $2 is
	// on day (g-1)·365/$2, at 07:00 + its place in the day × 14 h.
	exec(`INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id, product_line, service_type,
			region_id, site_id, technician_id, respond_by, arrive_by, responded_at, arrived_at, completed_at, closed_at,
			satisfaction_score, satisfaction_at, created_by, created_at, updated_at)
		SELECT $1::uuid, (lpad(to_hex(g), 16, '0') || substr(md5($1::text || g), 1, 16))::uuid, 'B' || lpad(g::text, 9, '0'), 'repair',
			CASE WHEN r.ch < 0.5 THEN 'phone' WHEN r.ch < 0.75 THEN 'portal' WHEN r.ch < 0.9 THEN 'api' ELSE 'sms' END,
			o.state, md5($1::text || 'cust' || r.k)::uuid, md5($1::text || 'unit' || r.k)::uuid, (ARRAY['AC','WH','RF','WM'])[1 + r.model % 4],
			CASE WHEN r.sv < 0.6 THEN 'repair' WHEN r.sv < 0.85 THEN 'install' WHEN r.sv < 0.95 THEN 'maintain' ELSE 'consult' END,
			CASE WHEN r.site IS NOT NULL THEN md5($1::text || 'region' || (r.site % 8))::uuid END,
			CASE WHEN r.site IS NOT NULL THEN md5($1::text || 'site' || r.site)::uuid END,
			CASE WHEN o.assigned THEN md5($1::text || 'tech' || (r.site * 4 + r.tech))::uuid END,
			r.at + interval '2 hours', r.at + interval '24 hours',
			CASE WHEN o.responded THEN r.at + r.resp END, CASE WHEN o.arrived THEN r.at + r.resp + r.arr END,
			CASE WHEN o.done THEN r.at + r.resp + r.arr + r.fix END,
			CASE WHEN o.state = 'closed' THEN r.at + r.resp + r.arr + r.fix + interval '2 days' END,
			CASE WHEN o.done AND r.sc < 0.6 THEN (ARRAY[1,2,3,3,4,4,4,4,5,5,5,5,5,5,5,5])[1 + floor(r.sc / 0.6 * 16)::int] END,
			CASE WHEN o.done AND r.sc < 0.6 THEN r.at + r.resp + r.arr + r.fix + interval '1 day' END,
			'bench', r.at, r.at
		FROM generate_series(1, $2::bigint) g,
		LATERAL (SELECT $3::timestamptz + floor((g - 1) * 365.0 / $2)::int * interval '1 day'
				+ interval '7 hours' + ((g - 1) * 365.0 / $2 - floor((g - 1) * 365.0 / $2)) * interval '14 hours' AS at,
			365 - floor((g - 1) * 365.0 / $2) AS age,
			CASE WHEN random() < 0.02 + 0 * g THEN NULL ELSE floor($4::int * power(random(), 2))::int END AS site,
			floor(4 * random())::int AS tech, floor($5::int * power(random(), 1.3))::int AS k, random() AS st, random() AS ch,
			random() AS sv, random() AS sc, -ln(1 - random()) * interval '50 minutes' AS resp,
			-ln(1 - random()) * interval '14 hours' AS arr,
			interval '30 minutes' + -ln(1 - random()) * interval '3 hours' + CASE WHEN random() < 0.05 THEN interval '3 days' ELSE interval '0' END AS fix
			) r0,
		LATERAL (SELECT r0.*, floor(40 * power(((r0.k * 7919) % 1000) / 1000.0, 1.5))::int AS model) r,
		LATERAL (SELECT CASE
				WHEN r.site IS NULL THEN (CASE WHEN r.st < 0.5 THEN 'cancelled' ELSE 'created' END)
				WHEN r.age <= 14 AND r.st < (15 - r.age) / 25.0 THEN
					(ARRAY['dispatched','assigned','accepted','en_route','on_site','waiting_parts','in_workshop'])[1 + floor(r.st * 25 / (15 - r.age) * 7)::int]
				WHEN r.st > 0.92 THEN 'cancelled' WHEN r.st > 0.4 THEN 'closed' WHEN r.st > 0.2 THEN 'confirmed' ELSE 'completed' END AS state) s,
		LATERAL (SELECT s.state,
			r.site IS NOT NULL AND s.state NOT IN ('created', 'dispatched') AND (s.state <> 'cancelled' OR r.sc < 0.5) AS assigned,
			s.state NOT IN ('created', 'dispatched') AND (s.state <> 'cancelled' OR r.sc < 0.5) AS responded,
			s.state IN ('on_site', 'waiting_parts', 'in_workshop', 'completed', 'confirmed', 'closed') AS arrived,
			s.state IN ('completed', 'confirmed', 'closed') AS done) o`,
		t, orders, reportBenchStart(), reportBenchSites, reportBenchUnits)
	for _, i := range idx {
		exec(i.Def)
	}
	exec(`INSERT INTO site_sla_misses (tenant_id, site_id, work_order_id, kind, due_at, recorded_at)
		SELECT tenant_id, site_id, id, 'response', respond_by, respond_by FROM work_orders
		WHERE tenant_id = $1 AND site_id IS NOT NULL AND (responded_at > respond_by OR responded_at IS NULL AND state <> 'cancelled' AND respond_by < now())
		UNION ALL
		SELECT tenant_id, site_id, id, 'arrival', arrive_by, arrive_by FROM work_orders
		WHERE tenant_id = $1 AND site_id IS NOT NULL AND arrived_at > arrive_by`, t)
	exec(`INSERT INTO callback_tasks (tenant_id, id, source, work_order_id, customer_id, status, dissatisfied, created_at)
		SELECT tenant_id, md5(id::text || 'cb')::uuid, 'rule', id, customer_id,
			CASE WHEN random() < 0.85 THEN 'done' ELSE 'open' END, random() < 0.08, completed_at + interval '1 day'
		FROM work_orders WHERE tenant_id = $1 AND completed_at IS NOT NULL AND random() < 0.2`, t)
	exec(`RESET session_replication_role`)
	// As autovacuum would after such a load: statistics for the rebuild's
	// plans, the visibility map for index-only scans.
	exec(`VACUUM (ANALYZE) work_orders, units, customers, callback_tasks, site_sla_misses, sites, technicians`)
}

// reportBenchStart is the midnight (Asia/Shanghai, the networks' zone)
// 365 days before today.
func reportBenchStart() time.Time {
	sh := time.FixedZone("CST", 8*3600)
	now := time.Now().In(sh)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, sh).AddDate(0, 0, -365)
}

// reportBenchBusiestSite is loadReportBench's site 0, which takes the most orders.
func reportBenchBusiestSite(n *pgtest.Network) uuid.UUID {
	sum := md5.Sum([]byte(n.Tenant.String() + "site0")) // md5(tenant || 'site' || 0)::uuid
	return uuid.UUID(sum)
}
