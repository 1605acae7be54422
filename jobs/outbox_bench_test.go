package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/jobs"
)

// BenchmarkOutboxNotifications: assignment messages from the outbox
// through a relay, Asynq (private Redis) and a worker of 20 to the log SMS
// provider, two texts each, each text queued by the outbox handler and
// sent by its own task after the commit (claim, send, record). It runs
// once whatever b.N is:
//   - backlog: 6,000 messages committed at once; messages/s until every
//     text is sent;
//   - stream: 4,000 messages offered at about 1,000/s in batches of 10;
//     outbox-to-gateway lag (created_at of the message to sent_at of each
//     of its texts) p50/p99.
//
// Targets: at least 2,000 messages/s, lag p99 under 1 s.
func BenchmarkOutboxNotifications(b *testing.B) {
	tb := setup(b, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := asynq.NewClient(tb.redis)
	defer client.Close()
	relay := jobs.NewRelay(tb.store, tb.store, client, tb.log)
	go relay.Run(ctx)
	tb.worker(b, 20, tb.outbox.HandleTask)

	// offer inserts n orders, assigned to the fixture's technician, each
	// with its assignment message, in one transaction.
	offer := func(n int) {
		pgtest.TenantExec(b, tb.store.Pool(), tb.net.Tenant, `WITH w AS (
				INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, service_type, address,
					site_id, technician_id, created_by)
				SELECT app_current_tenant(), gen_random_uuid(), 'WO-B-' || gen_random_uuid(), 'repair', 'phone', 'assigned', $1,
					'repair', '深圳市南山区科技园', $2, $3, 'bench' FROM generate_series(1, $4)
				RETURNING id)
			INSERT INTO outbox (tenant_id, aggregate_id, type, payload)
			SELECT app_current_tenant(), w.id, 'work_order.assigned', jsonb_build_object('technician_id', $3::uuid) FROM w`,
			tb.net.Customer, tb.net.Site, tb.net.Technician, n)
		tb.store.OutboxCommitted() // as the store does after its own commits
	}
	drain := func() {
		for tenantQuery[int64](b, tb, `SELECT (SELECT count(*) FROM outbox WHERE done_at IS NULL)
			+ (SELECT count(*) FROM sms_messages WHERE status IN ('queued', 'sending'))`)[0] > 0 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	offer(100) // warm up
	drain()

	b.ResetTimer()
	const backlog = 6000
	start := time.Now()
	offer(backlog)
	drain()
	rate := backlog / time.Since(start).Seconds()

	mark := time.Now()
	const stream, batch = 4000, 10
	tick := time.NewTicker(10 * time.Millisecond)
	for i := 0; i < stream/batch; i++ {
		<-tick.C
		offer(batch)
	}
	tick.Stop()
	drain()
	b.StopTimer()
	lag := tenantQuery[float64](b, tb, `SELECT extract(epoch FROM percentile_cont(p) WITHIN GROUP (ORDER BY s.sent_at - o.created_at))
		FROM outbox o JOIN sms_messages s ON s.outbox_id = o.id, unnest(ARRAY[0.5, 0.99]) p
		WHERE o.created_at >= $1 GROUP BY p ORDER BY p`, mark)
	texts := tenantQuery[int64](b, tb, `SELECT count(*) FROM sms_messages WHERE status = 'sent'`)[0]
	require.Equal(b, int64(2*(100+backlog+stream)), texts)
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(2*rate, "sms/s")
	b.ReportMetric(lag[0]*1000, "lag_p50_ms")
	b.ReportMetric(lag[1]*1000, "lag_p99_ms")
}
