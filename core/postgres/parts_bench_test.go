package postgres_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// BenchmarkStockMovements measures stock movements posted by 8 clients at
// once, each an issue or receipt of one line in its own unit of work as
// the API runs it (lock the balance rows, post, append to the ledger),
// over 8 warehouses × 50 parts so clients mostly touch different rows.
// Target ≥ 1,000 movements/s.
func BenchmarkStockMovements(b *testing.B) {
	s := pgtest.NewStore(b, nil)
	n := pgtest.NewNetwork(b, s, "bench", "")
	svc := parts.NewService(parts.Config{Store: s})
	ctx := context.Background()
	all := parts.Reach{All: true}
	var ws, ps []uuid.UUID
	require.NoError(b, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		for i := range 8 {
			w, err := svc.CreateWarehouse(ctx, u, parts.WarehouseInput{Code: "W" + itoa(i), Name: "w", Kind: parts.KindCentral})
			if err != nil {
				return err
			}
			ws = append(ws, w.ID)
		}
		for i := range 50 {
			p, err := svc.CreatePart(ctx, u, parts.PartInput{Number: "P" + itoa(i), NameEn: "p"})
			if err != nil {
				return err
			}
			ps = append(ps, p.ID)
		}
		return nil
	}))
	const clients = 8
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var failed error
	var mu sync.Mutex
	for c := range clients {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; i < b.N; i += clients {
				kind := parts.DocReceipt
				if i%4 == 3 {
					kind = parts.DocIssue
				}
				w, p := ws[c], ps[(i/clients)%len(ps)]
				err := core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
					_, err := svc.CreateDocument(ctx, u, parts.DocumentInput{Kind: kind, WarehouseID: &w,
						Lines: []parts.LineInput{{PartID: p, Quantity: 1}}}, all, "bench")
					return err
				})
				if err != nil && core.ErrorCode(err) != core.EINVALID {
					mu.Lock()
					failed = err
					mu.Unlock()
				}
			}
		}(c)
	}
	wg.Wait()
	el := time.Since(start)
	require.NoError(b, failed)
	b.ReportMetric(float64(b.N)/el.Seconds(), "movements/s")
}

// BenchmarkPartAvailability measures the availability of one part across
// 1,000 warehouses (every warehouse holds it) with 100,000 parts in the
// catalogue and 300,000 other balance rows, as a tenant-wide caller reads
// it. Target p99 < 20 ms.
func BenchmarkPartAvailability(b *testing.B) {
	pool, dbURL := pgtest.NewPool(b)
	s := postgres.NewStore(pool, nil, slog.New(slog.DiscardHandler))
	n := pgtest.NewNetwork(b, s, "bench", "")
	t0 := time.Now()
	pgtest.TenantExec(b, s.Pool(), n.Tenant, `INSERT INTO parts (tenant_id, id, number, name_en, cost_minor, sale_minor, currency,
		warranty_months, created_at, updated_at)
		SELECT $1::uuid, md5('part' || g)::uuid, 'P' || lpad(g::text, 6, '0'), 'Part ' || g, 100, 200, 'CNY', 12, now(), now()
		FROM generate_series(1, 100000) g`, n.Tenant)
	pgtest.TenantExec(b, s.Pool(), n.Tenant, `INSERT INTO warehouses (tenant_id, id, code, name, kind, created_at, updated_at)
		SELECT $1::uuid, md5('wh' || g)::uuid, 'W' || lpad(g::text, 4, '0'), 'Warehouse ' || g, 'central', now(), now()
		FROM generate_series(1, 1000) g`, n.Tenant)
	pgtest.TenantExec(b, s.Pool(), n.Tenant, `INSERT INTO stock_balances (tenant_id, warehouse_id, part_id, available, reserved)
		SELECT $1::uuid, md5('wh' || w)::uuid, md5('part' || p)::uuid, (w * p) % 50, (w + p) % 3
		FROM generate_series(1, 1000) w, generate_series(1, 301) p`, n.Tenant)
	owner, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(b, err)
	_, err = owner.Exec(context.Background(), `ANALYZE parts; ANALYZE warehouses; ANALYZE stock_balances`)
	require.NoError(b, err)
	require.NoError(b, owner.Close(context.Background()))
	b.Logf("loaded 100,000 parts, 1,000 warehouses and 301,000 balances in %v", time.Since(t0).Round(time.Millisecond))

	svc := parts.NewService(parts.Config{Store: s})
	ctx := context.Background()
	part := pgtest.TenantRows[uuid.UUID](b, s.Pool(), n.Tenant, `SELECT md5('part' || 150)::uuid`)[0]
	read := func() error {
		return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			rows, _, err := svc.FindBalances(ctx, u, parts.BalanceFilter{Within: parts.Reach{All: true}, PartID: &part, Limit: 1000})
			if err == nil && len(rows) != 1000 {
				b.Fatalf("got %d warehouses", len(rows))
			}
			return err
		})
	}
	for range 10 {
		require.NoError(b, read())
	}
	var lat []time.Duration
	for b.Loop() {
		t := time.Now()
		if err := read(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}

func itoa(i int) string { return string(rune('A'+i/26)) + string(rune('A'+i%26)) }
