package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

const benchComplaints = 1_000_000

// BenchmarkComplaintLists measures the complaint workbench's lists on a
// tenant with a million cases: newest first, by state, by category, by
// responsible site, overdue, and a region manager's scoped list, each the
// first page of 50 in its own tenant unit as the API runs it. It reports
// p50/p99 per shape. Target p99 under 50 ms.
func BenchmarkComplaintLists(b *testing.B) {
	clock := &coretest.Clock{}
	pool, dbURL := pgtest.NewPool(b)
	s := postgres.NewStore(pool, clock, slog.New(slog.DiscardHandler))
	n := pgtest.NewNetwork(b, s, "bench", "")
	start := time.Now()
	// 50 responsible sites under the network's region; states, categories
	// and due times spread over 230 days; the newest
	// weeks' active cases are not yet due, the older ones overdue.
	pgtest.TenantExec(b, s.Pool(), n.Tenant, `INSERT INTO complaints (tenant_id, id, number, customer_id, category, severity,
		channel, state, owner_kind, owner_site_id, owner_region_id, deadline_days, due_at, created_by, created_at, updated_at)
		SELECT $1::uuid, md5($1::uuid::text || g)::uuid, 'TS-' || g, $2,
			(ARRAY['repair_quality','service_attitude','fees','parts_quality','sales','delivery','other'])[1 + g % 7],
			(ARRAY['normal','serious','critical'])[1 + g % 3], 'phone',
			(ARRAY['closed','closed','closed','confirmed','open','acknowledged','investigating','resolution_proposed'])[1 + (g / 7) % 8],
			'site', md5('site' || (g % 50))::uuid, $3, 7,
			now() - interval '232 days' + g * interval '20 seconds' + interval '7 days' + (g % 30) * interval '1 day',
			'bench', now() - interval '232 days' + g * interval '20 seconds', now()
		FROM generate_series(1, $4::int) g`, n.Tenant, n.Customer, n.Region, benchComplaints)
	owner, err := pgx.Connect(context.Background(), dbURL) // ANALYZE as the tables' owner
	require.NoError(b, err)
	_, err = owner.Exec(context.Background(), `ANALYZE complaints`)
	require.NoError(b, err)
	require.NoError(b, owner.Close(context.Background()))
	b.Logf("loaded %d complaints in %v", benchComplaints, time.Since(start).Round(time.Millisecond))

	svc := complaint.NewService(complaint.Config{Store: s, Units: s, Clock: clock})
	site := pgtest.TenantRows[uuid.UUID](b, s.Pool(), n.Tenant, `SELECT md5('site' || 7)::uuid`)[0]
	all := complaint.Reach{All: true}
	shapes := []struct {
		name string
		f    complaint.Filter
	}{
		{"newest", complaint.Filter{Within: all}},
		{"by_state", complaint.Filter{Within: all, State: complaint.StateInvestigating}},
		{"by_category", complaint.Filter{Within: all, Category: "fees"}},
		{"by_unit", complaint.Filter{Within: all, OwnerSite: &site}},
		{"overdue", complaint.Filter{Within: all, Overdue: true}},
		{"region_scope", complaint.Filter{Within: complaint.Reach{Regions: []uuid.UUID{n.Region}}, State: complaint.StateOpen}},
	}
	ctx := context.Background()
	list := func(f complaint.Filter) error {
		f.Limit = 50
		return core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			out, _, err := svc.Find(ctx, u, f)
			if err == nil && len(out) != 50 {
				err = fmt.Errorf("got %d cases", len(out))
			}
			return err
		})
	}
	for _, sh := range shapes { // warm up, and check every shape finds a full page
		for range 20 {
			require.NoError(b, list(sh.f), sh.name)
		}
	}
	lat := make([][]time.Duration, len(shapes))
	i := 0
	for b.Loop() {
		k := i % len(shapes)
		i++
		t0 := time.Now()
		if err := list(shapes[k].f); err != nil {
			b.Fatal(err)
		}
		lat[k] = append(lat[k], time.Since(t0))
	}
	for k, sh := range shapes {
		l := lat[k]
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		b.ReportMetric(float64(l[len(l)/2].Microseconds())/1000, sh.name+"_p50_ms")
		b.ReportMetric(float64(l[len(l)*99/100].Microseconds())/1000, sh.name+"_p99_ms")
	}
}
