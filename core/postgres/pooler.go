package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Pooler says what DATABASE_URL reaches.
type Pooler string

const (
	// NoPooler: PostgreSQL itself, or a pooler in session mode. Every
	// connection also switches to AppRole when it opens.
	NoPooler Pooler = "none"
	// TransactionPooler: a pooler in transaction mode (PgBouncer
	// pool_mode=transaction), which hands each transaction to any server
	// connection. The pool keeps no session state and prepares no named
	// statements; LISTEN and session advisory locks go to the session URL.
	TransactionPooler Pooler = "transaction"
)

// ParsePooler reads DATABASE_POOLER ("" is NoPooler).
func ParsePooler(s string) (Pooler, error) {
	switch Pooler(s) {
	case "", NoPooler, "session":
		return NoPooler, nil
	case TransactionPooler:
		return TransactionPooler, nil
	}
	return "", fmt.Errorf("DATABASE_POOLER must be none, session or transaction, not %q", s)
}

// PooledExecMode is how the pool behind a transaction pooler sends
// statements: the extended protocol with unnamed statements, whose
// descriptions are cached per connection, so a statement costs one round
// trip as a prepared one does and nothing lives on the server between
// transactions. (BenchmarkIntakeBehindPgBouncer compares it with
// QueryExecModeExec.)
const PooledExecMode = pgx.QueryExecModeCacheDescribe

// PoolOptions configure OpenPoolWith.
type PoolOptions struct {
	MaxConns int32 // 0: pgxpool's default
	Pooler   Pooler
	// ExecMode replaces PooledExecMode behind a transaction pooler (0:
	// PooledExecMode); benchmarks compare the modes.
	ExecMode pgx.QueryExecMode
}

// OpenPoolWith opens the application's pool on databaseURL as o says.
// Directly (NoPooler) every connection runs SET ROLE AppRole when it
// opens; behind a transaction pooler nothing is set on the session. Either
// way the store sets the role (and the tenant) inside each transaction,
// locally, so nothing it sets outlives the transaction.
func OpenPoolWith(ctx context.Context, databaseURL string, o PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	switch o.Pooler {
	case TransactionPooler:
		cfg.ConnConfig.DefaultQueryExecMode = PooledExecMode
		if o.ExecMode != 0 {
			cfg.ConnConfig.DefaultQueryExecMode = o.ExecMode
		}
		cfg.ConnConfig.StatementCacheCapacity = 0
	default:
		cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
			_, err := c.Exec(ctx, "SET ROLE "+AppRole)
			return err
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// asAppRole switches to AppRole until the end of the transaction.
const asAppRole = `SELECT set_config('role', '` + AppRole + `', true)`

// appPool is the store's pool: each statement sent outside a transaction
// runs in one with the role set locally (in the same round trip: a
// pipelined batch is one implicit transaction), and each transaction
// begins by setting it, so the store never depends on a connection's
// session state.
type appPool struct{ *pgxpool.Pool }

// Exec runs sql as AppRole.
func (p appPool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	b := &pgx.Batch{}
	b.Queue(asAppRole)
	b.Queue(sql, args...).Exec(func(ct pgconn.CommandTag) error {
		tag = ct
		return nil
	})
	return tag, p.Pool.SendBatch(ctx, b).Close()
}

// Query runs sql as AppRole; the rows hold the connection until closed or
// read to the end.
func (p appPool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	b := &pgx.Batch{}
	b.Queue(asAppRole)
	b.Queue(sql, args...)
	br := p.Pool.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, err
	}
	return batchQuery(br)
}

// batchQuery reads the next result of br as rows that close br with them
// (br is closed at once when the query failed).
func batchQuery(br pgx.BatchResults) (pgx.Rows, error) {
	rows, err := br.Query()
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		_ = br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs sql as AppRole when the row is scanned.
func (p appPool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return batchRow{p: p.Pool, ctx: ctx, sql: sql, args: args}
}

// SendBatch runs b as AppRole, in one implicit transaction.
func (p appPool) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	all := &pgx.Batch{}
	all.Queue(asAppRole)
	all.QueuedQueries = append(all.QueuedQueries, b.QueuedQueries...)
	br := p.Pool.SendBatch(ctx, all)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return failedBatch{err}
	}
	return br
}

// Begin begins a transaction that runs as AppRole.
func (p appPool) Begin(ctx context.Context) (pgx.Tx, error) {
	return p.Pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: "BEGIN; " + asAppRole})
}

type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
	err    error
}

func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	if err := r.br.Close(); err != nil && r.Rows.Err() == nil {
		r.err = err
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

type batchRow struct {
	p    *pgxpool.Pool
	ctx  context.Context
	sql  string
	args []any
}

func (r batchRow) Scan(dest ...any) error {
	b := &pgx.Batch{}
	b.Queue(asAppRole)
	b.Queue(r.sql, r.args...).QueryRow(func(row pgx.Row) error { return row.Scan(dest...) })
	return r.p.SendBatch(r.ctx, b).Close()
}

// failedBatch is the results of a batch that failed at its start.
type failedBatch struct{ err error }

func (f failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, f.err }
func (f failedBatch) Query() (pgx.Rows, error)         { return nil, f.err }
func (f failedBatch) QueryRow() pgx.Row                { return errRow{f.err} }
func (f failedBatch) Close() error                     { return f.err }
func (f failedBatch) Tx() pgx.Tx                       { return nil }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
