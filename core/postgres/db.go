// Package postgres is the PostgreSQL store of the platform: migrations,
// row-level security, and the implementations of core's services.
//
// The application connects with the owner's URL but every statement it
// sends runs in a transaction that switches to the role aftersales_app
// (NOBYPASSRLS) locally, so row-level security applies to all queries the
// application makes; only migrations run as the owner. Each request runs in
// a transaction that sets app.tenant_id, locally too; without it
// tenant-owned tables look empty. Nothing the store sets outlives its
// transaction, so DATABASE_URL may point at a transaction pooler.
package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/aftersales/aftersales/core"
)

//go:embed migrations/*.sql
var migrations embed.FS

// MigrationsDigest identifies the embedded migrations (their names and
// contents): two binaries with the same digest build the same schema.
// Tests key their migrated template database by it.
func MigrationsDigest() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// AppRole is the role the application runs as.
const AppRole = "aftersales_app"

// Migrate applies the embedded migrations as the owner of databaseURL under
// a session advisory lock, so several replicas may start at once.
func Migrate(ctx context.Context, databaseURL string, log *slog.Logger) error {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

// MigrationVersion returns the current schema version.
func MigrationVersion(ctx context.Context, databaseURL string) (int64, error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

var _ = stdlib.GetDefaultDriver // registers the "pgx" database/sql driver

// OpenPool opens the application's pool directly on PostgreSQL (see
// OpenPoolWith).
func OpenPool(ctx context.Context, databaseURL string, maxConns int32) (*pgxpool.Pool, error) {
	return OpenPoolWith(ctx, databaseURL, PoolOptions{MaxConns: maxConns, Pooler: NoPooler})
}

// Store implements core's services on a pool.
type Store struct {
	pool appPool
	// session holds LISTEN connections: direct to PostgreSQL when the
	// pool is behind a transaction pooler (nil: the pool).
	session *pgxpool.Pool
	clock   core.Clock
	log     *slog.Logger
	waker   outboxWaker
	box     *secretBox // webhook secrets at rest; nil: processBox
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool, clock core.Clock, log *slog.Logger) *Store {
	return &Store{pool: appPool{pool}, clock: clock, log: log}
}

// UseSessionPool makes the store LISTEN on session's connections, which
// must reach PostgreSQL without a transaction pooler in between
// (DATABASE_SESSION_URL). Call it before the store is used.
func (s *Store) UseSessionPool(session *pgxpool.Pool) { s.session = session }

// sessionPool is where connections that keep session state (LISTEN) come
// from.
func (s *Store) sessionPool() *pgxpool.Pool {
	if s.session != nil {
		return s.session
	}
	return s.pool.Pool
}

// UseSecretKey sets the 32-byte platform key (PLUGIN_SECRET_KEY) that
// encrypts webhook signing secrets at rest. Call it before the store is
// used; a store without one uses a random key of this process (tests).
func (s *Store) UseSecretKey(key []byte) error {
	box, err := newSecretBox(key)
	if err != nil {
		return err
	}
	s.box = box
	return nil
}

// secrets is the store's secret box.
func (s *Store) secrets() *secretBox {
	if s.box != nil {
		return s.box
	}
	return processBox()
}

// processBox seals with a random key that lives as long as the process:
// every store of a test process shares it.
var processBox = sync.OnceValue(func() *secretBox {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	box, _ := newSecretBox(key)
	return box
})

// Pool returns the underlying pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool.Pool }

// translate maps pgx and PostgreSQL errors to core errors at the boundary.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Errorf(core.ENOTFOUND, "%s not found", what)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return core.Errorf(core.ECONFLICT, "%s already exists", what)
		case "23503":
			return core.Errorf(core.EINVALID, "%s refers to something that does not exist", what)
		case "23514", "22P02", "22001", "22021":
			return core.Errorf(core.EINVALID, "%s is invalid", what)
		case "40001", "40P01":
			return core.Errorf(core.ECONFLICT, "concurrent update of %s; retry", what)
		}
	}
	return err
}

// parseCursor decodes a UUID-or-text cursor; "" is the start.
func parseUUIDCursor(c string) (*uuid.UUID, error) {
	if c == "" {
		return nil, nil
	}
	id, err := uuid.Parse(c)
	if err != nil {
		return nil, core.FieldError("cursor", "is not a cursor returned by this list")
	}
	return &id, nil
}

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	if n > 500 {
		return 500
	}
	return n
}

// now is the store's clock at PostgreSQL's precision, so a value returned
// on create equals the value read back later.
func (s *Store) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// pageByID reads one page of a table's rows in ID order after the cursor
// (an ID; "" for the first page): the lists that page by ID alone.
func pageByID[T any](ctx context.Context, q querier, columns, table, after string, limit int,
	scan func(pgx.Row) (T, error), id func(T) uuid.UUID) ([]T, string, error) {
	cur, err := parseUUIDCursor(after)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM `+table+` WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
		cur, limit+1)
	if err != nil {
		return nil, "", err
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return nil, "", err
	}
	items, next := nextPage(items, limit, func(t T) string { return id(t).String() })
	return items, next, nil
}

// nextPage trims rows fetched with limit+1 to limit and returns the cursor
// of the last row kept when another page follows ("" on the last page).
func nextPage[T any](rows []T, limit int, cursor func(T) string) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, cursor(rows[limit-1])
}
