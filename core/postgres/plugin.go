package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const pluginColumns = `id, name, kind, version, path, sha256, enabled, created_at`

func scanPlugin(row pgx.Row) (*core.Plugin, error) {
	p := &core.Plugin{}
	return p, row.Scan(&p.ID, &p.Name, &p.Kind, &p.Version, &p.Path, &p.SHA256, &p.Enabled, &p.CreatedAt)
}

// RegisterPlugin implements core.PluginRegistry.
func (s *PluginStore) RegisterPlugin(ctx context.Context, np core.NewPlugin) (*core.Plugin, error) {
	if err := np.Validate(); err != nil {
		return nil, err
	}
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	p, err := scanPlugin(q.QueryRow(ctx, `INSERT INTO plugins (id, name, kind, version, path, sha256, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+pluginColumns,
		uuid.New(), np.Name, np.Kind, np.Version, np.Path, strings.ToLower(np.SHA256), s.s.now()))
	return p, translate(err, "plugin "+np.Name+" "+np.Version)
}

// FindPlugins implements core.PluginRegistry.
func (s *PluginStore) FindPlugins(ctx context.Context) ([]*core.Plugin, error) {
	return queryAll(ctx, s.s, scanPlugin, `SELECT `+pluginColumns+` FROM plugins ORDER BY name, version`)
}

// queryAll runs a query in the transaction of ctx and scans every row; an
// empty result is an empty slice, not nil.
func queryAll[T any](ctx context.Context, s *Store, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if out == nil {
		out = []T{}
	}
	return out, err
}

// FindPluginByID implements core.PluginRegistry.
func (s *PluginStore) FindPluginByID(ctx context.Context, id uuid.UUID) (*core.Plugin, error) {
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	p, err := scanPlugin(q.QueryRow(ctx, `SELECT `+pluginColumns+` FROM plugins WHERE id = $1`, id))
	return p, translate(err, "plugin")
}

// SetPluginEnabled implements core.PluginRegistry.
func (s *PluginStore) SetPluginEnabled(ctx context.Context, id uuid.UUID, enabled bool) (*core.Plugin, error) {
	s.invalidateAfterCommit(ctx, uuid.Nil) // every tenant bound to it
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	p, err := scanPlugin(q.QueryRow(ctx, `UPDATE plugins SET enabled = $2 WHERE id = $1 RETURNING `+pluginColumns, id, enabled))
	return p, translate(err, "plugin")
}

// DeletePlugin implements core.PluginRegistry.
func (s *PluginStore) DeletePlugin(ctx context.Context, id uuid.UUID) error {
	s.invalidateAfterCommit(ctx, uuid.Nil) // every tenant bound to it
	q, err := s.s.q(ctx)
	if err != nil {
		return err
	}
	var inUse bool
	if err := q.QueryRow(ctx, `SELECT plugin_in_use($1)`, id).Scan(&inUse); err != nil {
		return err
	}
	if inUse {
		return core.Errorf(core.ECONFLICT, "tenants still bind this plugin; disable it instead, or ask them to unbind it")
	}
	tag, err := q.Exec(ctx, `DELETE FROM plugins WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "plugin not found")
	}
	return nil
}

// errNoBinding is the ENOTFOUND of FindEnabledPluginBinding.
func errNoBinding(kind string) error {
	return core.Errorf(core.ENOTFOUND, "no enabled %s plugin is bound for this tenant", kind)
}

func isNotFound(err error) bool {
	var ce *core.Error
	return errors.As(err, &ce) && ce.Code == core.ENOTFOUND
}
