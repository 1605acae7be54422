package webhook_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

func TestAttemptStatus(t *testing.T) {
	t.Parallel()
	retry := time.Now()
	require.Equal(t, core.WebhookDelivered, webhook.AttemptStatus(core.WebhookResult{Delivered: true}))
	require.Equal(t, core.WebhookPending, webhook.AttemptStatus(core.WebhookResult{RetryAt: &retry}), "a retry is scheduled")
	require.Equal(t, core.WebhookFailed, webhook.AttemptStatus(core.WebhookResult{}), "the last retry failed")
}

func TestNextFailures(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	earlier := at.Add(-time.Hour)
	retry := at.Add(time.Minute)
	for _, c := range []struct {
		name string
		f    core.WebhookFailures
		r    core.WebhookResult
		want core.WebhookFailures
	}{
		{"a success clears the record", core.WebhookFailures{Deliveries: 3, Since: &earlier}, core.WebhookResult{Delivered: true, At: at},
			core.WebhookFailures{}},
		{"a first failed attempt starts the clock", core.WebhookFailures{}, core.WebhookResult{At: at, RetryAt: &retry},
			core.WebhookFailures{Since: &at}},
		{"a later failed attempt keeps it", core.WebhookFailures{Since: &earlier}, core.WebhookResult{At: at, RetryAt: &retry},
			core.WebhookFailures{Since: &earlier}},
		{"a failed delivery counts", core.WebhookFailures{Deliveries: 1, Since: &earlier}, core.WebhookResult{At: at},
			core.WebhookFailures{Deliveries: 2, Since: &earlier}},
		{"a failed delivery of a healthy endpoint counts and starts the clock", core.WebhookFailures{}, core.WebhookResult{At: at},
			core.WebhookFailures{Deliveries: 1, Since: &at}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := webhook.NextFailures(c.f, c.r, webhook.AttemptStatus(c.r))
			require.True(t, c.want.Equal(got), "got %+v, want %+v", got, c.want)
		})
	}
}

func TestDisableReason(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	since := func(d time.Duration) *time.Time { v := at.Add(-d); return &v }
	policy := core.WebhookDisablePolicy{Deliveries: 5, For: 24 * time.Hour}
	for _, c := range []struct {
		name string
		p    core.WebhookDisablePolicy
		f    core.WebhookFailures
		want string
	}{
		{"healthy", policy, core.WebhookFailures{}, ""},
		{"below both limits", policy, core.WebhookFailures{Deliveries: 4, Since: since(23 * time.Hour)}, ""},
		{"at the count", policy, core.WebhookFailures{Deliveries: 5, Since: since(time.Hour)},
			"disabled after 5 failed deliveries in a row"},
		{"the count is named first", policy, core.WebhookFailures{Deliveries: 6, Since: since(48 * time.Hour)},
			"disabled after 6 failed deliveries in a row"},
		{"failing exactly for the time", policy, core.WebhookFailures{Deliveries: 1, Since: since(24 * time.Hour)},
			"disabled: no delivery attempt succeeded since 2026-12-05T09:00:00Z"},
		{"a zero count never disables", core.WebhookDisablePolicy{For: time.Hour}, core.WebhookFailures{Deliveries: 100}, ""},
		{"a zero time never disables", core.WebhookDisablePolicy{Deliveries: 5}, core.WebhookFailures{Since: since(1000 * time.Hour)}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, webhook.DisableReason(c.p, c.f, at))
		})
	}
}

func TestReceives(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		types   []string
		enabled bool
		want    bool
	}{
		{"subscribed to the type", []string{core.OutboxWorkOrderCreated}, true, true},
		{"subscribed to all", []string{core.WebhookAllEvents}, true, true},
		{"among others", []string{core.OutboxWorkOrderAssigned, core.OutboxWorkOrderCreated}, true, true},
		{"to other types only", []string{core.OutboxWorkOrderAssigned}, true, false},
		{"disabled", []string{core.WebhookAllEvents}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := &core.WebhookEndpoint{EventTypes: c.types, Enabled: c.enabled}
			require.Equal(t, c.want, webhook.Receives(e, core.OutboxWorkOrderCreated))
		})
	}
	require.ElementsMatch(t, []string{core.OutboxWorkOrderCreated, core.WebhookAllEvents}, webhook.Subscriptions(core.OutboxWorkOrderCreated))
}
