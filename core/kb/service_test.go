package kb_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
)

// TestScenarios runs the knowledge-base scenarios on the in-memory fake;
// core/postgres runs them on PostgreSQL.
func TestScenarios(t *testing.T) {
	for _, sc := range coretest.KBScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			s := coretest.NewKBs()
			e := coretest.KBEnv{Store: s, Clock: &coretest.Clock{}, Tenant: uuid.New(), Other: uuid.New(), TenantSlug: "acme",
				OtherSlug: "other", Region: uuid.New()}
			s.Tenants["acme"] = &core.Tenant{ID: e.Tenant, Slug: "acme", Status: core.TenantActive}
			s.Tenants["other"] = &core.Tenant{ID: e.Other, Slug: "other", Status: core.TenantActive}
			sc.Run(t, e)
		})
	}
}
