package postgres

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
	"github.com/aftersales/aftersales/core/plugin"
)

// PluginStore implements plugin.Store (the plugin registry, tenant
// bindings with their secrets encrypted with the platform key, agent CTI
// extensions) and plugin.AgentEventBus on a Store, and keeps this
// replica's cache of enabled bindings.
type PluginStore struct {
	s   *Store
	box *secretBox
	// Agent event subscribers of this process, by tenant and user.
	mu   sync.Mutex
	subs map[agentKey]map[*agentSub]struct{}
	// Board stream subscribers of this process, by tenant (under mu).
	boards map[uuid.UUID]map[chan struct{}]struct{}
	// Enabled bindings by tenant and kind, trusted only while the change
	// listener runs (listening); gen grows with every invalidation so a
	// lookup racing with one does not cache what it read before it.
	cacheMu   sync.Mutex
	cache     sync.Map // bindingKey -> *core.PluginBinding (nil: none)
	gen       atomic.Uint64
	listening atomic.Bool
}

// NewPluginStore returns the plugin store; key is the 32-byte platform key
// that encrypts binding secrets.
func NewPluginStore(s *Store, key []byte) (*PluginStore, error) {
	box, err := newSecretBox(key)
	if err != nil {
		return nil, err
	}
	return &PluginStore{s: s, box: box, subs: map[agentKey]map[*agentSub]struct{}{},
		boards: map[uuid.UUID]map[chan struct{}]struct{}{}}, nil
}

// pluginRepo implements plugin.Repository on a unit of work.
type pluginRepo struct {
	s *PluginStore
	u *unit
}

// Plugins implements plugin.Store.
func (s *PluginStore) Plugins(u core.UnitOfWork) plugin.Repository { return pluginRepo{s, unitOf(u)} }

// FindTenantStatus implements plugin.Store.
func (s *PluginStore) FindTenantStatus(ctx context.Context, tenant uuid.UUID) (string, error) {
	var status string
	err := s.s.pool.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1`, tenant).Scan(&status)
	return status, translate(err, "tenant")
}

const pluginColumns = `id, name, kind, version, path, sha256, enabled, created_at`

func scanPlugin(row pgx.Row) (*core.Plugin, error) {
	p := &core.Plugin{}
	return p, row.Scan(&p.ID, &p.Name, &p.Kind, &p.Version, &p.Path, &p.SHA256, &p.Enabled, &p.CreatedAt)
}

// queryPlugin reads one plugin row through the unit.
func (r pluginRepo) queryPlugin(ctx context.Context, sql string, args ...any) (*core.Plugin, error) {
	var p *core.Plugin
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		p, err = scanPlugin(row)
		return err
	}, sql, args...)
	return p, err
}

// invalidateAfterCommit drops this replica's cached bindings of a tenant
// (uuid.Nil: all) once the unit's change commits, so that its next
// request sees it at once; other replicas follow on the trigger's NOTIFY.
func (r pluginRepo) invalidateAfterCommit(tenant uuid.UUID) {
	r.u.AfterCommit(func() { r.s.invalidateBindings(tenant) })
}

func (r pluginRepo) InsertPlugin(ctx context.Context, np *core.Plugin) (*core.Plugin, error) {
	p, err := r.queryPlugin(ctx, `INSERT INTO plugins (id, name, kind, version, path, sha256, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+pluginColumns,
		np.ID, np.Name, np.Kind, np.Version, np.Path, np.SHA256, np.CreatedAt)
	return p, translate(err, "plugin "+np.Name+" "+np.Version)
}

func (r pluginRepo) FindPlugins(ctx context.Context) ([]*core.Plugin, error) {
	return queryAll(ctx, r.u, scanPlugin, `SELECT `+pluginColumns+` FROM plugins ORDER BY name, version`)
}

// queryAll runs a query in the unit and scans every row; an empty result
// is an empty slice, not nil.
func queryAll[T any](ctx context.Context, u *unit, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	q, err := u.conn(ctx)
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

func (r pluginRepo) FindPluginByID(ctx context.Context, id uuid.UUID) (*core.Plugin, error) {
	p, err := r.queryPlugin(ctx, `SELECT `+pluginColumns+` FROM plugins WHERE id = $1`, id)
	return p, translate(err, "plugin")
}

func (r pluginRepo) SetPluginEnabled(ctx context.Context, id uuid.UUID, enabled bool) (*core.Plugin, error) {
	r.invalidateAfterCommit(uuid.Nil) // every tenant bound to it
	p, err := r.queryPlugin(ctx, `UPDATE plugins SET enabled = $2 WHERE id = $1 RETURNING `+pluginColumns, id, enabled)
	return p, translate(err, "plugin")
}

func (r pluginRepo) PluginInUse(ctx context.Context, id uuid.UUID) (bool, error) {
	var inUse bool
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&inUse) }, `SELECT plugin_in_use($1)`, id)
	return inUse, err
}

func (r pluginRepo) DeletePlugin(ctx context.Context, id uuid.UUID) error {
	r.invalidateAfterCommit(uuid.Nil) // every tenant bound to it
	return r.deleteRow(ctx, `DELETE FROM plugins WHERE id = $1`, id, "plugin not found")
}

// deleteRow runs a DELETE of one row: ENOTFOUND with notFound when it
// deletes none.
func (r pluginRepo) deleteRow(ctx context.Context, sql string, id uuid.UUID, notFound string) error {
	q, err := r.u.conn(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, sql, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "%s", notFound)
	}
	return nil
}

// Audit implements audit.Store for the plugin use cases.
func (s *PluginStore) Audit(u core.UnitOfWork) audit.Repository { return s.s.Audit(u) }
