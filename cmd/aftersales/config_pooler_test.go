package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres"
)

// TestConfigDatabasePooler: DATABASE_SESSION_URL defaults to DATABASE_URL;
// DATABASE_POOLER=transaction needs both URLs; an unknown pooler mode
// stops the start naming the variable.
func TestConfigDatabasePooler(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://app@pgbouncer:6432/aftersales")
	c, _, err := parseConfig("serve", nil)
	require.NoError(t, err)
	require.Equal(t, postgres.NoPooler, c.DatabasePooler)
	require.Equal(t, c.DatabaseURL, c.DatabaseSessionURL)

	t.Setenv("DATABASE_POOLER", "transaction")
	_, _, err = parseConfig("serve", nil)
	require.ErrorContains(t, err, "DATABASE_SESSION_URL")

	t.Setenv("DATABASE_SESSION_URL", "postgres://app@db:5432/aftersales")
	c, _, err = parseConfig("serve", nil)
	require.NoError(t, err)
	require.Equal(t, postgres.TransactionPooler, c.DatabasePooler)
	require.Equal(t, "postgres://app@db:5432/aftersales", c.DatabaseSessionURL)
	require.Equal(t, "postgres://app@pgbouncer:6432/aftersales", c.DatabaseURL)

	t.Setenv("DATABASE_POOLER", "statement")
	_, _, err = parseConfig("serve", nil)
	require.ErrorContains(t, err, "DATABASE_POOLER")
}
