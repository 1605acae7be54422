package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/district"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// BenchmarkLoadNetworkByDistrict measures the dispatch network's load for
// an order with a district code, as dispatch runs it (one unit, one round
// trip): 10,000 sites with a 20 km radius spread over eastern China, each
// also covering three random districts, and orders at random districts'
// points. It reports p50/p99 and the sites loaded per order, with and
// (alternating) without the district code.
func BenchmarkLoadNetworkByDistrict(b *testing.B) {
	pool, dbURL := pgtest.NewPool(b)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	n := pgtest.NewNetwork(b, s, "bench-districts", "")
	t := district.Default()
	var districts []district.Division
	for _, p := range t.Provinces() {
		for _, c := range t.Children(p.Code) {
			for _, d := range t.Children(c.Code) {
				if d.HasPoint {
					districts = append(districts, d)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(19, 60))
	const sites = 10_000
	ids := make([]uuid.UUID, sites)
	codes, lats, lons := make([]string, sites), make([]float64, sites), make([]float64, sites)
	var covSite []uuid.UUID
	var covCode []string
	for i := range ids {
		ids[i] = uuid.New()
		codes[i] = fmt.Sprintf("B-%05d", i)
		lats[i], lons[i] = 20+rng.Float64()*25, 100+rng.Float64()*22
		seen := map[string]bool{}
		for len(seen) < 3 {
			d := districts[rng.IntN(len(districts))].Code
			if !seen[d] {
				seen[d] = true
				covSite, covCode = append(covSite, ids[i]), append(covCode, d)
			}
		}
	}
	pgtest.TenantExec(b, pool, n.Tenant, `INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km, product_lines)
		SELECT $1, id, code, code, 'service_station', $2, lat, lon, 20, '{AC}'
		FROM unnest($3::uuid[], $4::text[], $5::float8[], $6::float8[]) AS x(id, code, lat, lon)`, n.Tenant, n.Region, ids, codes, lats, lons)
	pgtest.TenantExec(b, pool, n.Tenant, `INSERT INTO site_districts (tenant_id, site_id, division_code, coverage)
		SELECT $1, s, c, CASE WHEN random() < 0.3 THEN 'secondary' ELSE 'primary' END FROM unnest($2::uuid[], $3::text[]) AS x(s, c)`,
		n.Tenant, covSite, covCode)
	owner, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(b, err)
	_, err = owner.Exec(context.Background(), `ANALYZE sites; ANALYZE site_districts`)
	require.NoError(b, err)
	require.NoError(b, owner.Close(context.Background()))

	ctx := context.Background()
	now := time.Now()
	var loaded [2]int
	load := func(d district.Division, k int) error {
		code := d.Code
		if k == 1 {
			code = "" // the same load without a district code: the box alone
		}
		return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			net, err := s.WorkOrders(u).Network(ctx, d.Lat, d.Lon, 300, code, now)
			if err == nil {
				loaded[k] += net.Len()
			}
			return err
		})
	}
	for i := range 50 {
		require.NoError(b, load(districts[rng.IntN(len(districts))], i%2))
	}
	loaded = [2]int{}
	var lat [2][]time.Duration
	i := 0
	for b.Loop() {
		k := i % 2
		i++
		d := districts[rng.IntN(len(districts))]
		t0 := time.Now()
		if err := load(d, k); err != nil {
			b.Fatal(err)
		}
		lat[k] = append(lat[k], time.Since(t0))
	}
	for k, name := range []string{"district", "box_only"} {
		l := lat[k]
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		b.ReportMetric(float64(l[len(l)/2].Microseconds())/1000, name+"_p50_ms")
		b.ReportMetric(float64(l[len(l)*99/100].Microseconds())/1000, name+"_p99_ms")
		b.ReportMetric(float64(loaded[k])/float64(len(l)), name+"_sites/order")
	}
}
