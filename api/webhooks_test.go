package api_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/webhook"
)

// webhookSecret reads an endpoint's stored secret in its tenant and
// decrypts it as the at-rest format says (AES-256-GCM with the platform
// key: a version byte, the nonce, the ciphertext; associated data the
// tenant ID, the endpoint ID and "webhook-secret"), written here from that
// description rather than with the store's code. The plaintext column
// must be empty.
func (b *testBundle) webhookSecret(tenant uuid.UUID, id string) string {
	b.t.Helper()
	plain := pgtest.TenantRows[string](b.t, b.pool, tenant, `SELECT secret FROM webhook_endpoints WHERE id = $1`, id)[0]
	require.Empty(b.t, plain, "no secret is stored in plain text")
	sealed := pgtest.TenantRows[[]byte](b.t, b.pool, tenant, `SELECT secret_sealed FROM webhook_endpoints WHERE id = $1`, id)[0]
	block, err := aes.NewCipher(pluginKey)
	require.NoError(b.t, err)
	gcm, err := cipher.NewGCM(block)
	require.NoError(b.t, err)
	require.Equal(b.t, byte(1), sealed[0])
	endpoint := uuid.MustParse(id)
	ad := append(append(tenant[:], endpoint[:]...), "webhook-secret"...)
	secret, err := gcm.Open(nil, sealed[1:1+gcm.NonceSize()], sealed[1+gcm.NonceSize():], ad)
	require.NoError(b.t, err)
	return string(secret)
}

// addDelivery creates a delivery of a made-up work_order.created message
// for the tenant's endpoints, as the outbox handler would.
func (b *testBundle) addDelivery(tenant uuid.UUID) {
	b.t.Helper()
	s := b.app.Store
	require.NoError(b.t, core.InUnitOfWork(context.Background(), s, tenant, func(u core.UnitOfWork) error {
		return s.CreateWebhookDeliveries(context.Background(), u, core.OutboxMessage{TenantID: tenant, ID: 1, AggregateID: uuid.New(),
			Type: core.OutboxWorkOrderCreated}, []byte(`{"type":"work_order.created","timestamp":"2026-11-23T00:00:00Z","data":{}}`))
	}))
}

// TestWebhookEndpointLifecycle: an admin registers an endpoint and sees
// its Standard Webhooks secret once; lists, updates, rotates and deletes
// it. The integration role may manage webhooks; an agent may not.
func TestWebhookEndpointLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t, privateWebhooks) // the platform setting tests use for loopback receivers
	acme := b.onboard("acme")
	r := b.must(201, "POST", "/v1/webhooks", acme.admin, map[string]any{"url": "http://127.0.0.1:9999/hooks",
		"description": "ERP", "event_types": []string{core.OutboxWorkOrderCreated, "work_order.sla_breached"}})
	id, secret := r.str("id"), r.str("secret")
	require.True(t, strings.HasPrefix(secret, "whsec_"), secret)
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	require.NoError(t, err)
	require.Len(t, key, 24)
	require.Equal(t, true, r.JSON["enabled"])

	got := b.must(200, "GET", "/v1/webhooks/"+id, acme.admin, nil)
	require.Empty(t, got.str("secret"), "the secret is shown only on create and rotation")
	list := b.must(200, "GET", "/v1/webhooks", acme.admin, nil)
	require.Len(t, list.JSON["items"], 1)
	types := b.must(200, "GET", "/v1/webhooks/event-types", acme.admin, nil)
	require.Len(t, types.JSON["items"], len(core.WebhookEventTypes))

	up := b.must(200, "PATCH", "/v1/webhooks/"+id, acme.admin, map[string]any{"description": "ERP v2", "event_types": []string{"*"}})
	require.Equal(t, "ERP v2", up.str("description"))
	require.Equal(t, []any{"*"}, up.JSON["event_types"])
	off := b.must(200, "PATCH", "/v1/webhooks/"+id, acme.admin, map[string]any{"enabled": false})
	require.Equal(t, false, off.JSON["enabled"])

	rot := b.must(200, "POST", "/v1/webhooks/"+id+"/rotate-secret", acme.admin, nil)
	require.True(t, strings.HasPrefix(rot.str("secret"), "whsec_"))
	require.NotEqual(t, secret, rot.str("secret"))
	require.Equal(t, rot.str("secret"), b.webhookSecret(acme.id, id))

	_, integ := b.createUser(acme.admin, "acme", "erp", []string{core.RoleIntegration}, map[string]any{"all": true})
	b.must(201, "POST", "/v1/webhooks", integ, map[string]any{"url": "https://hooks.example.com/a", "event_types": []string{"*"}})
	_, agent := b.createUser(acme.admin, "acme", "agent", []string{core.RoleAgent}, map[string]any{"all": true})
	b.must(403, "GET", "/v1/webhooks", agent, nil)
	b.must(403, "POST", "/v1/webhooks", agent, map[string]any{"url": "https://hooks.example.com/b", "event_types": []string{"*"}})

	b.must(204, "DELETE", "/v1/webhooks/"+id, acme.admin, nil)
	b.must(404, "GET", "/v1/webhooks/"+id, acme.admin, nil)
}

