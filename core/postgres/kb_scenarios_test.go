package postgres_test

import (
	"testing"

	"github.com/google/uuid"

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
