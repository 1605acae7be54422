package jobs_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/testkit"
)

// TestWebhookPlaintextSecretSealedStillSigns: an endpoint stored before
// secrets were encrypted (its secret in plain text) is sealed by the
// start-up pass, and its deliveries still verify with the secret the
// receiver has always had; nothing of it stays in plain text.
func TestWebhookPlaintextSecretSealedStillSigns(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, allowLoopback, nil, core.WebhookDisablePolicy{}, nil)
	rcv := newReceiver(t, 200)
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	id := uuid.New()
	pgtest.InTenant(t, b.store.Pool(), b.net.Tenant, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, secret, created_at, updated_at)
			VALUES (app_current_tenant(), $1, $2, '{*}', $3, now(), now())`, id, rcv.URL, secret)
		require.NoError(t, err)
	})
	n, err := b.store.SealWebhookSecrets(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, []string{""}, pgtest.TenantRows[string](t, b.store.Pool(), b.net.Tenant,
		`SELECT secret FROM webhook_endpoints WHERE id = $1`, id))

	b.intake(t)
	testkit.Eventually(t, settleWithin, "the delivery arrives", func() bool { return len(rcv.requests()) > 0 })
	got := rcv.requests()[0]
	require.NoError(t, verifyStandardWebhook(secret, got.header, got.body))
}