// TestWebhookBadInput: bad URLs, unknown event types and addresses that
// are not public are refused with a 4xx that says why, and nothing is
// stored or changed.
func TestWebhookBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	all := []string{"*"}
	cases := []struct {
		name, url string
		types     []string
		status    int
		detail    string
	}{
		{"not a URL", "not a url", all, 422, "not an absolute URL"},
		{"relative", "/hooks", all, 422, "not an absolute URL"},
		{"ftp", "ftp://hooks.example.com/", all, 422, "must be http or https"},
		{"credentials", "https://u:p@hooks.example.com/", all, 422, "credentials"},
		{"unknown event type", "https://hooks.example.com/", []string{"work_order.exploded"}, 422, "unknown event type"},
		{"no event types", "https://hooks.example.com/", []string{}, 422, "event_types"},
		{"event type twice", "https://hooks.example.com/", []string{"*", "*"}, 422, "twice"},
		{"loopback", "http://127.0.0.1:8080/", all, 422, "a loopback address"},
		{"loopback by name", "http://localhost:8080/", all, 422, "a loopback address"},
		{"IPv6 loopback", "http://[::1]/", all, 422, "a loopback address"},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/", all, 422, "a loopback address"},
		{"private", "https://10.1.2.3/", all, 422, "a private address"},
		{"private 192.168", "https://192.168.1.1/", all, 422, "a private address"},
		{"link-local metadata", "http://169.254.169.254/latest/meta-data", all, 422, "a link-local address"},
		{"CGNAT", "http://100.64.0.1/", all, 422, "carrier-grade NAT"},
		{"unspecified", "http://0.0.0.0/", all, 422, "unspecified"},
		{"multicast", "http://224.0.0.1/", all, 422, "multicast"},
		{"6to4 of loopback", "http://[2002:7f00:1::]/", all, 422, "6to4 address of a loopback"},
		{"Teredo", "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", all, 422, "a Teredo address"},
		{"NAT64 of private", "http://[64:ff9b::10.0.0.1]/", all, 422, "NAT64 address of a private"},
		{"NAT64 local-use", "http://[64:ff9b:1::a00:1]/", all, 422, "local-use NAT64"},
		{"unique local", "http://[fd00::1]/", all, 422, "a private address"},
		{"name of private among public", "https://inside.example/", all, 422, "resolves to 10.0.0.7, a private address"},
		{"name of metadata", "https://metadata.example/", all, 422, "a link-local address"},
		{"name of 6to4 loopback", "https://sixtofour.example/", all, 422, "6to4 address of a loopback"},
		{"does not resolve", "https://nowhere.invalid/", all, 422, "does not resolve"},
		{"privileged port", "https://hooks.example.com:22/", all, 422, "port 22 is not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.do("POST", "/v1/webhooks", acme.admin, map[string]any{"url": c.url, "event_types": c.types})
			require.GreaterOrEqual(t, r.Status, 400, "%s", r.Raw)
			require.Equal(t, c.status, r.Status, "%s", r.Raw)
			require.Contains(t, string(r.Raw), c.detail)
		})
	}
	require.Empty(t, b.must(200, "GET", "/v1/webhooks", acme.admin, nil).JSON["items"], "nothing stored")

	// An update to a private address is refused too, and changes nothing.
	loose := setupOn(t, b.pool, b.dbURL, privateWebhooks) // a replica that allows it stored it
	id := loose.must(201, "POST", "/v1/webhooks", acme.admin, map[string]any{"url": "http://127.0.0.1:9999/", "event_types": all}).str("id")
	r := b.must(422, "PATCH", "/v1/webhooks/"+id, acme.admin, map[string]any{"url": "http://10.0.0.1/"})
	require.Contains(t, string(r.Raw), "a private address")
	b.must(422, "PATCH", "/v1/webhooks/"+id, acme.admin, map[string]any{"event_types": []string{"nope"}})
	got := b.must(200, "GET", "/v1/webhooks/"+id, acme.admin, nil)
	require.Equal(t, "http://127.0.0.1:9999/", got.str("url"))
	require.Equal(t, []any{"*"}, got.JSON["event_types"])
}

