package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// Webhook signing secrets are stored sealed (secretBox, labelled
// labelWebhookSecret, with the tenant and endpoint IDs), in secret_sealed
// and previous_secret_sealed; the plaintext columns of migration 00011
// stay empty but for rows not sealed yet (see SealWebhookSecrets).

// sealWebhookSecret seals a secret of endpoint id of tenant ("" stays
// NULL).
func sealWebhookSecret(box *secretBox, tenant, id uuid.UUID, secret string) []byte {
	if secret == "" {
		return nil
	}
	return box.seal(tenant, id, labelWebhookSecret, []byte(secret))
}

// openWebhookSecret opens a sealed secret, unless the row holds one in
// plain text: not sealed yet, or written since by an older replica (a
// rolling upgrade), which knows only the plaintext column.
func openWebhookSecret(box *secretBox, tenant, id uuid.UUID, sealed []byte, plain string) (string, error) {
	if plain != "" || sealed == nil {
		return plain, nil
	}
	b, err := box.open(tenant, id, labelWebhookSecret, sealed)
	if err != nil {
		return "", core.Errorf(core.EUNPROCESSABLE, "webhook %s: %v", id, err)
	}
	return string(b), nil
}

// SealWebhookSecrets seals every webhook secret still stored in plain text
// (rows of before migration 00018, or written by an older replica) with
// the store's key and empties the plaintext columns, tenant by tenant, in
// one transaction per tenant. It is idempotent and safe to run on several
// replicas at once (rows another is sealing are skipped); it returns how
// many endpoints it sealed. serve runs it at every start.
func (s *Store) SealWebhookSecrets(ctx context.Context) (int, error) {
	tenants, err := s.tenantsWithPlainWebhookSecrets(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, tenant := range tenants {
		err := core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
			n, err := s.sealTenantWebhookSecrets(ctx, u, tenant)
			total += n
			return err
		})
		if err != nil {
			return total, fmt.Errorf("sealing the webhook secrets of tenant %s: %w", tenant, err)
		}
	}
	return total, nil
}

// tenantsWithPlainWebhookSecrets lists every tenant: the application's
// role sees no tenant's endpoints outside a tenant unit (row-level
// security), so each is looked at in its own.
func (s *Store) tenantsWithPlainWebhookSecrets(ctx context.Context) ([]uuid.UUID, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, translate(err, "tenants")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	return ids, translate(err, "tenants")
}

func (s *Store) sealTenantWebhookSecrets(ctx context.Context, u core.UnitOfWork, tenant uuid.UUID) (int, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := q.Query(ctx, `SELECT id, secret, previous_secret FROM webhook_endpoints
		WHERE secret <> '' OR previous_secret <> '' FOR UPDATE SKIP LOCKED`)
	if err != nil {
		return 0, translate(err, "webhook")
	}
	type plain struct {
		ID               uuid.UUID
		Secret, Previous string
	}
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[plain])
	if err != nil {
		return 0, translate(err, "webhook")
	}
	box := s.secrets()
	for _, p := range found {
		// A plaintext column is newer than its sealed one (see
		// openWebhookSecret); an empty one leaves the sealed one as it is.
		if _, err := q.Exec(ctx, `UPDATE webhook_endpoints SET
				secret_sealed = CASE WHEN secret <> '' THEN $2 ELSE secret_sealed END,
				previous_secret_sealed = CASE WHEN previous_secret <> '' THEN $3 ELSE previous_secret_sealed END,
				secret = '', previous_secret = ''
			WHERE id = $1`, p.ID, sealWebhookSecret(box, tenant, p.ID, p.Secret),
			sealWebhookSecret(box, tenant, p.ID, p.Previous)); err != nil {
			return 0, translate(err, "webhook")
		}
	}
	return len(found), nil
}
