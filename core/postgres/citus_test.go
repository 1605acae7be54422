package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

// citusFile is the distribution of the schema on Citus that deploy/README.md
// documents, generated from the migrated schema by TestCitusDistribution.
var citusFile = filepath.Join("..", "..", "deploy", "citus", "distribute.sql")

// TestCitusDistribution: every table is either distributed by tenant_id
// (it has the column, and TestTenantTablesAreIsolated holds it to leading
// every key and index) or a reference table; no reference table points at
// a distributed one (Citus refuses that foreign key); and
// deploy/citus/distribute.sql is exactly what the schema gives, in an
// order Citus accepts (reference tables first, then distributed tables
// after every table they reference). CITUS_UPDATE=1 rewrites the file.
func TestCitusDistribution(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDatabase(t))
	require.NoError(t, err)
	defer conn.Close(ctx)

	rows, err := conn.Query(ctx, `SELECT c.relname,
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
		FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname COLLATE "C"`)
	require.NoError(t, err)
	distributed := map[string]bool{}
	var tables []string
	for rows.Next() {
		var name string
		var tenant bool
		require.NoError(t, rows.Scan(&name, &tenant))
		tables, distributed[name] = append(tables, name), tenant
	}
	require.NoError(t, rows.Err())

	rows, err = conn.Query(ctx, `SELECT con.conname, con.conrelid::regclass::text, con.confrelid::regclass::text
		FROM pg_constraint con WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
		ORDER BY con.conrelid::regclass::text COLLATE "C", con.confrelid::regclass::text COLLATE "C", con.conname COLLATE "C"`)
	require.NoError(t, err)
	refs := map[string][]string{}
	for rows.Next() {
		var name, from, to string
		require.NoError(t, rows.Scan(&name, &from, &to))
		require.False(t, !distributed[from] && distributed[to],
			"foreign key %s: reference table %s points at the distributed table %s", name, from, to)
		if from != to {
			refs[from] = append(refs[from], to)
		}
	}
	require.NoError(t, rows.Err())

	rows, err = conn.Query(ctx, `SELECT DISTINCT tg.tgrelid::regclass::text FROM pg_trigger tg
		JOIN pg_class c ON c.oid = tg.tgrelid WHERE NOT tg.tgisinternal AND c.relnamespace = 'public'::regnamespace`)
	require.NoError(t, err)
	var triggered []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		if distributed[name] {
			triggered = append(triggered, name)
		}
	}
	require.NoError(t, rows.Err())
	slices.Sort(triggered)

	var b strings.Builder
	b.WriteString("-- The schema distributed by tenant_id on Citus (deploy/README.md). Generated from\n" +
		"-- the migrated schema by TestCitusDistribution (core/postgres/citus_test.go): rerun\n" +
		"-- it with CITUS_UPDATE=1 after a migration adds a table. Run it once, on the\n" +
		"-- coordinator, after `aftersales migrate` and before any tenant data exists.\n\n")
	fmt.Fprintf(&b, "-- Triggers on distributed tables (need citus.enable_unsafe_triggers; each writes\n-- rows of its own tenant only, except where deploy/README.md says otherwise):\n-- %s\n\n",
		strings.Join(triggered, ", "))
	b.WriteString("-- Platform and reference data: one copy on every node.\n")
	for _, name := range tables {
		if !distributed[name] {
			fmt.Fprintf(&b, "SELECT create_reference_table('%s');\n", name)
		}
	}
	b.WriteString("\n-- Tenant data: sharded by tenant_id, co-located, each after what it references.\n")
	done := map[string]bool{}
	var visit func(name string, path []string)
	visit = func(name string, path []string) {
		if done[name] || !distributed[name] {
			return
		}
		require.NotContains(t, path, name, "foreign keys form a cycle: %v", append(path, name))
		for _, to := range refs[name] {
			visit(to, append(path, name))
		}
		done[name] = true
		fmt.Fprintf(&b, "SELECT create_distributed_table('%s', 'tenant_id');\n", name)
	}
	for _, name := range tables {
		visit(name, nil)
	}
	want := b.String()
	require.Greater(t, len(done), 50, "the tenant tables are distributed")

	if os.Getenv("CITUS_UPDATE") == "1" {
		require.NoError(t, os.WriteFile(citusFile, []byte(want), 0o644))
	}
	got, err := os.ReadFile(citusFile)
	require.NoError(t, err)
	require.Equal(t, want, string(got), "%s is not what the schema gives: rerun this test with CITUS_UPDATE=1 and review the change", citusFile)
}
