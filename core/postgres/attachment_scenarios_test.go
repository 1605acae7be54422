package postgres_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/blobstore"
)

// TestAttachmentScenarios runs the attachment use cases' scenarios on
// PostgreSQL (row-level security among them) and a blob directory: what
// core/blob's tests check on the fakes holds on the real adapters too.
func TestAttachmentScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.AttachmentScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			clock := &coretest.Clock{}
			s := pgtest.NewStore(t, clock)
			dir, err := blobstore.OpenDir(t.TempDir())
			require.NoError(t, err)
			e := coretest.AttachmentEnv{Units: s, Repos: s, Objects: dir, Clock: clock, Tenant: uuid.New(), Other: uuid.New()}
			for _, tenant := range []uuid.UUID{e.Tenant, e.Other} {
				pgtest.CreateTenant(t, s, &core.Tenant{ID: tenant, Slug: tenant.String()[:8], Name: "T", Locale: "zh-CN",
					TimeZone: "Asia/Shanghai"}, uuid.New(), "x")
			}
			sc.Run(t, e)
		})
	}
}
