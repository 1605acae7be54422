package postgres_test

import (
	"context"
	"testing"
	"time"

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
// kb_search_ranked (migrations 00074, 00103) because, under kb_articles' row
// policy, the application role's tsvector match cannot use the GIN index.
// The function returns the current tenant's articles only (none without
// one); BenchmarkKBSearch shows the index it reaches.
func TestKBSearchReachesTheIndex(t *testing.T) {
	t.Parallel()
	bed, other := newKBTwoTenants(t)
	ids := func(tenant *uuid.UUID, q string, extra string) []uuid.UUID {
		ctx := context.Background()
		tx, err := bed.store.Pool().Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx)
		if tenant != nil {
			_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenant.String())
			require.NoError(t, err)
		}
		var out []uuid.UUID
		require.NoError(t, tx.QueryRow(ctx, `SELECT kb_search_ranked($1::tsquery, NULL, NULL, 1000, 1000, NULL, NULL, NULL,
			NULL, NULL, NULL, NULL, NULL`+extra+`)`, q).Scan(&out))
		return out
	}
	require.Empty(t, ids(nil, "门", ""), "no tenant, no rows")
	require.Len(t, ids(&other, "门", ""), 1)
	mine := ids(&bed.tenant, "门 & 锁 & 无", "")
	require.Len(t, mine, 1, "the labelled article only, not the other tenant's")
	require.NotEqual(t, kbOtherArticle, mine[0])
	require.Equal(t, []uuid.UUID{kbOtherArticle}, ids(&other, "门 & 锁", ""))
	require.Empty(t, ids(&other, "门 & 锁 & 无", ""))
	// Body matches are added after the title's, without repeating them.
	all := ids(&bed.tenant, "门 | 锁 | 空 | 调", "")
	require.NotEmpty(t, all)
	seen := map[uuid.UUID]bool{}
	for _, id := range all {
		require.False(t, seen[id], "%s twice", id)
		seen[id] = true
	}
}

var kbOtherArticle = uuid.MustParse("0b7e5ac1-0000-4000-8000-00000000a001")

// newKBTwoTenants is a small search bed and another tenant with one
// article (kbOtherArticle, titled 门锁) that its searches must not find.
func newKBTwoTenants(t *testing.T) (*kbSearchBed, uuid.UUID) {
	bed := newKBSearchBed(t, 50)
	other := uuid.New()
	pgtest.CreateTenant(t, bed.store, &core.Tenant{ID: other, Slug: "o" + other.String()[:8], Name: "O", Locale: "zh-CN",
		TimeZone: "Asia/Shanghai"}, uuid.New(), "x")
	pgtest.InTenant(t, bed.store.Pool(), other, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `INSERT INTO kb_articles (tenant_id, id, status, audience, title, body, html, version, edited_by,
				edited_by_name, created_at, updated_at, search)
			VALUES ($1, $2, 'published', 'internal', '门锁', '', '', 1, $1, 'x', now(), now(), '门:1A 锁:2A 门锁:2A')`,
			other, kbOtherArticle)
		require.NoError(t, err)
	})
	return bed, other
}

