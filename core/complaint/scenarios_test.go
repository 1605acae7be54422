package complaint_test

import (
	"testing"

	"github.com/aftersales/aftersales/core/coretest"
)

// TestScenarios runs the complaint scenarios on the in-memory fake;
// core/postgres runs the same on PostgreSQL.
func TestScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.ComplaintScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			sc.Run(t, coretest.NewMemoryComplaintEnv())
		})
	}
}
