package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestSecretsShownOnceAreNotKeptForReplay: an API key's secret and a
// webhook's signing secret (at creation and at rotation) are shown by the
// first response only: a replay with the same Idempotency-Key does the
// work once and answers with the secret redacted, and no table holds the
// secret in plain text (the API key is stored as a hash, the webhook
// secret sealed).
func TestSecretsShownOnceAreNotKeptForReplay(t *testing.T) {
	t.Parallel()
	b := setup(t, privateWebhooks)
	acme := b.onboard("acme")
	once := func(path string, body any, key string) (first, again resp) {
		t.Helper()
		first = b.do("POST", path, acme.admin, body, "Idempotency-Key", key)
		require.Contains(t, []int{200, 201}, first.Status, "%s", first.Raw)
		again = b.do("POST", path, acme.admin, body, "Idempotency-Key", key)
		require.Equal(t, first.Status, again.Status, "%s", again.Raw)
		require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
		require.Equal(t, first.str("id"), again.str("id"), "done once")
		secret := first.str("secret")
		require.GreaterOrEqual(t, len(secret), 16, "%s", first.Raw)
		require.Equal(t, "[redacted]", again.str("secret"))
		require.NotContains(t, string(again.Raw), secret)
		for table, n := range tablesHolding(t, b, secret) {
			t.Errorf("%s: table %s holds the secret in plain text (%d rows)", path, table, n)
		}
		return first, again
	}

	key, _ := once("/v1/api-keys", map[string]any{"name": "bridge", "roles": []string{core.RoleIntegration},
		"scope": map[string]any{"all": true}}, "key-1")
	b.must(200, "GET", "/v1/me", key.str("secret"), nil) // the secret shown once works
	require.Len(t, b.must(200, "GET", "/v1/api-keys", acme.admin, nil).JSON["items"], 1, "one key for the two requests")

	hook, _ := once("/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9999/hooks", "event_types": []string{"*"}}, "hook-1")
	rotated, _ := once("/v1/webhooks/"+hook.str("id")+"/rotate-secret", nil, "rotate-1")
	require.NotEqual(t, hook.str("secret"), rotated.str("secret"))
}
