package postgres

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

type bindingKey struct {
	tenant uuid.UUID
	kind   string
}

const bindingColumns = `tenant_id, id, plugin_id, kind, name, config, secret_names, enabled, version, created_at, updated_at`

func scanBinding(row pgx.Row, extra ...any) (*core.PluginBinding, error) {
	b := &core.PluginBinding{}
	err := row.Scan(append([]any{&b.TenantID, &b.ID, &b.PluginID, &b.Kind, &b.Name, &b.Config, &b.SecretNames,
		&b.Enabled, &b.Version, &b.CreatedAt, &b.UpdatedAt}, extra...)...)
	if b.SecretNames == nil {
		b.SecretNames = []string{}
	}
	return b, err
}

// queryBinding reads one binding row (and extra columns) through the unit.
func (r pluginRepo) queryBinding(ctx context.Context, extra []any, sql string, args ...any) (*core.PluginBinding, error) {
	var b *core.PluginBinding
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		b, err = scanBinding(row, extra...)
		return err
	}, sql, args...)
	return b, translate(err, "plugin binding")
}

// sealSecrets encrypts a binding's secrets for storage (none: NULL).
func (s *PluginStore) sealSecrets(tenant, id uuid.UUID, secrets map[string]string) []byte {
	if len(secrets) == 0 {
		return nil
	}
	plain, _ := json.Marshal(secrets)
	return s.box.seal(tenant, id, labelPluginSecrets, plain)
}

func (s *PluginStore) openSecrets(tenant, id uuid.UUID, sealed []byte) (map[string]string, error) {
	out := map[string]string{}
	if sealed == nil {
		return out, nil
	}
	plain, err := s.box.open(tenant, id, labelPluginSecrets, sealed)
	if err != nil {
		return nil, core.Errorf(core.EUNPROCESSABLE, "%v", err)
	}
	return out, json.Unmarshal(plain, &out)
}

func (r pluginRepo) InsertBinding(ctx context.Context, nb *core.PluginBinding, tokenHash []byte) (*core.PluginBinding, error) {
	r.invalidateAfterCommit(r.u.tenantID)
	return r.queryBinding(ctx, nil, `INSERT INTO plugin_bindings (tenant_id, id, plugin_id, kind, name, config,
		secret_names, secrets, token_hash, enabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+bindingColumns,
		r.u.tenantID, nb.ID, nb.PluginID, nb.Kind, nb.Name, nb.Config, nb.SecretNames,
		r.s.sealSecrets(r.u.tenantID, nb.ID, nb.Secrets), tokenHash, nb.Enabled, nb.CreatedAt, nb.UpdatedAt)
}

func (r pluginRepo) FindBindings(ctx context.Context) ([]*core.PluginBinding, error) {
	return queryAll(ctx, r.u, func(row pgx.Row) (*core.PluginBinding, error) { return scanBinding(row) },
		`SELECT `+bindingColumns+` FROM plugin_bindings ORDER BY name, id`)
}

func (r pluginRepo) FindBindingByID(ctx context.Context, id uuid.UUID) (*core.PluginBinding, error) {
	return r.queryBinding(ctx, nil, `SELECT `+bindingColumns+` FROM plugin_bindings WHERE id = $1`, id)
}

func (r pluginRepo) LockBinding(ctx context.Context, id uuid.UUID, withSecrets bool) (*core.PluginBinding, error) {
	var sealed []byte
	b, err := r.queryBinding(ctx, []any{&sealed}, `SELECT `+bindingColumns+`, secrets FROM plugin_bindings WHERE id = $1 FOR UPDATE`, id)
	if err != nil || !withSecrets {
		return b, err
	}
	b.Secrets, err = r.s.openSecrets(b.TenantID, b.ID, sealed)
	return b, err
}

func (r pluginRepo) UpdateBinding(ctx context.Context, b *core.PluginBinding) (*core.PluginBinding, error) {
	r.invalidateAfterCommit(r.u.tenantID)
	if b.Secrets == nil {
		return r.queryBinding(ctx, nil, `UPDATE plugin_bindings SET name = $2, config = $3, enabled = $4,
			version = $5, updated_at = $6 WHERE id = $1 RETURNING `+bindingColumns,
			b.ID, b.Name, b.Config, b.Enabled, b.Version, b.UpdatedAt)
	}
	return r.queryBinding(ctx, nil, `UPDATE plugin_bindings SET name = $2, config = $3, enabled = $4,
		secret_names = $5, secrets = $6, version = $7, updated_at = $8 WHERE id = $1 RETURNING `+bindingColumns,
		b.ID, b.Name, b.Config, b.Enabled, b.SecretNames, r.s.sealSecrets(b.TenantID, b.ID, b.Secrets), b.Version, b.UpdatedAt)
}

func (r pluginRepo) DeleteBinding(ctx context.Context, id uuid.UUID) error {
	r.invalidateAfterCommit(r.u.tenantID)
	return r.deleteRow(ctx, `DELETE FROM plugin_bindings WHERE id = $1`, id, "plugin binding not found")
}

// runnable loads a binding with its plugin, decrypted secrets and token
// hash; where selects it (by kind or by id).
func (r pluginRepo) runnable(ctx context.Context, where string, arg any) (*core.PluginBinding, []byte, error) {
	var sealed, tokenHash []byte
	p := &core.Plugin{}
	b, err := r.queryBinding(ctx, []any{&sealed, &tokenHash, &p.ID, &p.Name, &p.Kind, &p.Version, &p.Path, &p.SHA256, &p.Enabled, &p.CreatedAt},
		`SELECT b.tenant_id, b.id, b.plugin_id, b.kind, b.name, b.config, b.secret_names,
		b.enabled, b.version, b.created_at, b.updated_at, b.secrets, b.token_hash,
		p.id, p.name, p.kind, p.version, p.path, p.sha256, p.enabled, p.created_at
		FROM plugin_bindings b JOIN plugins p ON p.id = b.plugin_id WHERE `+where, arg)
	if err != nil {
		return nil, nil, err
	}
	b.Plugin = p
	if b.Secrets, err = r.s.openSecrets(b.TenantID, b.ID, sealed); err != nil {
		return nil, nil, err
	}
	return b, tokenHash, nil
}

func (r pluginRepo) FindRunnableBinding(ctx context.Context, id uuid.UUID) (*core.PluginBinding, []byte, error) {
	return r.runnable(ctx, `b.id = $1`, id)
}

func (r pluginRepo) FindEnabledBinding(ctx context.Context, kind string) (*core.PluginBinding, error) {
	b, _, err := r.runnable(ctx, `b.enabled AND b.kind = $1`, kind)
	return b, err
}
