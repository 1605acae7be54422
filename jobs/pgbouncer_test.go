package jobs_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// TestSuiteRunsBehindPgBouncer: where pgbouncer is installed (always in
// CI) this package's stores reach PostgreSQL through PgBouncer in
// transaction mode.
func TestSuiteRunsBehindPgBouncer(t *testing.T) {
	if why := pgtest.PgBouncerMissing(); why != "" {
		t.Skip(why)
	}
	s := pgtest.NewStore(t, nil)
	require.True(t, pgtest.ThroughPgBouncer(s.Pool()), "the jobs tests run directly although pgbouncer is installed")
}
