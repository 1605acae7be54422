package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// PluginStore implements the plugin registry, tenant bindings (secrets
// encrypted with the platform key), agent CTI extensions and the agent
// event bus on a Store.
type PluginStore struct {
	s   *Store
	box *secretBox
	// Agent event subscribers of this process, by tenant and user.
	mu   sync.Mutex
	subs map[agentKey]map[*agentSub]struct{}
	// Enabled bindings by tenant and kind, trusted only while the change
	// listener runs (listening); gen grows with every invalidation so a
	// lookup racing with one does not cache what it read before it.
	cacheMu   sync.Mutex
	cache     sync.Map // bindingKey -> *core.PluginBinding (nil: none)
	gen       atomic.Uint64
	listening atomic.Bool
}

type bindingKey struct {
	tenant uuid.UUID
	kind   string
}

// NewPluginStore returns the plugin store; key is the 32-byte platform key
// that encrypts binding secrets.
func NewPluginStore(s *Store, key []byte) (*PluginStore, error) {
	box, err := newSecretBox(key)
	if err != nil {
		return nil, err
	}
	return &PluginStore{s: s, box: box, subs: map[agentKey]map[*agentSub]struct{}{}}, nil
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

// newCTIToken returns a CTI event token and its hash. The token carries its
// tenant, so the endpoint can open that tenant's transaction without
// looking across tenants.
func newCTIToken(tenant uuid.UUID) (string, []byte) {
	raw := make([]byte, 16+24)
	copy(raw, tenant[:])
	if _, err := rand.Read(raw[16:]); err != nil {
		panic(err)
	}
	tok := "ctk_" + base64.RawURLEncoding.EncodeToString(raw)
	h := sha256.Sum256([]byte(tok))
	return tok, h[:]
}

// ctiTokenTenant returns the tenant a CTI token claims, or false.
func ctiTokenTenant(tok string) (uuid.UUID, bool) {
	rest, ok := strings.CutPrefix(tok, "ctk_")
	// The length check first: the decoder skips line breaks, and a token
	// should have exactly one spelling.
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(40) {
		return uuid.Nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) != 40 {
		return uuid.Nil, false
	}
	return uuid.UUID(raw[:16]), true
}

func (s *PluginStore) sealSecrets(tenant, id uuid.UUID, secrets map[string]string) ([]byte, []string) {
	if len(secrets) == 0 {
		return nil, []string{}
	}
	plain, _ := json.Marshal(secrets)
	return s.box.seal(tenant, id, plain), slices.Sorted(maps.Keys(secrets))
}

func (s *PluginStore) openSecrets(tenant, id uuid.UUID, sealed []byte) (map[string]string, error) {
	out := map[string]string{}
	if sealed == nil {
		return out, nil
	}
	plain, err := s.box.open(tenant, id, sealed)
	if err != nil {
		return nil, core.Errorf(core.EUNPROCESSABLE, "%v", err)
	}
	return out, json.Unmarshal(plain, &out)
}

// checkPluginForBinding returns the plugin's kind: EINVALID when unknown.
func checkPluginForBinding(ctx context.Context, q querier, id uuid.UUID) (string, error) {
	var kind string
	err := q.QueryRow(ctx, `SELECT kind FROM plugins WHERE id = $1`, id).Scan(&kind)
	if isNotFound(translate(err, "")) {
		return "", core.FieldError("plugin_id", "no such plugin is registered")
	}
	return kind, err
}

func enabledConflict(kind string) error {
	return core.Errorf(core.ECONFLICT, "the tenant already has an enabled %s binding; disable it first", kind)
}

// CreatePluginBinding implements core.PluginBindingService.
func (s *PluginStore) CreatePluginBinding(ctx context.Context, nb core.NewPluginBinding) (*core.PluginBinding, string, error) {
	s.invalidateAfterCommit(ctx, tenantOf(ctx))
	if err := nb.Validate(); err != nil {
		return nil, "", err
	}
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	kind, err := checkPluginForBinding(ctx, q, nb.PluginID)
	if err != nil {
		return nil, "", err
	}
	tenant, id, now := tenantOf(ctx), uuid.New(), s.s.now()
	sealed, names := s.sealSecrets(tenant, id, nb.Secrets)
	tok, hash := newCTIToken(tenant)
	b, err := scanBinding(q.QueryRow(ctx, `INSERT INTO plugin_bindings (tenant_id, id, plugin_id, kind, name, config,
		secret_names, secrets, token_hash, enabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING `+bindingColumns,
		tenant, id, nb.PluginID, kind, nb.Name, nb.Config, names, sealed, hash, nb.Enabled, now))
	if err != nil {
		if core.ErrorCode(translate(err, "")) == core.ECONFLICT {
			return nil, "", enabledConflict(kind)
		}
		return nil, "", translate(err, "plugin binding")
	}
	return b, tok, nil
}

// FindPluginBindings implements core.PluginBindingService.
func (s *PluginStore) FindPluginBindings(ctx context.Context) ([]*core.PluginBinding, error) {
	return queryAll(ctx, s.s, func(r pgx.Row) (*core.PluginBinding, error) { return scanBinding(r) },
		`SELECT `+bindingColumns+` FROM plugin_bindings ORDER BY name, id`)
}

// FindPluginBindingByID implements core.PluginBindingService.
func (s *PluginStore) FindPluginBindingByID(ctx context.Context, id uuid.UUID) (*core.PluginBinding, error) {
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	b, err := scanBinding(q.QueryRow(ctx, `SELECT `+bindingColumns+` FROM plugin_bindings WHERE id = $1`, id))
	return b, translate(err, "plugin binding")
}

// UpdatePluginBinding implements core.PluginBindingService.
func (s *PluginStore) UpdatePluginBinding(ctx context.Context, id uuid.UUID, u core.PluginBindingUpdate) (*core.PluginBinding, error) {
	s.invalidateAfterCommit(ctx, tenantOf(ctx))
	if err := u.Validate(); err != nil {
		return nil, err
	}
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	var sealed []byte
	cur, err := scanBinding(q.QueryRow(ctx, `SELECT `+bindingColumns+`, secrets FROM plugin_bindings WHERE id = $1 FOR UPDATE`, id), &sealed)
	if err != nil {
		return nil, translate(err, "plugin binding")
	}
	if u.Name != nil {
		cur.Name = *u.Name
	}
	if u.Config != nil {
		cur.Config = u.Config
	}
	if u.Enabled != nil {
		cur.Enabled = *u.Enabled
	}
	names := cur.SecretNames
	if len(u.Secrets) > 0 {
		secrets, err := s.openSecrets(cur.TenantID, id, sealed)
		if err != nil {
			return nil, err
		}
		for k, v := range u.Secrets {
			if v == "" {
				delete(secrets, k)
			} else {
				secrets[k] = v
			}
		}
		if err := core.ValidatePluginSecrets(secrets); err != nil {
			return nil, err
		}
		sealed, names = s.sealSecrets(cur.TenantID, id, secrets)
	}
	b, err := scanBinding(q.QueryRow(ctx, `UPDATE plugin_bindings SET name = $2, config = $3, enabled = $4,
		secret_names = $5, secrets = $6, version = version + 1, updated_at = $7 WHERE id = $1 RETURNING `+bindingColumns,
		id, cur.Name, cur.Config, cur.Enabled, names, sealed, s.s.now()))
	if err != nil && core.ErrorCode(translate(err, "")) == core.ECONFLICT {
		return nil, enabledConflict(cur.Kind)
	}
	return b, translate(err, "plugin binding")
}

// DeletePluginBinding implements core.PluginBindingService.
func (s *PluginStore) DeletePluginBinding(ctx context.Context, id uuid.UUID) error {
	s.invalidateAfterCommit(ctx, tenantOf(ctx))
	q, err := s.s.q(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM plugin_bindings WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "plugin binding not found")
	}
	return nil
}

