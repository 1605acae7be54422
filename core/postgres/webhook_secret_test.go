package postgres_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/webhook"
)

// insertPlainWebhook writes an endpoint in the shape of before migration
// 00018 (or of an older replica): its secrets in plain text.
func insertPlainWebhook(t *testing.T, s *postgres.Store, tenant, id uuid.UUID, secret, previous string) {
	pgtest.InTenant(t, s.Pool(), tenant, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, secret, previous_secret,
				previous_secret_until, created_at, updated_at)
			VALUES (app_current_tenant(), $1, 'https://hooks.example.com/in', '{*}', $2, $3, now() + interval '1 day', now(), now())`,
			id, secret, previous)
		require.NoError(t, err)
	})
}

type storedSecrets struct {
	Secret, Previous   string
	Sealed, PrevSealed []byte
}

func stored(t *testing.T, s *postgres.Store, tenant, id uuid.UUID) storedSecrets {
	var out storedSecrets
	pgtest.InTenant(t, s.Pool(), tenant, func(ctx context.Context, tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(ctx, `SELECT secret, previous_secret, secret_sealed, previous_secret_sealed
			FROM webhook_endpoints WHERE id = $1`, id).Scan(&out.Secret, &out.Previous, &out.Sealed, &out.PrevSealed))
	})
	return out
}

// attempt fans a message out to the tenant's endpoints and starts the
// attempt of the endpoint's delivery: what the deliverer signs with.
func attempt(t *testing.T, s *postgres.Store, tenant, endpoint uuid.UUID, outboxID int64) (*core.WebhookSend, error) {
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		return s.CreateWebhookDeliveries(ctx, u, core.OutboxMessage{TenantID: tenant, ID: outboxID, AggregateID: uuid.New(),
			Type: core.OutboxWorkOrderCreated, Payload: []byte(`{}`), CreatedAt: time.Now()}, []byte(`{"type":"x"}`))
	}))
	ids := pgtest.TenantRows[uuid.UUID](t, s.Pool(), tenant,
		`SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 AND outbox_id = $2`, endpoint, outboxID)
	require.Len(t, ids, 1)
	var send *core.WebhookSend
	err := core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) (err error) {
		send, err = s.StartWebhookAttempt(ctx, u, ids[0], time.Now().Add(time.Second), time.Minute)
		return err
	})
	return send, err
}

func keyed(t *testing.T, pool *pgxpool.Pool, fill byte) *postgres.Store {
	s := postgres.NewStore(pool, core.SystemClock{}, slog.New(slog.DiscardHandler))
	require.NoError(t, s.UseSecretKey(bytes.Repeat([]byte{fill}, 32)))
	return s
}

// TestWebhookSecretsSealedAtRest: new secrets are stored encrypted with
// the platform key, never in plain text; secrets of the old plaintext
// shape are encrypted by SealWebhookSecrets (every tenant, idempotent)
// and still sign deliveries as before; a store with another key cannot
// read them; rotation keeps the previous secret sealed.
func TestWebhookSecretsSealedAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	s := keyed(t, pool, 7)
	acme, other := pgtest.NewNetwork(t, s, "acme", ""), pgtest.NewNetwork(t, s, "other", "")

	// Before the upgrade: plaintext rows in two tenants.
	const oldSecret, oldPrevious = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2VjcmV0LWJlZm9yZS1yb3RhdGlvbg=="
	old, otherOld := uuid.New(), uuid.New()
	insertPlainWebhook(t, s, acme.Tenant, old, oldSecret, oldPrevious)
	insertPlainWebhook(t, s, other.Tenant, otherOld, "whsec_b3RoZXItdGVuYW50LXNlY3JldA==", "")
	before, err := attempt(t, s, acme.Tenant, old, 1)
	require.NoError(t, err)
	require.Equal(t, oldSecret, before.Secret, "a row not sealed yet still signs")

	n, err := s.SealWebhookSecrets(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = s.SealWebhookSecrets(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "idempotent")
	for _, row := range []storedSecrets{stored(t, s, acme.Tenant, old), stored(t, s, other.Tenant, otherOld)} {
		require.Empty(t, row.Secret)
		require.Empty(t, row.Previous)
		require.NotEmpty(t, row.Sealed)
		require.NotContains(t, string(row.Sealed), "whsec_")
	}
	require.NotEmpty(t, stored(t, s, acme.Tenant, old).PrevSealed)
	require.Empty(t, stored(t, s, other.Tenant, otherOld).PrevSealed)

	after, err := attempt(t, s, acme.Tenant, old, 2)
	require.NoError(t, err)
	require.Equal(t, oldSecret, after.Secret)
	require.Equal(t, oldPrevious, after.PreviousSecret)
	at := time.Unix(1614265330, 0)
	got, err := core.SignWebhook(after.Secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", at, []byte(`{"test": 2432232314}`))
	require.NoError(t, err)
	require.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", got, "signs as the plaintext secret did")

	// Another key reads nothing.
	_, err = attempt(t, keyed(t, pool, 8), acme.Tenant, old, 3)
	require.Equal(t, core.EUNPROCESSABLE, core.ErrorCode(err))
	require.ErrorContains(t, err, "do not decrypt")

	// Created and rotated through the use cases: sealed, and the
	// rotation's previous secret is the sealed current one.
	hooks := webhook.New(webhook.Config{Store: s})
	var created, rotated *core.WebhookEndpoint
	require.NoError(t, core.InUnitOfWork(ctx, s, acme.Tenant, func(u core.UnitOfWork) (err error) {
		created, err = hooks.CreateWebhook(ctx, u, core.NewWebhookEndpoint{URL: "https://hooks.example.com/2", EventTypes: []string{"*"}})
		return err
	}))
	row := stored(t, s, acme.Tenant, created.ID)
	require.Empty(t, row.Secret)
	require.NotContains(t, string(row.Sealed), created.Secret)
	require.NoError(t, core.InUnitOfWork(ctx, s, acme.Tenant, func(u core.UnitOfWork) (err error) {
		rotated, err = hooks.RotateWebhookSecret(ctx, u, created.ID)
		return err
	}))
	send, err := attempt(t, s, acme.Tenant, created.ID, 4)
	require.NoError(t, err)
	require.Equal(t, rotated.Secret, send.Secret)
	require.Equal(t, created.Secret, send.PreviousSecret)
	row = stored(t, s, acme.Tenant, created.ID)
	require.Empty(t, row.Secret)
	require.Empty(t, row.Previous)

	// A secret moved to another row does not open there.
	pgtest.InTenant(t, s.Pool(), acme.Tenant, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET secret_sealed = $2 WHERE id = $1`, old, row.Sealed)
		require.NoError(t, err)
	})
	_, err = attempt(t, s, acme.Tenant, old, 5)
	require.ErrorContains(t, err, "do not decrypt")
}
