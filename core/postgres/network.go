package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/network"
)

// networkRepo implements network.Repository on a unit of work: regions,
// sites, technicians and the misses recorded against sites.
type networkRepo struct{ u *unit }

// Network implements network.Store.
func (s *Store) Network(u core.UnitOfWork) network.Repository { return networkRepo{unitOf(u)} }

// readOne reads one row through the unit with scan.
func readOne[T any](ctx context.Context, u *unit, scan func(pgx.Row) (T, error), sql string, args ...any) (T, error) {
	var out T
	err := u.queryRow(ctx, func(row pgx.Row) (err error) {
		out, err = scan(row)
		return err
	}, sql, args...)
	return out, err
}

// readAll reads every row through the unit with scan.
func readAll[T any](ctx context.Context, u *unit, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	q, err := u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}
