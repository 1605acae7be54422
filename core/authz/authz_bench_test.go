package authz

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// The benchmark: an authorisation check with scope, with 1,000
// tenants × 50 users loaded; goals (issue 20) p50 under 10 µs, p99 under
// 50 µs, heap per loaded tenant under 32 KB.
const (
	benchTenants = 1000
	benchUsers   = 50
	benchSites   = 20
	benchChecks  = 1 << 16 // pre-drawn checks, cycled, so drawing costs nothing in the loop
)

// benchRoles is the role mix of a tenant's 50 users and the scope each gets.
var benchRoles = []struct {
	role  string
	scope string // all, region, province, site or none
	n     int
}{
	{core.RoleTenantAdmin, "all", 2}, {core.RoleAgent, "region", 8}, {core.RoleAgent, "all", 2},
	{core.RoleDispatcher, "province", 6}, {core.RoleRegionManager, "region", 4},
	{core.RoleSiteManager, "site", 6}, {core.RoleTechnician, "site", 12},
	{core.RolePartsClerk, "site", 2}, {core.RoleKBEditor, "none", 1}, {core.RoleKBReviewer, "none", 1},
	{core.RoleQualityAuditor, "all", 2}, {core.RoleAnalyst, "all", 2}, {core.RoleIntegration, "all", 2},
}

// benchTenant is one generated tenant.
type benchTenant struct {
	id       uuid.UUID
	rules    []core.AuthzRule
	subjects []string
	perms    [][]core.Permission // per subject: its role's permissions, to draw likely-allowed checks
	regions  []uuid.UUID
	sites    []uuid.UUID
}

// newBenchTenant draws a tenant: the default roles (referred to, as the
// store loads them, not copied); a region tree country ->
// 4 regions -> 3 provinces each -> 3 cities each; 20 sites in random cities;
// 50 users with the benchRoles mix, region, province or site scopes, and a
// direct grant for one user in ten.
func newBenchTenant(rng *rand.Rand) benchTenant {
	t := benchTenant{id: uuid.New(), rules: shared(defaultRoleRules())}
	link := func(parent, child string) { t.rules = append(t.rules, g2(parent, child)) }
	country := uuid.New()
	t.regions = append(t.regions, country)
	var top, provinces, cities []uuid.UUID
	for range 4 {
		r := uuid.New()
		link(core.RegionObject(country), core.RegionObject(r))
		top = append(top, r)
		for range 3 {
			pr := uuid.New()
			link(core.RegionObject(r), core.RegionObject(pr))
			provinces = append(provinces, pr)
			for range 3 {
				c := uuid.New()
				link(core.RegionObject(pr), core.RegionObject(c))
				cities = append(cities, c)
			}
		}
	}
	t.regions = slices.Concat(t.regions, top, provinces, cities)
	for range benchSites {
		s := uuid.New()
		link(core.RegionObject(cities[rng.IntN(len(cities))]), core.SiteObject(s))
		t.sites = append(t.sites, s)
	}
	pick := func(ids []uuid.UUID) uuid.UUID { return ids[rng.IntN(len(ids))] }
	for _, r := range benchRoles {
		for range r.n {
			sub := core.UserSubject(uuid.New())
			if r.role == core.RoleIntegration {
				sub = core.APIKeySubject(uuid.New())
			}
			t.rules = append(t.rules, g(sub, r.role))
			switch r.scope {
			case "all":
				link(sub, core.ScopeAll)
			case "region":
				link(sub, core.RegionObject(pick(top)))
			case "province":
				link(sub, core.RegionObject(pick(provinces)))
				link(sub, core.RegionObject(pick(provinces)))
			case "site":
				link(sub, core.SiteObject(pick(t.sites)))
				if rng.IntN(2) == 0 {
					link(sub, core.SiteObject(pick(t.sites)))
				}
			}
			if rng.IntN(10) == 0 {
				t.rules = append(t.rules, p(sub, core.ResReports, core.ActRead))
			}
			t.subjects = append(t.subjects, sub)
			t.perms = append(t.perms, core.DefaultRoles()[r.role])
		}
	}
	return t
}

// benchCheck is one pre-drawn check.
type benchCheck struct {
	tenant  uuid.UUID
	subject string
	perm    core.Permission
	target  core.Target
}

// benchWorld is the loaded Authorizer and the checks to run on it.
type benchWorld struct {
	a               *Authorizer
	scoped, plain   []benchCheck
	heapPerTenant   float64
	rulesPerTenant  float64
	loadNsPerTenant float64
}

