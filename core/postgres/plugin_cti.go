package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

func (r pluginRepo) FindUsersByCTIExtension(ctx context.Context, extension string) ([]uuid.UUID, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE cti_extension = $1 AND status = 'active'`, extension)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

func (r pluginRepo) SetCTIExtension(ctx context.Context, user uuid.UUID, extension string) error {
	var ext *string
	if extension != "" {
		ext = &extension
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE users SET cti_extension = $2 WHERE id = $1`, user, ext)
	if err != nil {
		return translate(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "user not found")
	}
	return nil
}

func (r pluginRepo) FindCTIExtension(ctx context.Context, user uuid.UUID) (string, error) {
	var ext *string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ext) }, `SELECT cti_extension FROM users WHERE id = $1`, user)
	if err != nil {
		return "", translate(err, "user")
	}
	if ext == nil {
		return "", nil
	}
	return *ext, nil
}
