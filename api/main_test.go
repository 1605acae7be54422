package api_test

import (
	"os"
	"testing"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestMain runs the package's tests behind PgBouncer in transaction
// pooling mode (the deployment with DATABASE_POOLER=transaction), with
// LISTEN on direct connections; core/postgres and cmd/aftersales cover the
// direct mode. Without the pgbouncer binary the tests run directly.
func TestMain(m *testing.M) {
	stop := pgtest.BehindPgBouncer()
	code := m.Run()
	stop()
	os.Exit(code)
}
