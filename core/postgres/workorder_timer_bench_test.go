package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
)

// BenchmarkFireDueTimersIdle is the cost of one timer run (each minute)
// over 100,000 open orders of which none is due: what every replica's
// claim winner pays when nothing happens.
func BenchmarkFireDueTimersIdle(b *testing.B) {
	s := pgtest.NewStore(b, nil)
	n := pgtest.NewNetwork(b, s, "acme", "")
	ctx := context.Background()
	// Open orders taken in over the last hour with deadlines hours ahead:
	// in the watch indexes, none near its deadline.
	pgtest.TenantExec(b, s.Pool(), n.Tenant, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, service_type,
			site_id, respond_by, arrive_by, complete_by, created_by, created_at, updated_at)
		SELECT $1, gen_random_uuid(), 'B-' || i, 'repair', 'phone', 'assigned', $2, 'repair', $3,
			now() + interval '2 hours', now() + interval '1 day', now() + interval '3 days', 'bench',
			now() - (i % 3600) * interval '1 second', now()
		FROM generate_series(1, 100000) i`, n.Tenant, n.Customer, n.Site)
	_, err := s.Pool().Exec(ctx, `ANALYZE work_orders`)
	require.NoError(b, err)
	work := workorder.NewService(workorder.Config{Store: s, Units: s})
	for b.Loop() {
		fired, err := work.FireDueTimers(ctx)
		require.NoError(b, err)
		require.Zero(b, fired)
	}
}
