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
	tx       pgx.Tx
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

// Commit implements core.OpenUnitOfWork.
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
		if b.Len() > 0 {
			if err := translate(u.tx.SendBatch(ctx, b).Close(), "transaction"); err != nil {
				u.Rollback(ctx)
				return err
			}
		}
		if err := translate(u.tx.Commit(ctx), "transaction"); err != nil {
			u.Rollback(ctx)
			return err
		}
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
		_ = u.tx.Rollback(context.WithoutCancel(ctx))
	}
}

// begin begins the transaction and sets the tenant in one round trip, on
// first use.
func (u *unit) begin(ctx context.Context) (pgx.Tx, error) {
	if u.done {
		return nil, core.Errorf(core.EINTERNAL, "unit of work already ended")
	}
	if u.tx == nil {
		tx, err := u.store.pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: beginQuery(u.tenantID)})
		if err != nil {
			return nil, err
		}
		u.tx = tx
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

// conn returns the transaction after sending the pending writes, for
// statements that need the connection itself (COPY, row iteration).
func (u *unit) conn(ctx context.Context) (querier, error) {
	tx, err := u.begin(ctx)
	if err != nil {
		return nil, err
	}
	if u.pending != nil {
		if err := tx.SendBatch(ctx, u.takePending()).Close(); err != nil {
			return nil, err
		}
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

// beginQuery begins the transaction and sets the role and the tenant,
// locally, in one round trip.
// The tenant ID is formatted by uuid, so it cannot carry SQL.
func beginQuery(tenantID uuid.UUID) string {
	if tenantID == uuid.Nil {
		return "BEGIN; " + asAppRole
	}
	return fmt.Sprintf("BEGIN; "+asAppRole+", set_config('app.tenant_id', '%s', true)", tenantID)
}
