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

type sessionKey struct{}

// session is a lazily begun transaction bound to a tenant (or to none, for
// platform administration). Requests that never touch the database never
// pay for a transaction.
type session struct {
	tenantID uuid.UUID // uuid.Nil: platform session
	tx       pgx.Tx
	// deferred statements run just before commit, in one round trip: for
	// writes to hot rows (counters) whose locks should be held briefly.
	deferred *pgx.Batch
	// wroteOutbox: wake the outbox relays after the commit.
	wroteOutbox bool
}

// takeDeferred moves the deferred statements into b, for a caller that
// sends its last statements anyway.
func takeDeferred(ctx context.Context, b *pgx.Batch) {
	sess, ok := ctx.Value(sessionKey{}).(*session)
	if !ok || sess.deferred == nil {
		return
	}
	for _, qq := range sess.deferred.QueuedQueries {
		b.Queue(qq.SQL, qq.Arguments...)
	}
	sess.deferred = nil
}

// deferUntilCommit queues a statement to run right before the commit.
func deferUntilCommit(ctx context.Context, sql string, args ...any) {
	sess, ok := ctx.Value(sessionKey{}).(*session)
	if !ok {
		return
	}
	if sess.deferred == nil {
		sess.deferred = &pgx.Batch{}
	}
	sess.deferred.Queue(sql, args...)
}

// beginQuery begins the transaction and sets the tenant in one round trip.
// The tenant ID is formatted by uuid, so it cannot carry SQL.
func beginQuery(tenantID uuid.UUID) string {
	if tenantID == uuid.Nil {
		return "BEGIN"
	}
	return fmt.Sprintf("BEGIN; SELECT set_config('app.tenant_id', '%s', true)", tenantID)
}

// InTenant implements core.TenantTx.
func (s *Store) InTenant(ctx context.Context, tenantID uuid.UUID, fn func(ctx context.Context) error) error {
	if tenantID == uuid.Nil {
		return core.Errorf(core.EINTERNAL, "InTenant without a tenant")
	}
	return s.run(ctx, &session{tenantID: tenantID}, fn)
}

// InPlatform implements core.TenantTx.
func (s *Store) InPlatform(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.run(ctx, &session{}, fn)
}

func (s *Store) run(ctx context.Context, sess *session, fn func(ctx context.Context) error) (err error) {
	defer func() {
		if sess.tx == nil {
			return
		}
		if p := recover(); p != nil {
			_ = sess.tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
		if err == nil && sess.deferred != nil {
			err = translate(sess.tx.SendBatch(ctx, sess.deferred).Close(), "transaction")
		}
		if err != nil {
			_ = sess.tx.Rollback(context.WithoutCancel(ctx))
			return
		}
		err = translate(sess.tx.Commit(ctx), "transaction")
		if err == nil && sess.wroteOutbox {
			s.wakeOutbox()
		}
	}()
	return fn(context.WithValue(ctx, sessionKey{}, sess))
}

// q returns the transaction of ctx, beginning it on first use.
func (s *Store) q(ctx context.Context) (querier, error) {
	sess, ok := ctx.Value(sessionKey{}).(*session)
	if !ok {
		return nil, core.Errorf(core.EINTERNAL, "no tenant transaction in context")
	}
	if sess.tx == nil {
		tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: beginQuery(sess.tenantID)})
		if err != nil {
			return nil, err
		}
		sess.tx = tx
	}
	return sess.tx, nil
}

// tenantOf returns the tenant of ctx's session.
func tenantOf(ctx context.Context) uuid.UUID {
	if sess, ok := ctx.Value(sessionKey{}).(*session); ok {
		return sess.tenantID
	}
	return uuid.Nil
}

// withTenant runs fn in a fresh tenant transaction unless ctx already has
// one for that tenant (used by Login, which starts outside any).
func (s *Store) withTenant(ctx context.Context, tenantID uuid.UUID, fn func(ctx context.Context, q querier) error) error {
	if sess, ok := ctx.Value(sessionKey{}).(*session); ok && sess.tenantID == tenantID {
		q, err := s.q(ctx)
		if err != nil {
			return err
		}
		return fn(ctx, q)
	}
	return s.InTenant(ctx, tenantID, func(ctx context.Context) error {
		q, err := s.q(ctx)
		if err != nil {
			return err
		}
		return fn(ctx, q)
	})
}
