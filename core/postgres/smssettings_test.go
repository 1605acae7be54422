package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
)

func newSMSTenant(t *testing.T, s *postgres.Store, slug, tz string) uuid.UUID {
	t.Helper()
	tenant := &core.Tenant{ID: uuid.New(), Slug: slug, Name: slug, Locale: "zh-CN", TimeZone: tz}
	pgtest.CreateTenant(t, s, tenant, uuid.New(), "x")
	return tenant.ID
}

func saveSMS(s *postgres.Store, tenant uuid.UUID, in core.SMSSettings) (out *core.SMSSettings, err error) {
	ctx := context.Background()
	err = core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		out, err = messaging.New(messaging.Config{Store: s, Units: s}).UpdateSMSSettings(ctx, u, in)
		return err
	})
	return out, err
}

func findSMS(t *testing.T, s *postgres.Store, tenant uuid.UUID) *core.SMSSettings {
	t.Helper()
	var out *core.SMSSettings
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, s, tenant, func(u core.UnitOfWork) error {
		var err error
		out, err = messaging.New(messaging.Config{Store: s, Units: s}).SMSSettings(ctx, u)
		return err
	}))
	return out
}

// TestSMSSettingsStore: defaults until saved, a round trip, tenants apart,
// and a number belongs to one tenant, which inbound routing finds from a
// platform transaction by the longest prefix.
func TestSMSSettingsStore(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	a := newSMSTenant(t, s, "acme", "Asia/Shanghai")
	b := newSMSTenant(t, s, "bolt", "Europe/Berlin")
	ctx := context.Background()

	def := findSMS(t, s, a)
	require.Equal(t, "Asia/Shanghai", def.TimeZone)
	require.Equal(t, core.DefaultSMSSettings().QuietHours, def.QuietHours)
	require.Len(t, def.Notifications, len(core.SMSKinds()), "every kind has its default")
	require.True(t, def.UpdatedAt.IsZero())

	in := core.DefaultSMSSettings()
	in.Signature, in.Number, in.RatePerMinute = "海尔服务", "10690123", 30
	in.Notifications[core.SMSCustomerSatisfaction] = core.SMSNotification{Enabled: false,
		Templates: map[string]string{core.LocaleEn: "Rate {order_number}: reply 1-5"}}
	got, err := saveSMS(s, a, in)
	require.NoError(t, err)
	require.Equal(t, "【海尔服务】", got.Signature)
	require.Equal(t, "10690123", got.Number)
	require.Equal(t, 30, got.RatePerMinute)
	require.False(t, got.Enabled(core.SMSCustomerSatisfaction))
	require.True(t, got.Enabled(core.SMSTechnicianAssigned))
	require.Equal(t, "Rate {order_number}: reply 1-5", got.Template(core.SMSCustomerSatisfaction, "en"))
	require.False(t, got.UpdatedAt.IsZero())
	require.Equal(t, got, findSMS(t, s, a), "what was saved is what is read")

	// Tenant b sees its own defaults, not a's settings.
	other := findSMS(t, s, b)
	require.Equal(t, "", other.Signature)
	require.Equal(t, "", other.Number)
	require.Equal(t, "Europe/Berlin", other.TimeZone)

	// Bad settings are refused and change nothing.
	bad := core.DefaultSMSSettings()
	bad.Notifications[core.SMSSiteUrge] = core.SMSNotification{Enabled: true, Templates: map[string]string{"zh-CN": "{nope}"}}
	_, err = saveSMS(s, a, bad)
	require.Equal(t, core.EINVALID, core.ErrorCode(err))
	require.Equal(t, "【海尔服务】", findSMS(t, s, a).Signature)

	// b cannot take a's number, nor a prefix-identical one.
	taken := core.DefaultSMSSettings()
	taken.Number = "1069 0123"
	_, err = saveSMS(s, b, taken)
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err))
	require.Contains(t, core.ErrorMessage(err), "number")
	require.Equal(t, "", findSMS(t, s, b).Number)
	// A longer number (an extension of a's) is b's own.
	taken.Number = "1069012399"
	_, err = saveSMS(s, b, taken)
	require.NoError(t, err)
	// Saving again with the same number is fine.
	_, err = saveSMS(s, a, *got)
	require.NoError(t, err)

	route := func(number string) (uuid.UUID, error) {
		return messaging.New(messaging.Config{Store: s, Units: s}).FindTenantBySMSNumber(ctx, number)
	}
	for number, want := range map[string]uuid.UUID{"10690123": a, "1069012301": a, "+86 1069012399": b, "00861069012301": a, "861069012301": uuid.Nil,
		"1069012399": b, "106901239901": b} {
		id, err := route(number)
		if want == uuid.Nil {
			require.Equal(t, core.ENOTFOUND, core.ErrorCode(err), number)
			continue
		}
		require.NoError(t, err, number)
		require.Equal(t, want, id, number)
	}
	for _, number := range []string{"1069", "", "10690124", "abc"} {
		_, err := route(number)
		require.Equal(t, core.ENOTFOUND, core.ErrorCode(err), number)
	}
	// From a tenant transaction too (another tenant's number included).
	require.NoError(t, core.InUnitOfWork(ctx, s, b, func(u core.UnitOfWork) error {
		id, err := s.Messaging(u).FindTenantBySMSNumber(ctx, core.SMSNumberPrefixes("10690123"))
		require.Equal(t, a, id)
		return err
	}))

	// Releasing a number frees it.
	got.Number = ""
	_, err = saveSMS(s, a, *got)
	require.NoError(t, err)
	_, err = route("10690123")
	require.Equal(t, core.ENOTFOUND, core.ErrorCode(err))
}

// TestSMSNumberRace: two tenants saving the same number at once, many
// times: exactly one of them gets it each time.
func TestSMSNumberRace(t *testing.T) {
	t.Parallel()
	s := pgtest.NewStore(t, nil)
	tenants := []uuid.UUID{newSMSTenant(t, s, "acme", "UTC"), newSMSTenant(t, s, "bolt", "UTC")}
	for i := 0; i < 10; i++ {
		in := core.DefaultSMSSettings()
		in.Number = "1069" + string(rune('0'+i)) + "77"
		var wg sync.WaitGroup
		errs := make([]error, len(tenants))
		for j, tenant := range tenants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[j] = saveSMS(s, tenant, in)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "%v", err)
			}
		}
		require.Equal(t, 1, won, "number %s", in.Number)
	}
}