// TestKBSearchDoesNotLeakAcrossTenants: the application role may create
// functions of its own in pg_temp. Migration 00070's view
// kb_search_articles (owned by the migration owner, no security barrier)
// let such a function, cheap enough to be evaluated first, see every
// tenant's rows; the view is gone, the candidates function takes values
// only and resolves its table in public even when the caller shadows it
// with a temporary one, and kb_articles' policy keeps the function's
// arguments to the caller's tenant.
func TestKBSearchDoesNotLeakAcrossTenants(t *testing.T) {
	t.Parallel()
	bed, other := newKBTwoTenants(t)
	ctx := context.Background()
	conn, err := bed.store.Pool().Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	exec := func(sql string, args ...any) error {
		_, err := tx.Exec(ctx, "SAVEPOINT s")
		require.NoError(t, err)
		if _, err = tx.Exec(ctx, sql, args...); err != nil {
			_, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT s")
			require.NoError(t, rerr)
		}
		return err
	}
	require.NoError(t, exec(`SELECT set_config('app.tenant_id', $1, true)`, bed.tenant.String()))
	require.NoError(t, exec(`CREATE TEMP TABLE seen (tenant_id uuid, id uuid)`))
	require.NoError(t, exec(`CREATE FUNCTION pg_temp.peek(t uuid, i uuid) RETURNS boolean LANGUAGE plpgsql COST 0.000001 AS
		$$ BEGIN INSERT INTO seen VALUES (t, i); RETURN true; END $$`))
	var role string
	require.NoError(t, tx.QueryRow(ctx, `SELECT current_user`).Scan(&role))
	require.Equal(t, "aftersales_app", role)

	err = exec(`SELECT count(*) FROM kb_search_articles WHERE pg_temp.peek(tenant_id, id)`)
	require.ErrorContains(t, err, "kb_search_articles", "the view without a security barrier is gone")
	require.NoError(t, exec(`SELECT count(*) FROM kb_articles WHERE pg_temp.peek(tenant_id, id)`))
	require.NoError(t, exec(`SELECT count(*) FROM kb_articles WHERE pg_temp.peek(tenant_id, id) AND search @@ '门 & 锁'`))
	// A temporary kb_articles does not stand in for the real one.
	require.NoError(t, exec(`CREATE TEMP TABLE kb_articles (tenant_id uuid, id uuid, search tsvector, search_title tsvector)`))
	require.NoError(t, exec(`INSERT INTO pg_temp.kb_articles VALUES ($1, $2, '门 锁', '门 锁')`, bed.tenant, kbOtherArticle))
	var got []uuid.UUID
	require.NoError(t, tx.QueryRow(ctx, `SELECT kb_search_ranked('门 & 锁', NULL, NULL, 100, 100, NULL, NULL, NULL, NULL, NULL,
		NULL, NULL, NULL)`).Scan(&got))
	require.NotContains(t, got, kbOtherArticle)
	require.NotEmpty(t, got)
	var leaked, mine int
	require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE tenant_id = $1), count(*) FILTER (WHERE tenant_id = $2)
		FROM seen`, other, bed.tenant).Scan(&leaked, &mine))
	require.Zero(t, leaked, "the other tenant's rows reached the caller's function")
	require.Positive(t, mine)
	// Nor may the caller run the function as anyone but itself with its
	// own conditions: it is not callable by PUBLIC.
	var public bool
	require.NoError(t, tx.QueryRow(ctx, `SELECT has_function_privilege('public', 'kb_search_ranked(tsquery, tsquery,
		timestamptz, integer, integer, text[], text[], uuid[], uuid[], text, text, text[], timestamptz, boolean)', 'EXECUTE')`).Scan(&public))
	require.False(t, public)
}

// TestKBSearchRankedKeepsToItsTenant: kb_search_ranked (migration 00103)
// ranks the candidates itself, with the rank query and time the caller
// passes; whatever they are, it returns the current tenant's articles
// only, at most the page asked for, best first.
func TestKBSearchRankedKeepsToItsTenant(t *testing.T) {
	t.Parallel()
	bed, other := newKBTwoTenants(t)
	type hit struct {
		id   uuid.UUID
		rank float64
	}
	at := time.Now()
	ranked := func(tenant uuid.UUID, q, rank string, need int) []hit {
		var out []hit
		pgtest.InTenant(t, bed.store.Pool(), tenant, func(ctx context.Context, tx pgx.Tx) {
			rows, err := tx.Query(ctx, `SELECT rid, ts_rank('{0.1, 0.2, 0.5, 1.0}', a.search_title, $2::tsquery) *
					(1 + 1 / (1 + extract(epoch FROM $4::timestamptz - coalesce(a.published_at, a.updated_at)) / 7776000))
				FROM unnest(kb_search_ranked($1::tsquery, $2::tsquery, $4, 1000, $3, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
					NULL)) WITH ORDINALITY AS r(rid, ord)
				LEFT JOIN kb_articles a ON a.id = rid
				ORDER BY ord`, q, rank, need, at)
			require.NoError(t, err)
			for rows.Next() {
				var h hit
				require.NoError(t, rows.Scan(&h.id, &h.rank))
				out = append(out, h)
			}
			require.NoError(t, rows.Err())
		})
		return out
	}
	// The other tenant's 门锁 would rank first; it is not a candidate.
	// (As a search's does, the rank query holds the match's terms: title
	// matches rank above body matches, so a page of them is the top of
	// all.)
	rank := "门锁 | 门 | 锁 | 空 | 调"
	all := ranked(bed.tenant, "门 | 锁 | 空 | 调", rank, 1000)
	require.Greater(t, len(all), 3)
	for i, h := range all {
		require.NotEqual(t, kbOtherArticle, h.id)
		if i > 0 {
			require.LessOrEqual(t, h.rank, all[i-1].rank, "best first")
		}
	}
	require.Equal(t, all[:3], ranked(bed.tenant, "门 | 锁 | 空 | 调", rank, 3), "the page asked for")
	mine := ranked(other, "门 | 锁 | 空 | 调", rank, 1000)
	require.Len(t, mine, 1)
	require.Equal(t, kbOtherArticle, mine[0].id)
	require.Empty(t, ranked(other, "空 & 调", "空调", 10))
}
