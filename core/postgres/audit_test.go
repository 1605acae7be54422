package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestAuditScenarios runs the audit log's scenarios against PostgreSQL:
// what core/audit's tests check on the in-memory fake holds on the real
// adapter too (a rolled-back unit leaves no event; row-level security
// keeps tenants apart; a platform unit reads them all).
func TestAuditScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.AuditScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			s := pgtest.NewStore(t, nil)
			a, b := pgtest.NewNetwork(t, s, "acme", ""), pgtest.NewNetwork(t, s, "bolt", "")
			sc.Run(t, coretest.AuditEnv{Units: s, Store: s, Tenant: a.Tenant, Other: b.Tenant})
		})
	}
}

// TestAuditEventsAreAppendOnly: the application role can neither change
// nor delete an event, even its own tenant's; only the retention purge
// deletes, and only events older than its cut-off.
func TestAuditEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	n := pgtest.NewNetwork(t, s, "acme", "")
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
		audit.Record(ctx, s, u, audit.Change{Action: audit.ActCreate, ResourceType: audit.ResUser, ResourceID: "u1"})
		return nil
	}))
	for _, stmt := range []string{`UPDATE audit_events SET action = 'delete'`, `DELETE FROM audit_events`, `TRUNCATE audit_events`} {
		tx, err := s.Pool().Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, n.Tenant.String())
		require.NoError(t, err)
		_, err = tx.Exec(ctx, stmt)
		require.ErrorContains(t, err, "permission denied", stmt)
		require.NoError(t, tx.Rollback(ctx))
	}
	count := func() int {
		return pgtest.TenantRows[int](t, s.Pool(), n.Tenant, `SELECT count(*)::int FROM audit_events`)[0]
	}
	require.Equal(t, 1, count())

	purged, err := s.PurgeAuditEvents(ctx, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	require.Zero(t, purged, "a recent event stays")
	require.Equal(t, 1, count())
	purged, err = s.PurgeAuditEvents(ctx, time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.EqualValues(t, 1, purged)
	require.Equal(t, 0, count())
	pgtest.InTenant(t, s.Pool(), n.Tenant, func(ctx context.Context, tx pgx.Tx) {
		var v string
		require.NoError(t, tx.QueryRow(ctx, `SELECT coalesce(current_setting('app.audit_purge', true), '')`).Scan(&v))
		require.Empty(t, v, "the purge's permission ends with it")
	})
}
