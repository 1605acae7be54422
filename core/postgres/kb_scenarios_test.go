package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestKBScenarios runs the knowledge-base scenarios of core/kb on
// PostgreSQL: the search the fake imitates holds on the real tsvector,
// GIN and pg_trgm too.
func TestKBScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.KBScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			e := coretest.KBEnv{Store: s, Clock: clock, Tenant: uuid.New(), Other: uuid.New(), Region: uuid.New()}
			e.TenantSlug, e.OtherSlug = "t"+e.Tenant.String()[:8], "o"+e.Other.String()[:8]
			for tenant, slug := range map[uuid.UUID]string{e.Tenant: e.TenantSlug, e.Other: e.OtherSlug} {
				pgtest.CreateTenant(t, s, &core.Tenant{ID: tenant, Slug: slug, Name: "T", Locale: "zh-CN",
					TimeZone: "Asia/Shanghai"}, uuid.New(), "x")
			}
			sc.Run(t, e)
		})
	}
}

// TestKBSearchReachesTheIndex: searches find their candidates through
// kb_search_articles (migration 00070) because, under kb_articles' row
// policy, the application role's tsvector match cannot use the GIN index.
// The view shows the current tenant's articles only (none without one);
// BenchmarkKBSearch shows the index it reaches.
func TestKBSearchReachesTheIndex(t *testing.T) {
	t.Parallel()
	bed := newKBSearchBed(t, 50)
	other := uuid.New()
	pgtest.CreateTenant(t, bed.store, &core.Tenant{ID: other, Slug: "o" + other.String()[:8], Name: "O", Locale: "zh-CN",
		TimeZone: "Asia/Shanghai"}, uuid.New(), "x")
	pgtest.InTenant(t, bed.store.Pool(), other, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `INSERT INTO kb_articles (tenant_id, id, status, audience, title, body, html, version, edited_by,
				edited_by_name, created_at, updated_at, search)
			VALUES ($1, $2, 'published', 'internal', '门锁', '', '', 1, $1, 'x', now(), now(), '门:1A 锁:2A 门锁:2A')`, other, uuid.New())
		require.NoError(t, err)
	})
	count := func(tenant *uuid.UUID, where string) int {
		ctx := context.Background()
		tx, err := bed.store.Pool().Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx)
		if tenant != nil {
			_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenant.String())
			require.NoError(t, err)
		}
		var n int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM kb_search_articles WHERE `+where).Scan(&n))
		return n
	}
	require.Equal(t, 0, count(nil, "true"), "no tenant, no rows")
	require.Equal(t, 50+len(bed.targets), count(&bed.tenant, "true"))
	require.Equal(t, 1, count(&other, "true"))
	require.Equal(t, 1, count(&bed.tenant, `search @@ '门 & 锁 & 无'`), "the labelled article only, not the other tenant's")
	require.Equal(t, 0, count(&other, `search_title @@ '门 & 锁 & 无'`))

}
