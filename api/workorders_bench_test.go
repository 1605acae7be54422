package api_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// BenchmarkIntakeVersusRawPgx: intake plus dispatch over HTTP with
// concurrent clients, side by side with a raw-pgx baseline that does the
// same writes (number counter, order row, three events, workload) in one
// transaction without HTTP, validation, lookups or the dispatch decision.
// Target: HTTP throughput at least 50% of the baseline's.
func BenchmarkIntakeVersusRawPgx(b *testing.B) {
	tb := setupBench(b)
	n := tb.newNetwork("bench")
	tb.exec(n.tenant.id, `UPDATE sites SET daily_capacity = 100000000`)
	const clients = 8
	per := b.N/clients + 1

	runHTTP := func() float64 {
		var wg sync.WaitGroup
		var done atomic.Int64
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					r := tb.intake(n, n.tenant.admin, nil)
					if r.Status != http.StatusCreated {
						b.Errorf("intake: %d %s", r.Status, r.Raw)
						return
					}
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(done.Load()) / time.Since(start).Seconds()
	}
	runRaw := func() float64 {
		ctx := context.Background()
		var wg sync.WaitGroup
		var done atomic.Int64
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					if err := rawIntake(ctx, tb, n); err != nil {
						b.Error(err)
						return
					}
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(done.Load()) / time.Since(start).Seconds()
	}
	runHTTP()
	runRaw()
	b.ResetTimer()
	httpRate := runHTTP()
	rawRate := runRaw()
	b.StopTimer()
	b.ReportMetric(httpRate, "http_orders/s")
	b.ReportMetric(rawRate, "rawpgx_orders/s")
	b.ReportMetric(httpRate/rawRate, "ratio")
}

func rawIntake(ctx context.Context, tb *testBundle, n *network) error {
	tx, err := tb.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, n.tenant.id.String()); err != nil {
		return err
	}
	var seq int
	if err := tx.QueryRow(ctx, `INSERT INTO work_order_counters (tenant_id, period, last) VALUES ($1, 'raw', 1)
		ON CONFLICT (tenant_id, period) DO UPDATE SET last = work_order_counters.last + 1 RETURNING last`, n.tenant.id).Scan(&seq); err != nil {
		return err
	}
	id := uuid.New()
	if _, err := tx.Exec(ctx, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id,
		product_line, service_type, address, lat, lon, site_id, technician_id, created_by)
		VALUES ($1, $2, $3, 'repair', 'phone', 'assigned', $4, $5, 'AC', 'repair', 'x', $6, $7, $8, $9, 'raw')`,
		n.tenant.id, id, fmt.Sprintf("RAW-%08d", seq), n.customer, n.unit, szLat, szLon, n.near, n.techNear); err != nil {
		return err
	}
	for i, typ := range []string{"created", "dispatched", "assigned"} {
		if _, err := tx.Exec(ctx, `INSERT INTO work_order_events (tenant_id, work_order_id, seq, type, actor, at) VALUES ($1, $2, $3, $4, 'raw', now())`,
			n.tenant.id, id, i+1, typ); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE technicians SET open_workload = open_workload + 1 WHERE id = $1`, n.techNear); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// BenchmarkWorkOrderLists: list queries over a tenant with a million
// orders (and another tenant's million beside it). Reports p50/p99 per
// query shape. Target p99 under 50 ms.
func BenchmarkWorkOrderLists(b *testing.B) {
	tb := setupBench(b)
	n := tb.newNetwork("big")
	o := tb.newNetwork("other")
	ctx := context.Background()
	for _, t := range []*network{n, o} {
		// 100,000 customers with phones; each has about ten of the orders.
		tb.exec(t.tenant.id, `INSERT INTO customers (tenant_id, id, kind, name)
			SELECT $1::uuid, md5($1::text || 'c' || g)::uuid, 'person', 'c' || g FROM generate_series(0, 99999) g`, t.tenant.id)
		tb.exec(t.tenant.id, `INSERT INTO customer_phones (tenant_id, customer_id, phone)
			SELECT $1::uuid, md5($1::text || 'c' || g)::uuid, '86139' || lpad(g::text, 8, '0') FROM generate_series(0, 99999) g`, t.tenant.id)
		tb.exec(t.tenant.id, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, service_type,
				site_id, technician_id, region_id, created_by, created_at, respond_by, responded_at)
			SELECT $1::uuid, gen_random_uuid(), 'WO-BIG-' || g, 'repair', 'phone',
				(ARRAY['dispatched','assigned','accepted','on_site','completed','closed','cancelled'])[1 + g % 7],
				md5($1::text || 'c' || (g % 100000))::uuid, 'repair', (ARRAY[$2, $3, $4]::uuid[])[1 + g % 3], CASE WHEN g % 3 = 0 THEN $5::uuid END,
				CASE WHEN g % 3 = 2 THEN $6::uuid ELSE $7::uuid END, 'bench',
				now() - make_interval(mins => g), now() - make_interval(mins => g) + interval '2 hours',
				CASE WHEN g % 2 = 0 THEN now() - make_interval(mins => g) + interval '1 hour' END
			FROM generate_series(1, 1000000) g`,
			t.tenant.id, t.near, t.far, t.other, t.techNear, t.gx, t.gd)
	}
	_, err := tb.pool.Exec(ctx, `ANALYZE work_orders`)
	require.NoError(b, err)
	queries := map[string]string{
		"newest":      "",
		"by_state":    "?state=on_site",
		"by_site":     "?site_id=" + n.near.String(),
		"technician":  "?technician_id=" + n.techNear.String(),
		"region":      "?region_id=" + n.gx.String(),
		"phone":       "?phone=13900004242",
		"number":      "?number=WO-BIG-123456",
		"breached":    "?sla_status=breached",
		"date_range":  "?from=" + time.Now().Add(-48*time.Hour).UTC().Format(time.RFC3339) + "&to=" + time.Now().Add(-24*time.Hour).UTC().Format(time.RFC3339),
		"page_5":      "",
		"site_scoped": "",
	}
	lat := map[string][]time.Duration{}
	cursor := map[string]string{}
	round := 0
	for b.Loop() { // each round runs every query shape once
		for name, q := range queries {
			tok := n.tenant.admin
			if name == "site_scoped" {
				tok = n.nearMgrTok
			}
			path := "/v1/work-orders" + q
			if name == "page_5" && round%5 != 0 {
				path += "?cursor=" + cursor[name]
			}
			start := time.Now()
			r := tb.must(200, "GET", path, tok, nil)
			lat[name] = append(lat[name], time.Since(start))
			cursor[name] = r.str("next_cursor")
		}
		round++
	}
	for name, l := range lat {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		b.ReportMetric(float64(l[len(l)/2].Microseconds())/1000, name+"_p50_ms")
		b.ReportMetric(float64(l[len(l)*99/100].Microseconds())/1000, name+"_p99_ms")
	}
}
