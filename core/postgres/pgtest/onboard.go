package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres"
)

// CreateTenant stores tenant (active, created now) with the default roles
// and rules and an active user "admin" with ID admin and passwordHash, as
// onboarding does, in a platform unit of work of s.
func CreateTenant(t testing.TB, s *postgres.Store, tenant *core.Tenant, admin uuid.UUID, passwordHash string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().Truncate(time.Microsecond)
	tenant.Status, tenant.CreatedAt, tenant.UpdatedAt = core.TenantActive, now, now
	u := &core.User{ID: admin, TenantID: tenant.ID, Username: "admin", Status: core.UserActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, core.InUnitOfWork(ctx, s, uuid.Nil, func(unit core.UnitOfWork) error {
		return s.CreateTenant(ctx, unit, tenant, u, passwordHash, core.DefaultRoles(), core.DefaultTenantRules(admin))
	}))
}
