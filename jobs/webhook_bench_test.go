package jobs_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// BenchmarkWebhookDeliveries: work_order.created messages from the outbox
// through the handler's fan-out, the sweeper, Asynq (private Redis) and a
// worker of 20 to a local receiver that accepts at once. It runs once
// whatever b.N is: 3,000 messages committed at once; deliveries/s until
// all are delivered, and message-to-delivery lag p50/p99.
func BenchmarkWebhookDeliveries(b *testing.B) {
	hb := setupHooks(b, allowLoopback, nil, core.WebhookDisablePolicy{}, nil)
	rcv := newReceiver(b, 200)
	e := hb.endpoint(b, rcv.URL, core.OutboxWorkOrderCreated)
	offer := func(n int) {
		pgtest.TenantExec(b, hb.store.Pool(), hb.net.Tenant, `INSERT INTO outbox (tenant_id, aggregate_id, type)
			SELECT app_current_tenant(), gen_random_uuid(), 'work_order.created' FROM generate_series(1, $1)`, n)
		hb.store.OutboxCommitted()
	}
	delivered := func() int64 {
		return tenantQuery[int64](b, hb.testBundle, `SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1
			AND status = 'delivered'`, e.ID)[0]
	}
	wait := func(n int64) {
		for delivered() < n {
			time.Sleep(10 * time.Millisecond)
		}
	}
	offer(100) // warm up
	wait(100)

	b.ResetTimer()
	const backlog = 3000
	mark := time.Now()
	offer(backlog)
	wait(100 + backlog)
	rate := backlog / time.Since(mark).Seconds()
	b.StopTimer()
	lag := tenantQuery[float64](b, hb.testBundle, `SELECT extract(epoch FROM percentile_cont(p) WITHIN GROUP (ORDER BY d.delivered_at - o.created_at))
		FROM webhook_deliveries d JOIN outbox o ON o.tenant_id = d.tenant_id AND o.id = d.outbox_id, unnest(ARRAY[0.5, 0.99]) p
		WHERE o.created_at >= $1 GROUP BY p ORDER BY p`, mark)
	require.Len(b, rcv.requests(), 100+backlog, "each delivery sent once")
	b.ReportMetric(rate, "deliveries/s")
	b.ReportMetric(lag[0]*1000, "lag_p50_ms")
	b.ReportMetric(lag[1]*1000, "lag_p99_ms")
}
