package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aftersales/aftersales/core"
)

// querier is what both a pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// unit implements core.OpenUnitOfWork: a lazily begun transaction bound to a
// tenant (or to none, for platform administration). Requests that never
// touch the database never pay for a transaction.
//
// Repositories queue their writes on the unit (write); the queued writes
// go to the server with the unit's next read or with the commit, in the
// same round trip, so a use case written as plain reads and writes costs
// the round trips of its reads only.
type unit struct {
	store    *Store
	tenantID uuid.UUID // uuid.Nil: platform unit
	tx       *pipeTx   // nil until first use
	// pending are writes not sent yet, in order.
	pending *pgx.Batch
	// deferred statements run just before commit, after the pending
	// writes: for writes to hot rows (counters) whose locks should be held
	// briefly.
	deferred *pgx.Batch
	// wroteOutbox: wake the outbox relays after the commit.
	wroteOutbox bool
	after       []func()
	done        bool
}

// Begin implements core.UnitsOfWork.
func (s *Store) Begin(_ context.Context, tenant uuid.UUID) core.OpenUnitOfWork {
	return &unit{store: s, tenantID: tenant}
}

// TenantID implements core.UnitOfWork.
func (u *unit) TenantID() uuid.UUID { return u.tenantID }

// AfterCommit implements core.UnitOfWork.
func (u *unit) AfterCommit(fn func()) { u.after = append(u.after, fn) }

// Commit implements core.OpenUnitOfWork. The pending and deferred writes
// and the COMMIT go in one round trip (with the BEGIN too when nothing was
// read); a unit that sent nothing ends without a round trip.
func (u *unit) Commit(ctx context.Context) error {
	if u.done {
		return core.Errorf(core.EINTERNAL, "unit of work already ended")
	}
	if u.tx == nil && u.pending != nil {
		if _, err := u.begin(ctx); err != nil {
			u.Rollback(ctx)
			return err
		}
	}
	if u.tx != nil {
		b := u.takePending()
		if u.deferred != nil {
			b.QueuedQueries = append(b.QueuedQueries, u.deferred.QueuedQueries...)
			u.deferred = nil
		}
		if b.Len() > 0 || !u.tx.idle() {
			b.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error {
				if ct.String() == "ROLLBACK" { // the transaction had failed
					return pgx.ErrTxCommitRollback
				}
				return nil
			})
			if err := translate(u.tx.SendBatch(ctx, b).Close(), "transaction"); err != nil {
				u.Rollback(ctx)
				return err
			}
		}
		u.tx.release()
		u.tx = nil
	}
	u.done = true
	if u.wroteOutbox {
		u.store.wakeOutbox()
	}
	for _, fn := range u.after {
		fn()
	}
	u.after = nil
	return nil
}

// Rollback implements core.OpenUnitOfWork.
func (u *unit) Rollback(ctx context.Context) {
	if u.done {
		return
	}
	u.done = true
	u.after, u.pending, u.deferred = nil, nil, nil
	if u.tx != nil {
		u.tx.rollback(context.WithoutCancel(ctx))
		u.tx = nil
	}
}

// begin takes the unit's connection on first use; the BEGIN and the
// tenant's settings go with the first statement sent on it (pipeTx).
func (u *unit) begin(ctx context.Context) (*pipeTx, error) {
	if u.done {
		return nil, core.Errorf(core.EINTERNAL, "unit of work already ended")
	}
	if u.tx == nil {
		c, err := u.store.pool.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		u.tx = newPipeTx(c, u.tenantID)
	}
	return u.tx, nil
}

// write queues a statement; it is sent with the unit's next read or at
// commit. Its error, if any, is returned by that read or by the commit.
func (u *unit) write(sql string, args ...any) {
	if u.pending == nil {
		u.pending = &pgx.Batch{}
	}
	u.pending.Queue(sql, args...)
}

// takePending returns the pending writes as a batch to send, and forgets
// them.
func (u *unit) takePending() *pgx.Batch {
	b := u.pending
	u.pending = nil
	if b == nil {
		b = &pgx.Batch{}
	}
	return b
}

// read sends the pending writes followed by b's statements in one round
// trip. b's statements read their results through their callbacks.
func (u *unit) read(ctx context.Context, b *pgx.Batch) error {
	tx, err := u.begin(ctx)
	if err != nil {
		return err
	}
	all := u.takePending()
	all.QueuedQueries = append(all.QueuedQueries, b.QueuedQueries...)
	return tx.SendBatch(ctx, all).Close()
}

// queryRow reads one row after sending the pending writes, in one round
// trip; scan is called with the row (pgx.ErrNoRows when there is none).
func (u *unit) queryRow(ctx context.Context, scan func(pgx.Row) error, sql string, args ...any) error {
	b := &pgx.Batch{}
	b.Queue(sql, args...).QueryRow(scan)
	return u.read(ctx, b)
}

// conn returns the transaction for statements that need the connection
// itself (row iteration); the pending writes go with its next statement.
func (u *unit) conn(ctx context.Context) (querier, error) {
	tx, err := u.begin(ctx)
	if err != nil {
		return nil, err
	}
	if u.pending != nil {
		tx.pre = append(tx.pre, u.takePending().QueuedQueries...) // sent with the next statement
	}
	return tx, nil
}

// unitOf returns the adapter's unit behind a core.UnitOfWork; a unit of another
// implementation is a programming error.
func unitOf(u core.UnitOfWork) *unit {
	pu, ok := u.(*unit)
	if !ok {
		panic(fmt.Sprintf("postgres: a unit of work of another store (%T)", u))
	}
	return pu
}

// deferUntilCommit queues a statement to run right before the commit,
// after the pending writes.
func (u *unit) deferUntilCommit(sql string, args ...any) {
	if u.deferred == nil {
		u.deferred = &pgx.Batch{}
	}
	u.deferred.Queue(sql, args...)
}
