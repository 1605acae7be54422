package call_test

import (
	"testing"

	"github.com/aftersales/aftersales/core/coretest"
)

// TestScenarios runs the call log's scenarios on the in-memory fake;
// core/postgres runs them on PostgreSQL.
func TestScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range coretest.CallScenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			sc.Run(t, coretest.NewMemoryCallEnv())
		})
	}
}