// runnable loads a binding with its plugin and decrypted secrets; where
// selects it (enabled, of a kind, or by id).
func (s *PluginStore) runnable(ctx context.Context, q querier, where string, arg any) (*core.PluginBinding, []byte, error) {
	var sealed, tokenHash []byte
	p := &core.Plugin{}
	b, err := scanBinding(q.QueryRow(ctx, `SELECT b.tenant_id, b.id, b.plugin_id, b.kind, b.name, b.config, b.secret_names,
		b.enabled AND p.enabled, b.version, b.created_at, b.updated_at, b.secrets, b.token_hash,
		p.id, p.name, p.kind, p.version, p.path, p.sha256, p.enabled, p.created_at
		FROM plugin_bindings b JOIN plugins p ON p.id = b.plugin_id WHERE `+where, arg),
		&sealed, &tokenHash, &p.ID, &p.Name, &p.Kind, &p.Version, &p.Path, &p.SHA256, &p.Enabled, &p.CreatedAt)
	if err != nil {
		return nil, nil, translate(err, "plugin binding")
	}
	b.Plugin = p
	if b.Secrets, err = s.openSecrets(b.TenantID, b.ID, sealed); err != nil {
		return nil, nil, err
	}
	return b, tokenHash, nil
}

// FindEnabledPluginBinding implements core.PluginBindingService.
func (s *PluginStore) FindEnabledPluginBinding(ctx context.Context, kind string) (*core.PluginBinding, error) {
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	b, _, err := s.runnable(ctx, q, `b.enabled AND p.enabled AND b.kind = $1`, kind)
	if isNotFound(err) {
		return nil, errNoBinding(kind)
	}
	return b, err
}

// RunnablePluginBinding implements core.PluginBindingService.
func (s *PluginStore) RunnablePluginBinding(ctx context.Context, id uuid.UUID) (*core.PluginBinding, error) {
	q, err := s.s.q(ctx)
	if err != nil {
		return nil, err
	}
	b, _, err := s.runnable(ctx, q, `b.id = $1`, id)
	return b, err
}

// AuthenticateCTIBinding implements core.PluginBindingService.
func (s *PluginStore) AuthenticateCTIBinding(ctx context.Context, id uuid.UUID, token string) (*core.PluginBinding, error) {
	denied := core.Errorf(core.EUNAUTHORIZED, "unknown CTI binding or wrong token")
	tenant, ok := ctiTokenTenant(token)
	if !ok {
		return nil, denied
	}
	var status string
	err := s.s.pool.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1`, tenant).Scan(&status)
	if err != nil || status != core.TenantActive {
		return nil, denied
	}
	var b *core.PluginBinding
	err = s.s.InTenant(ctx, tenant, func(ctx context.Context) error {
		q, err := s.s.q(ctx)
		if err != nil {
			return err
		}
		var hash []byte
		b, hash, err = s.runnable(ctx, q, `b.id = $1`, id)
		want := sha256.Sum256([]byte(token))
		if err == nil && subtle.ConstantTimeCompare(hash, want[:]) != 1 {
			return denied
		}
		return err
	})
	if err != nil {
		if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EUNAUTHORIZED {
			return nil, denied
		}
		return nil, err
	}
	if b.Kind != core.PluginCTI || !b.Enabled {
		return nil, core.Errorf(core.EUNAUTHORIZED, "the CTI binding is disabled")
	}
	return b, nil
}