// TestWebhookDeliveriesAndIsolation: a tenant sees its endpoint's
// deliveries and attempts and can replay one; another tenant gets 404 on
// every webhook ID route and changes nothing.
func TestWebhookDeliveriesAndIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t, privateWebhooks)
	acme, other := b.onboard("acme"), b.onboard("other")
	id := b.must(201, "POST", "/v1/webhooks", acme.admin, map[string]any{"url": "http://127.0.0.1:9999/",
		"description": "mine", "event_types": []string{core.OutboxWorkOrderCreated}}).str("id")
	secret := b.webhookSecret(acme.id, id)
	b.addDelivery(acme.id)
	list := b.must(200, "GET", "/v1/webhooks/"+id+"/deliveries", acme.admin, nil)
	items := list.JSON["items"].([]any)
	require.Len(t, items, 1)
	d := items[0].(map[string]any)
	did := d["id"].(string)
	require.Equal(t, "pending", d["status"])
	require.Equal(t, core.OutboxWorkOrderCreated, d["event_type"])
	one := b.must(200, "GET", "/v1/webhooks/"+id+"/deliveries/"+did, acme.admin, nil)
	require.Equal(t, did, one.str("id"))

	base := "/v1/webhooks/" + id
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", base, nil},
		{"PATCH", base, map[string]any{"description": "theirs", "enabled": false}},
		{"POST", base + "/rotate-secret", nil},
		{"GET", base + "/deliveries", nil},
		{"GET", base + "/deliveries/" + did, nil},
		{"POST", base + "/deliveries/" + did + "/replay", nil},
		{"DELETE", base, nil},
	} {
		b.must(404, c.method, c.path, other.admin, c.body)
	}
	require.Empty(t, b.must(200, "GET", "/v1/webhooks", other.admin, nil).JSON["items"])
	got := b.must(200, "GET", base, acme.admin, nil)
	require.Equal(t, "mine", got.str("description"))
	require.Equal(t, true, got.JSON["enabled"])
	require.Equal(t, secret, b.webhookSecret(acme.id, id), "the secret was not rotated")
	require.Len(t, b.must(200, "GET", base+"/deliveries", acme.admin, nil).JSON["items"], 1)

	// A delivery of another endpoint of the same tenant is not found
	// under this one.
	id2 := b.must(201, "POST", "/v1/webhooks", acme.admin, map[string]any{"url": "http://127.0.0.1:9999/2",
		"event_types": []string{"*"}}).str("id")
	b.must(404, "GET", "/v1/webhooks/"+id2+"/deliveries/"+did, acme.admin, nil)

	rp := b.must(202, "POST", base+"/deliveries/"+did+"/replay", acme.admin, nil)
	require.Equal(t, did, rp.str("id"))
	require.Equal(t, "pending", rp.str("status"))
	b.must(404, "POST", base+"/deliveries/"+uuid.NewString()+"/replay", acme.admin, nil)
}

