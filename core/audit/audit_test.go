package audit_test

import (
	"testing"

	"github.com/aftersales/aftersales/core/coretest"
)

// TestAuditScenarios runs the audit log's scenarios on the in-memory
// fake; core/postgres runs them on PostgreSQL.
func TestAuditScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.AuditScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			sc.Run(t, coretest.NewMemoryAuditEnv())
		})
	}
}
