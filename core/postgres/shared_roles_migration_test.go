package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/authz"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// copySource loads a tenant's rules as the store did up to migration 00090,
// when every tenant held a copy of its roles' permissions: the stored rules
// and the region tree, nothing else.
type copySource struct {
	t    testing.TB
	pool *pgxpool.Pool
}

func (s copySource) LoadAuthzRules(_ context.Context, tenant uuid.UUID) ([]core.AuthzRule, error) {
	var out []core.AuthzRule
	pgtest.InTenant(s.t, s.pool, tenant, func(ctx context.Context, tx pgx.Tx) {
		rows, err := tx.Query(ctx, `SELECT ptype, v0, v1, v2 FROM authz_rules
			UNION ALL SELECT 'g2', 'region:' || parent_id, 'region:' || id, '' FROM regions WHERE parent_id IS NOT NULL
			UNION ALL SELECT 'g2', 'region:' || region_id, 'site:' || id, '' FROM sites`)
		require.NoError(s.t, err)
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.AuthzRule, error) {
			var pt, a, b, c string
			if err := r.Scan(&pt, &a, &b, &c); err != nil {
				return core.AuthzRule{}, err
			}
			require.Contains(s.t, []string{"p", "g", "g2"}, pt, "before 00091 there are no other rules")
			if pt == "p" {
				return core.AuthzRule{PType: pt, V: []string{a, b, c}}, nil
			}
			return core.AuthzRule{PType: pt, V: []string{a, b}}, nil
		})
		require.NoError(s.t, err)
	})
	return out, nil
}

// accessWorld is tenants with users of every default role in every kind of
// scope, and the targets to check them on.
type accessWorld struct {
	tenants  []uuid.UUID
	subjects map[uuid.UUID][]string
	targets  map[uuid.UUID][]core.Target
}

// addAccessWorld gives tenant n a second region under its country, a third
// region of its own, a site in each, and users: one per default role and
// scope (all, the second region, the first site, none).
func addAccessWorld(t *testing.T, pool *pgxpool.Pool, n *pgtest.Network, w *accessWorld) {
	sub, other := uuid.New(), uuid.New()
	siteB, siteC := uuid.New(), uuid.New()
	exec := func(sql string, args ...any) { pgtest.TenantExec(t, pool, n.Tenant, sql, args...) }
	exec(`INSERT INTO regions (tenant_id, id, parent_id, level, code, name) VALUES ($1, $2, $3, 'region', 'S', 'South')`, n.Tenant, sub, n.Region)
	exec(`INSERT INTO regions (tenant_id, id, level, code, name) VALUES ($1, $2, 'country', 'JP', 'Japan')`, n.Tenant, other)
	for i, s := range [][2]uuid.UUID{{siteB, sub}, {siteC, other}} {
		exec(`INSERT INTO sites (tenant_id, id, code, name, kind, region_id, lat, lon, radius_km, product_lines, daily_capacity, reputation, auto_assign)
			VALUES ($1, $2, $3, 'Station', 'service_station', $4, 22.5, 114, 30, '{AC}', 100, 80, true)`, n.Tenant, s[0], fmt.Sprintf("S-%d", i+2), s[1])
	}
	var subjects []string
	for _, role := range core.RoleNames() {
		for _, scope := range []string{core.ScopeAll, core.RegionObject(sub), core.SiteObject(n.Site), ""} {
			u := core.UserSubject(uuid.New())
			exec(`INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g', $2, $3)`, n.Tenant, u, core.RoleSubject(role))
			if scope != "" {
				exec(`INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g2', $2, $3)`, n.Tenant, u, scope)
			}
			subjects = append(subjects, u)
		}
	}
	w.tenants = append(w.tenants, n.Tenant)
	w.subjects[n.Tenant] = subjects
	w.targets[n.Tenant] = []core.Target{{}, {SiteID: &n.Site}, {SiteID: &siteB}, {SiteID: &siteC},
		{RegionID: &n.Region}, {RegionID: &sub}, {RegionID: &other}}
}

// decisions returns every decision of the world: each subject, resource
// (and "*"), action and target.
func (w *accessWorld) decisions(t *testing.T, a core.Authorizer) map[string]bool {
	out := map[string]bool{}
	ctx := context.Background()
	for _, tenant := range w.tenants {
		for _, sub := range w.subjects[tenant] {
			for _, res := range append(core.Resources(), "*") {
				for _, act := range core.Actions() {
					for i, target := range w.targets[tenant] {
						err := a.Authorize(ctx, tenant, sub, core.Permission{Resource: res, Action: act}, target)
						if err != nil {
							require.Equal(t, core.EFORBIDDEN, core.ErrorCode(err), "%v", err)
						}
						out[fmt.Sprintf("%s %s %s:%s %d", tenant, sub, res, act, i)] = err == nil
					}
				}
			}
		}
	}
	return out
}