var loadBenchWorld = sync.OnceValue(func() *benchWorld {
	rng := rand.New(rand.NewPCG(7, 11))
	src := newMemSource()
	tenants := make([]benchTenant, benchTenants)
	rules := 0
	for i := range tenants {
		tenants[i] = newBenchTenant(rng)
		src.set(tenants[i].id, tenants[i].rules)
		rules += len(tenants[i].rules)
	}
	w := &benchWorld{a: New(src), rulesPerTenant: float64(rules) / benchTenants}

	// Preload every tenant, measuring the time and the heap it takes.
	before := heapNow()
	start := time.Now()
	for _, t := range tenants {
		if _, err := w.a.RolesOf(context.Background(), t.id, "user:preload"); err != nil {
			panic(err)
		}
	}
	w.loadNsPerTenant = float64(time.Since(start).Nanoseconds()) / benchTenants
	w.heapPerTenant = (heapNow() - before) / benchTenants

	all := core.Resources()
	for range benchChecks {
		t := tenants[rng.IntN(len(tenants))]
		u := rng.IntN(len(t.subjects))
		// Three in four checks ask for a permission of the user's role, so the
		// scope check runs too; the rest ask for any permission.
		pm := core.Permission{Resource: all[rng.IntN(len(all))], Action: core.Actions()[rng.IntN(6)]}
		if rng.IntN(4) > 0 {
			own := t.perms[u][rng.IntN(len(t.perms[u]))]
			if own.Resource != "*" {
				pm.Resource = own.Resource
			}
			if own.Action != "*" {
				pm.Action = own.Action
			}
		}
		var target core.Target
		switch r := rng.IntN(10); {
		case r < 6:
			s := t.sites[rng.IntN(len(t.sites))]
			target.SiteID = &s
		case r < 9:
			reg := t.regions[rng.IntN(len(t.regions))]
			target.RegionID = &reg
		}
		w.scoped = append(w.scoped, benchCheck{t.id, t.subjects[u], pm, target})
		w.plain = append(w.plain, benchCheck{t.id, t.subjects[u], pm, core.Target{}})
	}
	return w
})

// heapNow returns the live heap after a collection.
func heapNow() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}

// runChecks times each check and reports p50 and p99 next to ns/op;
// repeat-ratio is the share of checks whose permission was asked before in
// the run (no verdict is remembered, so it does not matter any more), and
// grown-B/tenant the heap the checks left behind.
func runChecks(b *testing.B, checks []benchCheck) {
	w := loadBenchWorld()
	before := heapNow()
	ctx := context.Background()
	lat := make([]time.Duration, 0, 1<<18)
	allowed := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := checks[i%len(checks)]
		start := time.Now()
		err := w.a.Authorize(ctx, c.tenant, c.subject, c.perm, c.target)
		lat = append(lat, time.Since(start))
		if err == nil {
			allowed++
		} else if core.ErrorCode(err) != core.EFORBIDDEN {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	grown := heapNow() - before
	seen := map[benchCheck]bool{}
	repeats := 0
	for i := range lat {
		c := checks[i%len(checks)]
		c.target = core.Target{}
		if seen[c] {
			repeats++
		}
		seen[c] = true
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(allowed)/float64(len(lat)), "allowed/op")
	b.ReportMetric(float64(repeats)/float64(len(lat)), "repeat-ratio")
	b.ReportMetric(w.heapPerTenant, "heap-B/tenant")
	b.ReportMetric(grown/benchTenants, "grown-B/tenant")
	b.ReportMetric(w.loadNsPerTenant, "load-ns/tenant")
	b.ReportMetric(w.rulesPerTenant, "rules/tenant")
	w.a.mu.RLock()
	b.ReportMetric(float64(w.a.bytes)/float64(len(w.a.tenants)), "est-B/tenant") // what WithCacheBytes counts
	w.a.mu.RUnlock()
}

// BenchmarkAuthorizeWithScope: random checks with a site (60%), region (30%)
// or no target (10%) across 1,000 loaded tenants × 50 users.
func BenchmarkAuthorizeWithScope(b *testing.B) { runChecks(b, loadBenchWorld().scoped) }

// BenchmarkAuthorizeNoScope: the same checks with tenant-wide targets.
func BenchmarkAuthorizeNoScope(b *testing.B) { runChecks(b, loadBenchWorld().plain) }
