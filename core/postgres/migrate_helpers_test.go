package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"
)

// migratedDownTo migrates the test database at dbURL down to version and
// returns the migrator, for a test of what a later migration does to the
// data of that version (p.UpTo, p.Up). The connection closes with the test.
func migratedDownTo(t *testing.T, dbURL string, version int64) *goose.Provider {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS("migrations"))
	require.NoError(t, err)
	_, err = p.DownTo(context.Background(), version)
	require.NoError(t, err)
	return p
}