// rolePermissions lists every tenant's roles' effective permissions: the
// copies up to 00090, the view role_permissions after.
func rolePermissions(t *testing.T, pool *pgxpool.Pool, w *accessWorld, shared bool) []string {
	q := `SELECT v0 || ' ' || v1 || ':' || v2 FROM authz_rules WHERE ptype = 'p' AND v0 LIKE 'role:%'`
	if shared {
		q = `SELECT 'role:' || role || ' ' || resource || ':' || action FROM role_permissions`
	}
	var out []string
	for _, tenant := range w.tenants {
		for _, p := range pgtest.TenantRows[string](t, pool, tenant, q) {
			out = append(out, tenant.String()+" "+p)
		}
	}
	slices.Sort(out)
	return out
}

// TestMigrationKeepsEveryDecision: tenants as they were at migration 00090
// (plain; one with changed default roles, a custom role holding a default
// one, and direct grants; one whose built-in role became its own) decide
// every check of the per-role table (every default role × every scope ×
// every resource and action × tenant-wide, site and region targets in and
// out of scope) the same before 00091/00092, loaded as copies, and after,
// loaded as references to the shared default roles; their roles list the
// same permissions; and the copies equal to the defaults are gone.
func TestMigrationKeepsEveryDecision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	nets := []*pgtest.Network{pgtest.NewNetwork(t, s, "keep-plain", ""), pgtest.NewNetwork(t, s, "keep-changed", ""),
		pgtest.NewNetwork(t, s, "keep-own", "")}
	p := migratedDownTo(t, dbURL, 90)

	// At 90, as tenants were: every role's permissions copied.
	w := &accessWorld{subjects: map[uuid.UUID][]string{}, targets: map[uuid.UUID][]core.Target{}}
	for _, n := range nets {
		addAccessWorld(t, pool, n, w)
	}
	changed, own := nets[1].Tenant, nets[2].Tenant
	exec := func(tenant uuid.UUID, sql string, args ...any) int64 {
		return pgtest.TenantExec(t, pool, tenant, sql, args...)
	}
	require.Equal(t, int64(1), exec(changed, `DELETE FROM authz_rules WHERE ptype = 'p' AND v0 = 'role:agent' AND v1 = 'kb' AND v2 = 'read'`))
	require.Equal(t, int64(1), exec(changed, `DELETE FROM authz_rules WHERE ptype = 'p' AND v0 = 'role:tenant_admin'`))
	added := [][3]string{{"role:tenant_admin", "work_orders", "*"}, {"role:tenant_admin", "users", "read"},
		{"role:dispatcher", "reports", "read"}, {"role:senior", "claims", "*"}, {"role:senior", "audit", "read"}}
	for _, r := range added {
		exec(changed, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2) VALUES ($1, 'p', $2, $3, $4)`, changed, r[0], r[1], r[2])
	}
	exec(changed, `INSERT INTO roles (tenant_id, name, description) VALUES ($1, 'senior', 'Senior agent')`, changed)
	exec(changed, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g', 'role:senior', 'role:agent')`, changed)
	for i, grant := range [][2]string{{"reports", "read"}, {"*", "read"}, {"parts", "*"}} {
		u := w.subjects[changed][4*i+2] // users scoped to the first site
		exec(changed, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2) VALUES ($1, 'p', $2, $3, $4)`, changed, u, grant[0], grant[1])
	}
	for _, scope := range []string{core.ScopeAll, core.SiteObject(nets[1].Site)} {
		u := core.UserSubject(uuid.New())
		exec(changed, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g', $2, 'role:senior'), ($1, 'g2', $2, $3)`, changed, u, scope)
		w.subjects[changed] = append(w.subjects[changed], u)
	}
	require.Equal(t, int64(1), exec(own, `UPDATE roles SET builtin = false WHERE name = 'kb_reviewer'`))
	exec(own, `DELETE FROM authz_rules WHERE ptype = 'p' AND v0 = 'role:kb_reviewer' AND v2 = 'approve'`)

	before := w.decisions(t, authz.New(copySource{t, pool}))
	permsBefore := rolePermissions(t, pool, w, false)

	// Up to 00092 only: later migrations change the defaults on purpose
	// (00100, 00102 give roles more), which this test must not mistake
	// for the move changing a decision.
	_, err := p.UpTo(ctx, 92)
	require.NoError(t, err)
	after := w.decisions(t, authz.New(s))
	require.Equal(t, len(before), len(after))
	for k, v := range before {
		require.Equal(t, v, after[k], "decision %s changed", k)
	}
	require.Equal(t, permsBefore, rolePermissions(t, pool, w, true))
	allowed := 0
	for _, v := range after {
		if v {
			allowed++
		}
	}
	require.Greater(t, allowed, len(after)/20, "the table holds allowed decisions too")

	copies := func(tenant uuid.UUID) []string {
		return pgtest.TenantRows[string](t, pool, tenant, `SELECT ptype || ' ' || v0 || ' ' || v1 || ':' || v2 FROM authz_rules
			WHERE ptype IN ('p', 'p-') ORDER BY 1`)
	}
	require.Empty(t, copies(nets[0].Tenant), "a tenant that changed nothing keeps no copy")
	require.Contains(t, copies(changed), "p- role:agent kb:read")
	require.Contains(t, copies(changed), "p- role:tenant_admin *:*")
	require.Contains(t, copies(changed), "p role:dispatcher reports:read")
	require.Contains(t, copies(own), "p role:kb_reviewer kb:read", "a role that is the tenant's own keeps its rules")

	// Rolled back, the tenants hold copies again and decide the same.
	_, err = p.DownTo(ctx, 90)
	require.NoError(t, err)
	require.Equal(t, permsBefore, rolePermissions(t, pool, w, false))
	require.Equal(t, before, w.decisions(t, authz.New(copySource{t, pool})))
	_, err = p.Up(ctx)
	require.NoError(t, err)
}

