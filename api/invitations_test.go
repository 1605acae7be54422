package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// invite onboards a tenant whose admin is invited (no password) and
// returns the invitation's token.
func (b *testBundle) invite(slug string) string {
	b.t.Helper()
	r := b.must(201, "POST", "/v1/platform/tenants", b.platform, map[string]any{
		"slug": slug, "name": slug, "locale": "en", "timezone": "UTC", "admin": map[string]any{"username": "admin"}})
	inv := r.JSON["invitation"].(map[string]any)
	tok := inv["token"].(string)
	require.GreaterOrEqual(b.t, len(tok), 22, "at least 128 bits")
	require.Equal(b.t, "/invite?tenant="+slug+"&token="+tok, inv["path"])
	exp, err := time.Parse(time.RFC3339, inv["expires_at"].(string))
	require.NoError(b.t, err)
	require.WithinDuration(b.t, b.clock.Now().Add(72*time.Hour), exp, time.Minute)
	return tok
}

func TestInvitationOnboarding(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tokA, tokB := b.invite("inv-a"), b.invite("inv-b")
	accept := func(status int, tenant, token, password string) resp {
		t.Helper()
		return b.must(status, "POST", "/v1/auth/invitations/accept", "", map[string]any{"tenant": tenant, "token": token, "password": password})
	}
	login := func(status int, tenant string) {
		t.Helper()
		b.must(status, "POST", "/v1/auth/login", "", map[string]any{"tenant": tenant, "username": "admin", "password": adminPassword})
	}
	// Invited admins have no password: nothing logs them in.
	login(401, "inv-a")
	login(401, "inv-b")

	// Another tenant's invitation cannot set this tenant's admin.
	r := accept(422, "inv-a", tokB, adminPassword)
	require.Contains(t, r.str("detail"), "unknown, already used or expired")
	accept(422, "inv-a", strings.Repeat("x", 43), adminPassword) // wrong token
	accept(422, "nobody", tokA, adminPassword)                   // unknown tenant
	// The password follows the rules of a new user's; nothing changes.
	r = accept(422, "inv-a", tokA, "short")
	require.Contains(t, string(r.Raw), "password")
	login(401, "inv-b")
	// Past the free failures (those of logins and invitations from a
	// client alike), a further attempt waits, even with the right token.
	r = accept(429, "inv-a", tokA, adminPassword)
	require.NotEmpty(t, r.Header.Get("Retry-After"))
	b.clock.Advance(time.Minute)

	// The right one sets the password and logs in.
	r = accept(200, "inv-a", tokA, adminPassword)
	adminA := r.str("token")
	me := b.must(200, "GET", "/v1/me", adminA, nil)
	require.Equal(t, "admin", me.str("name"))
	require.Equal(t, []any{"tenant_admin"}, me.JSON["roles"])
	login(200, "inv-a")

	// Used once: refused again, the password unchanged.
	accept(422, "inv-a", tokA, "another-password-1")
	login(200, "inv-a")
	b.must(401, "POST", "/v1/auth/login", "", map[string]any{"tenant": "inv-a", "username": "admin", "password": "another-password-1"})

	// Expired after 72 h.
	b.clock.Advance(72*time.Hour + time.Minute)
	r = accept(422, "inv-b", tokB, adminPassword)
	require.Contains(t, r.str("detail"), "expired")
	b.clock.Advance(time.Minute) // past the wait the failures earned
	login(401, "inv-b")

	// The platform re-issues it; the new one works, the old one no more.
	var idB string
	for _, it := range b.must(200, "GET", "/v1/platform/tenants", b.platform, nil).JSON["items"].([]any) {
		if it.(map[string]any)["slug"] == "inv-b" {
			idB = it.(map[string]any)["id"].(string)
		}
	}
	b.must(403, "POST", "/v1/platform/tenants/"+idB+"/invitation", adminA, nil) // only the platform
	first := b.must(201, "POST", "/v1/platform/tenants/"+idB+"/invitation", b.platform, nil).str("token")
	again := b.must(201, "POST", "/v1/platform/tenants/"+idB+"/invitation", b.platform, nil).str("token")
	require.NotEqual(t, first, again)
	b.clock.Advance(time.Minute)
	accept(422, "inv-b", first, adminPassword) // replaced
	b.clock.Advance(time.Minute)
	accept(200, "inv-b", again, adminPassword)
	login(200, "inv-b")
	// Once the admin has a password, there is no one to invite.
	b.must(404, "POST", "/v1/platform/tenants/"+idB+"/invitation", b.platform, nil)

	// With a password, onboarding is as before: no invitation.
	r = b.must(201, "POST", "/v1/platform/tenants", b.platform, map[string]any{"slug": "inv-c", "name": "C", "locale": "en",
		"timezone": "UTC", "admin": map[string]any{"username": "admin", "password": adminPassword}})
	require.Nil(t, r.JSON["invitation"])
	login(200, "inv-c")
}
