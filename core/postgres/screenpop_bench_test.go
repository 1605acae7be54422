package postgres_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/customer"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// screenPopCustomers is the size of the tenant the screen pop is measured
// on: a large manufacturer's customer base.
const screenPopCustomers = 1_000_000

// benchPhone is the phone of customer i (a Chinese mobile, normalised).
func benchPhone(i int) string { return fmt.Sprintf("8613%09d", i) }

// loadScreenPopTenant fills one tenant with n customers (a phone and an
// address each), n units over 10 models and a work order for every fifth
// customer, with set-based SQL on the owner's connection.
func loadScreenPopTenant(tb testing.TB, ownerURL string, tenant uuid.UUID, n int) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, ownerURL)
	require.NoError(tb, err)
	defer conn.Close(ctx)
	// Bulk-load settings. Skipping foreign-key triggers needs a superuser;
	// without one the load is slower but the same.
	for _, set := range []string{"SET synchronous_commit = off", "SET maintenance_work_mem = '256MB'"} {
		_, err := conn.Exec(ctx, set)
		require.NoError(tb, err)
	}
	_, _ = conn.Exec(ctx, "SET session_replication_role = replica")
	_, err = conn.Exec(ctx, `SELECT set_config('app.tenant_id', $1, false)`, tenant.String())
	require.NoError(tb, err)
	id := func(prefix string) string { // a UUID derived from i, so rows can refer to each other
		return `('` + prefix + `-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid`
	}
	steps := []string{
		`INSERT INTO tenants (id, slug, name, locale, timezone) VALUES ($1, 'bench', 'Bench 家电', 'zh-CN', 'Asia/Shanghai')`,
		`INSERT INTO product_lines (tenant_id, code, name_zh, name_en) VALUES ($1, 'AC', '空调', 'Air conditioners')`,
		`INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months)
			SELECT $1, ` + id("00000001") + `, 'AC', 'KFR-' || i, '空调 ' || i, 12 * (1 + i % 3) FROM generate_series(0, 9) i`,
		`INSERT INTO service_types (tenant_id, code, name_zh, name_en, field) VALUES ($1, 'repair', '报修', 'Repair', true)`,
		`INSERT INTO customers (tenant_id, id, kind, name, tags, vip)
			SELECT $1, ` + id("00000002") + `, 'person', '客户' || i, '{}', i % 50 = 0 FROM generate_series(0, $2 - 1) i`,
		`INSERT INTO customer_phones (tenant_id, customer_id, phone, label)
			SELECT $1, ` + id("00000002") + `, '8613' || lpad(i::text, 9, '0'), 'mobile' FROM generate_series(0, $2 - 1) i`,
		`INSERT INTO customer_addresses (tenant_id, id, customer_id, label, address, lat, lon)
			SELECT $1, ` + id("00000003") + `, ` + id("00000002") + `, 'home', '广东省深圳市南山区 ' || i || ' 号',
				22.5 + (i % 1000) / 10000.0, 113.9 + (i % 997) / 10000.0 FROM generate_series(0, $2 - 1) i`,
		`INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
			SELECT $1, ` + id("00000004") + `, ` + id("00000002") + `,
				('00000001-0000-4000-8000-' || lpad(to_hex(i % 10), 12, '0'))::uuid,
				'SN' || lpad(i::text, 10, '0'), date '2019-01-01' + (i % 2500) FROM generate_series(0, $2 - 1) i`,
		`INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id, service_type,
				created_by, created_at, updated_at)
			SELECT $1, ` + id("00000005") + `, 'WO-' || i, 'repair', 'phone', 'closed', ` + id("00000002") + `,
				` + id("00000004") + `, 'repair', 'bench', now() - (i % 5000) * interval '1 hour', now()
			FROM generate_series(0, $2 - 1, 5) i`,
		`ANALYZE`,
	}
	// Secondary indexes are dropped during the load and built afterwards
	// (a sort instead of a million random inserts), from their own
	// definitions, so the measured schema is the real one.
	rows, err := conn.Query(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
		WHERE i.indrelid = ANY($1::text[]::regclass[]) AND NOT i.indisprimary`,
		[]string{"customers", "customer_phones", "customer_addresses", "units", "work_orders"})
	require.NoError(tb, err)
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var x [2]string
		return x, r.Scan(&x[0], &x[1])
	})
	require.NoError(tb, err)
	for _, ix := range indexes {
		_, err := conn.Exec(ctx, "DROP INDEX "+ix[0])
		require.NoError(tb, err)
		steps = slices.Insert(steps, len(steps)-1, ix[1])
	}
	for _, sql := range steps {
		var args []any
		if strings.Contains(sql, "$1") {
			args = append(args, tenant)
		}
		if strings.Contains(sql, "$2") {
			args = append(args, n)
		}
		start := time.Now()
		_, err := conn.Exec(ctx, sql, args...)
		require.NoError(tb, err, sql)
		tb.Logf("%6.1fs  %.60s", time.Since(start).Seconds(), sql)
	}
}

// BenchmarkScreenPop measures the caller lookup an agent's phone triggers,
// on a tenant with a million customers, each lookup in its own tenant
// transaction as the API runs it: normalise the number, find the
// customers, their phones, addresses, units (with model and warranty) and
// last work orders. It reports the latency percentiles per lookup.
func BenchmarkScreenPop(b *testing.B) {
	ownerURL := pgtest.NewDatabase(b)
	tenant := uuid.New()
	start := time.Now()
	loadScreenPopTenant(b, ownerURL, tenant, screenPopCustomers)
	b.Logf("loaded %d customers, phones, addresses and units, %d work orders in %v",
		screenPopCustomers, screenPopCustomers/5, time.Since(start).Round(time.Millisecond))

	ctx := context.Background()
	pool, err := postgres.OpenPool(ctx, ownerURL, 4)
	require.NoError(b, err)
	defer pool.Close()
	store := postgres.NewStore(pool, core.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	customers := customer.NewService(customer.Config{Store: store})
	rng := rand.New(rand.NewPCG(1, 2))
	today := time.Now()
	lookup := func() error {
		i := rng.IntN(screenPopCustomers)
		raw := fmt.Sprintf("+86 130-%04d-%04d", i/10_000, i%10_000) // as a phone system might send it
		return core.InUnitOfWork(ctx, store, tenant, func(u core.UnitOfWork) error {
			pop, err := customers.FindScreenPop(ctx, u, core.TenantWide, raw, core.DefaultPhoneCountry, today)
			if err != nil {
				return err
			}
			if len(pop.Customers) != 1 || len(pop.Customers[0].Units) != 1 || pop.Phone != benchPhone(i) {
				return fmt.Errorf("customer %d: unexpected screen pop %+v", i, pop)
			}
			return nil
		})
	}
	for range 200 { // warm the pool and the caches the way a running server has them
		require.NoError(b, lookup())
	}
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := lookup(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}
