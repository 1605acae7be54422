package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// UnitQueryRow reads one row in u's transaction, after its pending writes.
func UnitQueryRow(ctx context.Context, u core.UnitOfWork, sql string, dest ...any) error {
	return unitOf(u).queryRow(ctx, func(r pgx.Row) error { return r.Scan(dest...) }, sql)
}

// StoreQueryRow reads one row as the store does outside a unit.
func StoreQueryRow(ctx context.Context, s *Store, sql string, dest ...any) error {
	return s.pool.QueryRow(ctx, sql).Scan(dest...)
}

// StoreQuery reads the first column of every row as the store does
// outside a unit.
func StoreQuery(ctx context.Context, s *Store, sql string) ([]string, error) {
	rows, err := s.pool.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// StoreExec runs a statement as the store does outside a unit.
func StoreExec(ctx context.Context, s *Store, sql string) error {
	_, err := s.pool.Exec(ctx, sql)
	return err
}

// UnitWrite queues a write on u, sent with its next read or its commit.
func UnitWrite(u core.UnitOfWork, sql string, args ...any) { unitOf(u).write(sql, args...) }
