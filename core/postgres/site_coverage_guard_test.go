package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// inTx runs stmts in one transaction of the tenant and returns the error
// of the first statement that fails or of the commit (deferred checks).
func inTx(t *testing.T, pool *pgxpool.Pool, tenant uuid.UUID, stmts ...string) error {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenant.String()); err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// TestSiteCoversSomewhereGuard: the database's own guard (00088) lets a
// site have no radius and no polygon when it covers districts, checked at
// commit whatever the order of the writes, and refuses one left covering
// nowhere.
func TestSiteCoversSomewhereGuard(t *testing.T) {
	t.Parallel()
	store := pgtest.NewStore(t, nil)
	n := pgtest.NewNetwork(t, store, "guard", "")
	pool := store.Pool()
	site := func(id uuid.UUID, code string) string {
		return `INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon) VALUES ('` + n.Tenant.String() + `', '` +
			id.String() + `', '` + code + `', 'x', 'dealer', '` + n.Region.String() + `', 22.5, 113.9)`
	}
	cover := func(id uuid.UUID, code string) string {
		return `INSERT INTO site_districts (tenant_id, site_id, division_code, coverage) VALUES ('` + n.Tenant.String() + `', '` +
			id.String() + `', '` + code + `', 'primary')`
	}
	a, b := uuid.New(), uuid.New()
	err := inTx(t, pool, n.Tenant, site(a, "S-A"))
	require.ErrorContains(t, err, "covers nowhere")
	require.NoError(t, inTx(t, pool, n.Tenant, site(a, "S-A"), cover(a, "440305"), cover(a, "440306")))
	require.NoError(t, inTx(t, pool, n.Tenant, site(b, "S-B"), cover(b, "440305")))
	require.NoError(t, inTx(t, pool, n.Tenant, `DELETE FROM site_districts WHERE division_code = '440306'`))
	require.ErrorContains(t, inTx(t, pool, n.Tenant, `DELETE FROM site_districts WHERE site_id = '`+a.String()+`'`), "covers nowhere")
	require.ErrorContains(t, inTx(t, pool, n.Tenant, `UPDATE sites SET radius_km = NULL WHERE id = '`+n.Site.String()+`'`), "covers nowhere")
	require.NoError(t, inTx(t, pool, n.Tenant, `UPDATE sites SET radius_km = 5 WHERE id = '`+a.String()+`'`,
		`DELETE FROM site_districts WHERE site_id = '`+a.String()+`'`))
	require.NoError(t, inTx(t, pool, n.Tenant, `DELETE FROM sites WHERE id = '`+b.String()+`'`), "a site goes with its districts")
	require.Equal(t, []int64{0}, pgtest.TenantRows[int64](t, pool, n.Tenant,
		`SELECT count(*) FROM site_districts WHERE site_id = $1`, b))
}

// TestWorkOrderReportMarksOncePerTransaction: an intake's insert and its
// dispatch updates leave one report_touched entry, not one per row event
// (00089, 00119); a write in a later transaction logs again; an entry
// rolled back with a savepoint is written again after it.
func TestWorkOrderReportMarksOncePerTransaction(t *testing.T) {
	t.Parallel()
	store := pgtest.NewStore(t, nil)
	n := pgtest.NewNetwork(t, store, "marks", "")
	pool := store.Pool()
	marks := func() int64 {
		return pgtest.TenantRows[int64](t, pool, n.Tenant, `SELECT count(*) FROM report_touched WHERE src = 'o'`)[0]
	}
	id := uuid.New()
	where := ` WHERE id = '` + id.String() + `'`
	before := marks()
	require.NoError(t, inTx(t, pool, n.Tenant,
		`INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, service_type, created_by)
			VALUES ('`+n.Tenant.String()+`', '`+id.String()+`', 'WO-1', 'repair', 'phone', 'created', '`+n.Customer.String()+`', 'repair', 'x')`,
		`UPDATE work_orders SET state = 'dispatched', site_id = '`+n.Site.String()+`'`+where,
		`UPDATE work_orders SET state = 'assigned', technician_id = '`+n.Technician.String()+`'`+where))
	require.Equal(t, before+1, marks(), "one mark for the intake's three row events")
	require.NoError(t, inTx(t, pool, n.Tenant, `UPDATE work_orders SET responded_at = now()`+where))
	require.Equal(t, before+2, marks(), "a later transaction marks again")
	require.NoError(t, inTx(t, pool, n.Tenant, `SAVEPOINT s`, `UPDATE work_orders SET state = 'dispatched'`+where,
		`ROLLBACK TO SAVEPOINT s`, `UPDATE work_orders SET arrived_at = now()`+where))
	require.Equal(t, before+3, marks(), "the rolled-back mark is written again")
	require.NoError(t, inTx(t, pool, n.Tenant, `UPDATE work_orders SET description = 'x'`+where))
	require.Equal(t, before+3, marks(), "a column reports do not read marks nothing")
}
