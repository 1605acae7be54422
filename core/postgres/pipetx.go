package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pipeTx is a unit's transaction on one pooled connection. Its BEGIN, with
// the role and the tenant set locally, is not a round trip of its own: it
// waits in pre (with any writes queued before the first read) and goes to
// the server in the same pipeline as the first statement, so a request
// that reads once and commits costs two round trips, not three. A failed
// statement aborts the transaction as in any other; releasing a connection
// left inside a transaction closes it (pgxpool), so no state outlives the
// unit.
type pipeTx struct {
	c      *pgxpool.Conn
	pre    []*pgx.QueuedQuery // not sent yet: the BEGIN and what follows
	nBegin int                // how many of pre begin the transaction
	sent   bool               // the BEGIN went to the server
}

func newPipeTx(c *pgxpool.Conn, tenantID uuid.UUID) *pipeTx {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	if tenantID == uuid.Nil {
		b.Queue(asAppRole)
	} else {
		b.Queue(asAppRole+", set_config('app.tenant_id', $1, true)", tenantID.String())
	}
	return &pipeTx{c: c, pre: b.QueuedQueries, nBegin: len(b.QueuedQueries)}
}

// idle reports whether nothing was sent nor waits to be but the BEGIN.
func (t *pipeTx) idle() bool { return !t.sent && len(t.pre) == t.nBegin }

// SendBatch sends b after what waits in pre, in one round trip, and
// returns b's results (pre's are read here).
func (t *pipeTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if len(t.pre) == 0 {
		return t.c.SendBatch(ctx, b)
	}
	n := len(t.pre)
	all := &pgx.Batch{QueuedQueries: append(t.pre, b.QueuedQueries...)}
	t.pre, t.sent = nil, true
	br := t.c.SendBatch(ctx, all)
	for range n {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return failedBatch{err}
		}
	}
	return br
}

// Exec runs sql in the transaction.
func (t *pipeTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if len(t.pre) == 0 {
		return t.c.Exec(ctx, sql, args...)
	}
	var tag pgconn.CommandTag
	b := &pgx.Batch{}
	b.Queue(sql, args...).Exec(func(ct pgconn.CommandTag) error {
		tag = ct
		return nil
	})
	return tag, t.SendBatch(ctx, b).Close()
}

// Query runs sql in the transaction; the rows hold the connection until
// closed or read to the end.
func (t *pipeTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if len(t.pre) == 0 {
		return t.c.Query(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue(sql, args...)
	return batchQuery(t.SendBatch(ctx, b))
}

// QueryRow runs sql in the transaction when the row is scanned.
func (t *pipeTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if len(t.pre) == 0 {
		return t.c.QueryRow(ctx, sql, args...)
	}
	return pipeRow{t: t, ctx: ctx, sql: sql, args: args}
}

type pipeRow struct {
	t    *pipeTx
	ctx  context.Context
	sql  string
	args []any
}

func (r pipeRow) Scan(dest ...any) error {
	b := &pgx.Batch{}
	b.Queue(r.sql, r.args...).QueryRow(func(row pgx.Row) error { return row.Scan(dest...) })
	return r.t.SendBatch(r.ctx, b).Close()
}

// rollback ends the transaction, if it began, and releases the connection.
func (t *pipeTx) rollback(ctx context.Context) {
	if t.sent {
		_, _ = t.c.Exec(ctx, "ROLLBACK")
	}
	t.release()
}

// release gives the connection back to the pool (which closes it when a
// transaction is still open on it).
func (t *pipeTx) release() {
	if t.c != nil {
		t.c.Release()
		t.c = nil
	}
}