// TestPlatformDefaultsReachTenants: a permission a later migration adds to
// a platform default role reaches every tenant's built-in role, whether
// the tenant changed that role or not, except one that removed that very
// permission; editing a built-in role changes only that tenant.
func TestPlatformDefaultsReachTenants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dbURL := pgtest.NewPool(t)
	s := postgres.NewStore(pool, &coretest.Clock{}, slog.New(slog.DiscardHandler))
	plain, edited, removed := pgtest.NewNetwork(t, s, "reach-a", ""), pgtest.NewNetwork(t, s, "reach-b", ""), pgtest.NewNetwork(t, s, "reach-c", "")
	setPerms := func(n *pgtest.Network, perms []core.Permission) {
		require.NoError(t, core.InUnitOfWork(ctx, s, n.Tenant, func(u core.UnitOfWork) error {
			s.Identity(u).SetPermissions(core.RoleSubject(core.RoleAgent), perms)
			return nil
		}))
	}
	agent := core.DefaultRoles()[core.RoleAgent]
	noKB := slices.DeleteFunc(slices.Clone(agent), func(p core.Permission) bool { return p.Resource == core.ResKB })
	setPerms(edited, noKB)
	setPerms(removed, append(slices.Clone(agent), core.Permission{Resource: core.ResAudit, Action: core.ActRead}))
	// The later migration, as the owner: agents read reports.
	owner, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer owner.Close(ctx)
	_, err = owner.Exec(ctx, `INSERT INTO platform_role_permissions VALUES ('agent', 'reports', 'read')`)
	require.NoError(t, err)
	// The tenant that then removes it, through the same role edit.
	setPerms(removed, agent)

	a := authz.New(s)
	users := map[uuid.UUID]string{}
	for _, n := range []*pgtest.Network{plain, edited, removed} {
		u := core.UserSubject(uuid.New())
		pgtest.TenantExec(t, pool, n.Tenant, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g', $2, 'role:agent')`, n.Tenant, u)
		users[n.Tenant] = u
	}
	can := func(n *pgtest.Network, res, act string) bool {
		return a.Authorize(ctx, n.Tenant, users[n.Tenant], core.Permission{Resource: res, Action: act}, core.Target{}) == nil
	}
	require.True(t, can(plain, core.ResReports, core.ActRead))
	require.True(t, can(edited, core.ResReports, core.ActRead), "a tenant that changed the role still gets the new default")
	require.False(t, can(removed, core.ResReports, core.ActRead), "a tenant that removed it does not")
	require.True(t, can(plain, core.ResKB, core.ActRead))
	require.False(t, can(edited, core.ResKB, core.ActRead), "the edit is the tenant's alone")
	require.False(t, can(removed, core.ResAudit, core.ActRead))
	require.True(t, can(plain, core.ResWorkOrders, core.ActCreate))

	var perms []core.Permission
	require.NoError(t, core.InUnitOfWork(ctx, s, edited.Tenant, func(u core.UnitOfWork) error {
		perms, err = s.Identity(u).FindPermissions(ctx, core.RoleSubject(core.RoleAgent))
		return err
	}))
	require.Contains(t, perms, core.Permission{Resource: core.ResReports, Action: core.ActRead})
	require.NotContains(t, perms, core.Permission{Resource: core.ResKB, Action: core.ActRead})
}

// TestPlatformRolesAreTheDefaults: the platform's default roles, as the
// migrations leave them, are core.DefaultRoles (what the code documents
// and the in-memory fake uses).
func TestPlatformRolesAreTheDefaults(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	got, err := s.LoadDefaultRoles(context.Background())
	require.NoError(t, err)
	want := core.DefaultRoles()
	require.Len(t, got, len(want))
	for name, perms := range want {
		require.ElementsMatch(t, perms, got[name], name)
	}
}
