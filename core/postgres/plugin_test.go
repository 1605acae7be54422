package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/plugin"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

func newKey(t *testing.T) []byte {
	k := make([]byte, 32)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

func newTenant(t *testing.T, s *postgres.Store, slug string) uuid.UUID {
	t.Helper()
	tenant := &core.Tenant{ID: uuid.New(), Slug: slug, Name: slug, Locale: "en", TimeZone: "UTC"}
	pgtest.CreateTenant(t, s, tenant, uuid.New(), "x")
	return tenant.ID
}

// newPlugins returns the plugin use cases on the plugin store of s with
// key (no runtime).
func newPlugins(t *testing.T, s *postgres.Store, key []byte) *plugin.Service {
	t.Helper()
	ps, err := postgres.NewPluginStore(s, key)
	require.NoError(t, err)
	return plugin.NewService(plugin.Config{Store: ps, Units: s})
}

func registerPlugin(t *testing.T, s *postgres.Store, ps *plugin.Service, kind string) *core.Plugin {
	t.Helper()
	var p *core.Plugin
	require.NoError(t, core.InUnitOfWork(context.Background(), s, uuid.Nil, func(u core.UnitOfWork) error {
		var err error
		p, err = ps.RegisterPlugin(context.Background(), u, core.NewPlugin{Name: "p-" + kind, Kind: kind, Version: "1.0.0",
			Path: "/plugins/" + kind, SHA256: strings.Repeat("ab", 32)})
		return err
	}))
	return p
}

func bind(t *testing.T, s *postgres.Store, ps *plugin.Service, tenant uuid.UUID, nb core.NewPluginBinding) (*core.PluginBinding, string, error) {
	t.Helper()
	var b *core.PluginBinding
	var tok string
	err := core.InUnitOfWork(context.Background(), s, tenant, func(u core.UnitOfWork) error {
		var err error
		b, tok, err = ps.CreateBinding(context.Background(), u, nb)
		return err
	})
	return b, tok, err
}

// rawSecrets reads the stored secrets column as the application sees it.
func rawSecrets(t *testing.T, s *postgres.Store, tenant, id uuid.UUID) []byte {
	t.Helper()
	return pgtest.TenantRows[[]byte](t, s.Pool(), tenant, `SELECT secrets FROM plugin_bindings WHERE id = $1`, id)[0]
}

func TestPluginSecretsAreEncryptedAtRest(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	ps := newPlugins(t, s, newKey(t))
	tenant := newTenant(t, s, "acme")
	p := registerPlugin(t, s, ps, core.PluginParts)
	const secret = "erp-password-4711"
	b, _, err := bind(t, s, ps, tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP", Enabled: true,
		Config: json.RawMessage(`{"url":"https://erp.example"}`), Secrets: map[string]string{"password": secret}})
	require.NoError(t, err)
	require.Equal(t, []string{"password"}, b.SecretNames)
	require.Nil(t, b.Secrets)

	raw := rawSecrets(t, s, tenant, b.ID)
	require.NotEmpty(t, raw)
	require.False(t, bytes.Contains(raw, []byte(secret)), "the stored column holds the plaintext")

	// The runtime gets them back with the right key...
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		got, err := ps.EnabledBinding(ctx, u, core.PluginParts)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"password": secret}, got.Secrets)
		require.Equal(t, p.Path, got.Plugin.Path)
		return nil
	}))
	// ...and not with another key.
	other := newPlugins(t, s, newKey(t))
	err = core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		_, err := other.EnabledBinding(ctx, u, core.PluginParts)
		return err
	})
	require.Equal(t, core.EUNPROCESSABLE, core.ErrorCode(err))

	// A ciphertext moved to another binding does not decrypt there.
	b2, _, err := bind(t, s, ps, tenant, core.NewPluginBinding{PluginID: p.ID, Name: "ERP 2", Secrets: map[string]string{"x": "y"}})
	require.NoError(t, err)
	pgtest.InTenant(t, s.Pool(), tenant, func(ctx context.Context, tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE plugin_bindings SET secrets = $2, enabled = false WHERE id = $1`, b.ID, raw)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `UPDATE plugin_bindings SET secrets = $2, enabled = true WHERE id = $1`, b2.ID, raw)
		require.NoError(t, err)
	})
	err = core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		_, err := ps.EnabledBinding(ctx, u, core.PluginParts)
		return err
	})
	require.Equal(t, core.EUNPROCESSABLE, core.ErrorCode(err))
}

func TestPluginBindingRules(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	ps := newPlugins(t, s, newKey(t))
	a, b := newTenant(t, s, "tenant-a"), newTenant(t, s, "tenant-b")
	cti := registerPlugin(t, s, ps, core.PluginCTI)
	ctx := context.Background()

	first, tokA, err := bind(t, s, ps, a, core.NewPluginBinding{PluginID: cti.ID, Name: "switch", Enabled: true})
	require.NoError(t, err)
	_, _, err = bind(t, s, ps, a, core.NewPluginBinding{PluginID: cti.ID, Name: "second", Enabled: true})
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "one enabled binding per kind")
	_, _, err = bind(t, s, ps, a, core.NewPluginBinding{PluginID: uuid.New(), Name: "ghost"})
	require.Equal(t, core.EINVALID, core.ErrorCode(err))
	onB, tokB, err := bind(t, s, ps, b, core.NewPluginBinding{PluginID: cti.ID, Name: "switch", Enabled: true})
	require.NoError(t, err)

	got, err := ps.AuthenticateCTI(ctx, first.ID, tokA)
	require.NoError(t, err)
	require.Equal(t, a, got.TenantID)
	for name, c := range map[string]struct {
		id  uuid.UUID
		tok string
	}{
		"A's token on B's binding": {onB.ID, tokA},
		"B's token on A's binding": {first.ID, tokB},
		"garbage token":            {first.ID, "ctk_nonsense"},
		"empty token":              {first.ID, ""},
	} {
		_, err := ps.AuthenticateCTI(ctx, c.id, c.tok)
		require.Equal(t, core.EUNAUTHORIZED, core.ErrorCode(err), name)
	}

	// B cannot see or change A's binding.
	require.NoError(t, core.InUnitOfWork(ctx, s, b, func(u core.UnitOfWork) error {
		_, err := ps.FindBindingByID(ctx, u, first.ID)
		require.Equal(t, core.ENOTFOUND, core.ErrorCode(err))
		require.Equal(t, core.ENOTFOUND, core.ErrorCode(ps.DeleteBinding(ctx, u, first.ID)))
		return nil
	}))

	// A bound plugin cannot be deleted.
	err = core.InUnitOfWork(ctx, s, uuid.Nil, func(u core.UnitOfWork) error { return ps.DeletePlugin(ctx, u, cti.ID) })
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err))

	// Updating keeps untouched secrets and bumps the version.
	off := false
	require.NoError(t, core.InUnitOfWork(ctx, s, a, func(u core.UnitOfWork) error {
		up, err := ps.UpdateBinding(ctx, u, first.ID, core.PluginBindingUpdate{Enabled: &off, Secrets: map[string]string{"k": "v"}})
		require.NoError(t, err)
		require.Equal(t, 2, up.Version)
		require.Equal(t, []string{"k"}, up.SecretNames)
		return nil
	}))
	_, err = ps.AuthenticateCTI(ctx, first.ID, tokA)
	require.Equal(t, core.EUNAUTHORIZED, core.ErrorCode(err), "a disabled binding takes no events")
}