// TestWebhookListShowsLastDelivery: the list and the endpoint show its
// newest delivery (none at first) and its failed deliveries in a row; when
// the platform disables it after failures the reason shows, and
// re-enabling clears the count but keeps the newest delivery. Another
// tenant sees none of it.
func TestWebhookListShowsLastDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t, privateWebhooks)
	acme, other := b.onboard("acme"), b.onboard("other")
	id := b.must(201, "POST", "/v1/webhooks", acme.admin, map[string]any{"url": "http://127.0.0.1:9999/",
		"event_types": []string{core.OutboxWorkOrderCreated}}).str("id")
	first := b.must(200, "GET", "/v1/webhooks", acme.admin, nil).JSON["items"].([]any)[0].(map[string]any)
	require.NotContains(t, first, "last_delivery", "no delivery yet")
	require.Equal(t, float64(0), first["failed_deliveries"])

	b.addDelivery(acme.id)
	ep := b.must(200, "GET", "/v1/webhooks/"+id, acme.admin, nil)
	last := ep.JSON["last_delivery"].(map[string]any)
	require.Equal(t, "pending", last["status"])
	require.Equal(t, core.OutboxWorkOrderCreated, last["event_type"])
	require.Equal(t, float64(0), last["attempts"])
	did := last["id"].(string)

	// Its one attempt gets a 500 and it fails; the policy (one failed
	// delivery, for this test) disables the endpoint.
	ctx, s := context.Background(), b.app.Store
	require.NoError(t, core.InUnitOfWork(ctx, s, acme.id, func(u core.UnitOfWork) error {
		send, err := s.StartWebhookAttempt(ctx, u, uuid.MustParse(did), time.Now(), time.Minute)
		require.NoError(t, err)
		require.NotNil(t, send)
		_, err = webhook.FinishAttempt(ctx, s, u, core.WebhookResult{DeliveryID: send.ID, EndpointID: send.EndpointID, N: send.N,
			At: time.Now(), StatusCode: 500, Error: "HTTP 500"}, core.WebhookDisablePolicy{Deliveries: 1})
		return err
	}))
	listed := b.must(200, "GET", "/v1/webhooks", acme.admin, nil).JSON["items"].([]any)[0].(map[string]any)
	require.Equal(t, false, listed["enabled"])
	require.Contains(t, listed["disabled_reason"], "1 failed deliveries in a row")
	require.Equal(t, float64(1), listed["failed_deliveries"])
	last = listed["last_delivery"].(map[string]any)
	require.Equal(t, did, last["id"])
	require.Equal(t, "failed", last["status"])
	require.Equal(t, float64(500), last["last_status_code"])
	require.Equal(t, float64(1), last["attempts"])

	on := b.must(200, "PATCH", "/v1/webhooks/"+id, acme.admin, map[string]any{"enabled": true})
	require.Equal(t, true, on.JSON["enabled"])
	require.Equal(t, float64(0), on.JSON["failed_deliveries"])
	require.Equal(t, did, on.JSON["last_delivery"].(map[string]any)["id"])
	require.Equal(t, float64(0), b.must(200, "GET", "/v1/webhooks/"+id, acme.admin, nil).JSON["failed_deliveries"])

	require.Empty(t, b.must(200, "GET", "/v1/webhooks", other.admin, nil).JSON["items"])
}
