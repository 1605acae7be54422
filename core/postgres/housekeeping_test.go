package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestPurgeKeepsWebhookDeliveriesAMonth: ended deliveries (and their
// attempts) go 30 days after they were created; pending ones and recent
// ones stay.
func TestPurgeKeepsWebhookDeliveriesAMonth(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	n := pgtest.NewNetwork(t, s, "acme", "")
	ctx := context.Background()
	now := time.Now()
	endpoint := uuid.New()
	deliveries := map[string]uuid.UUID{"old delivered": uuid.New(), "old failed": uuid.New(), "old pending": uuid.New(),
		"recent delivered": uuid.New()}
	pgtest.InTenant(t, s.Pool(), n.Tenant, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, secret, created_at, updated_at)
			VALUES (app_current_tenant(), $1, 'https://example.com/hook', '{*}', 'whsec_x', $2, $2)`, endpoint, now)
		require.NoError(t, err)
		outboxID := int64(0)
		for name, id := range deliveries {
			outboxID++
			status, at := "delivered", now.Add(-31*24*time.Hour)
			switch name {
			case "old failed":
				status = "failed"
			case "old pending":
				status = "pending"
			}
			if name == "recent delivered" {
				at = now.Add(-29 * 24 * time.Hour)
			}
			_, err = tx.Exec(ctx, `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, outbox_id, event_type, body, status, created_at)
				VALUES (app_current_tenant(), $1, $2, $3, 'work_order.created', '{}', $4, $5)`, id, endpoint, outboxID, status, at)
			require.NoError(t, err)
			_, err = tx.Exec(ctx, `INSERT INTO webhook_attempts (tenant_id, delivery_id, n, at, duration_ms)
				VALUES (app_current_tenant(), $1, 1, $2, 5)`, id, at)
			require.NoError(t, err)
		}
	})

	_, err := s.PurgeExpired(ctx, now)
	require.NoError(t, err)

	left := map[uuid.UUID]int{}
	pgtest.InTenant(t, s.Pool(), n.Tenant, func(ctx context.Context, tx pgx.Tx) {
		rows, err := tx.Query(ctx, `SELECT d.id, count(a.n) FROM webhook_deliveries d
			LEFT JOIN webhook_attempts a ON a.tenant_id = d.tenant_id AND a.delivery_id = d.id GROUP BY d.id`)
		require.NoError(t, err)
		for rows.Next() {
			var id uuid.UUID
			var attempts int
			require.NoError(t, rows.Scan(&id, &attempts))
			left[id] = attempts
		}
		require.NoError(t, rows.Err())
		require.Equal(t, map[uuid.UUID]int{deliveries["old pending"]: 1, deliveries["recent delivered"]: 1}, left)
		var orphans int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM webhook_attempts a WHERE NOT EXISTS
			(SELECT 1 FROM webhook_deliveries d WHERE d.tenant_id = a.tenant_id AND d.id = a.delivery_id)`).Scan(&orphans))
		require.Zero(t, orphans, "attempts go with their delivery")
	})
}

// TestPurgeForgetsLoginFailuresButNotFamiliarClients: failure counters go
// a day after their last failure; a client the user signed in from stays
// familiar (its old failures cleared) until unused for 180 days.
func TestPurgeForgetsLoginFailuresButNotFamiliarClients(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	n := pgtest.NewNetwork(t, s, "acme", "")
	ctx := context.Background()
	now := time.Now()
	day := 24 * time.Hour
	rows := []struct {
		client             string
		failedAgo, succAgo time.Duration // 0: never
	}{
		{"stranger-old", 2 * day, 0}, {"stranger-recent", time.Hour, 0},
		{"familiar-old-failure", 2 * day, 10 * day}, {"familiar-recent-failure", time.Hour, 10 * day},
		{"familiar-long-unused", 0, 200 * day},
	}
	at := func(ago time.Duration) *time.Time {
		if ago == 0 {
			return nil
		}
		t := now.Add(-ago)
		return &t
	}
	pgtest.InTenant(t, s.Pool(), n.Tenant, func(ctx context.Context, tx pgx.Tx) {
		for _, r := range rows {
			failures := 0
			if r.failedAgo != 0 {
				failures = 3
			}
			_, err := tx.Exec(ctx, `INSERT INTO login_attempts (tenant_id, username, client, failures, last_failure_at, succeeded_at)
				VALUES (app_current_tenant(), 'admin', $1, $2, $3, $4)`, r.client, failures, at(r.failedAgo), at(r.succAgo))
			require.NoError(t, err)
		}
	})
	_, err := s.PurgeExpired(ctx, now)
	require.NoError(t, err)
	left := map[string]int{}
	pgtest.InTenant(t, s.Pool(), n.Tenant, func(ctx context.Context, tx pgx.Tx) {
		rs, err := tx.Query(ctx, `SELECT client, failures FROM login_attempts`)
		require.NoError(t, err)
		for rs.Next() {
			var c string
			var f int
			require.NoError(t, rs.Scan(&c, &f))
			left[c] = f
		}
		require.NoError(t, rs.Err())
	})
	require.Equal(t, map[string]int{"stranger-recent": 3, "familiar-old-failure": 0, "familiar-recent-failure": 3}, left)
}
