package postgres_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestWebhookScenarios runs the webhook use cases' scenarios against
// PostgreSQL: what core/webhook's tests check on the in-memory fake holds
// on the real adapter too (the subscription match of its SQL and its
// failure record among them).
func TestWebhookScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.WebhookScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			e := coretest.WebhookEnv{Units: s, Store: s, Deliveries: s, Clock: clock, Tenant: uuid.New(), Other: uuid.New()}
			for _, tenant := range []uuid.UUID{e.Tenant, e.Other} {
				pgtest.CreateTenant(t, s, &core.Tenant{ID: tenant, Slug: tenant.String()[:8], Name: "T", Locale: "zh-CN",
					TimeZone: "Asia/Shanghai"}, uuid.New(), "x")
			}
			sc.Run(t, e)
		})
	}
}
