package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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

// TestInvitationsAreAudited: issuing an invitation (onboarding, re-issue)
// and accepting it are events of the tenant's audit log — the issue by
// the platform admin, the acceptance by the invitee, from their client
// and request — and the token is stored nowhere in plain text: not in
// the log, not in any table, not in the idempotency record of the
// onboarding, whose replay returns the response with the token redacted.
func TestInvitationsAreAudited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := map[string]any{"slug": "aud-inv", "name": "Aud", "locale": "en", "timezone": "UTC", "admin": map[string]any{"username": "admin"}}
	first := b.must(201, "POST", "/v1/platform/tenants", b.platform, body, "Idempotency-Key", "onboard-aud-inv")
	inv := first.JSON["invitation"].(map[string]any)
	tok := inv["token"].(string)
	tenantID := first.str("id")
	adminID := first.JSON["admin"].(map[string]any)["id"].(string)

	// A replay (the same key and body) onboards once and shows no token.
	again := b.must(201, "POST", "/v1/platform/tenants", b.platform, body, "Idempotency-Key", "onboard-aud-inv")
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.Equal(t, tenantID, again.str("id"))
	replayed := again.JSON["invitation"].(map[string]any)
	require.Equal(t, "[redacted]", replayed["token"])
	require.Equal(t, inv["expires_at"], replayed["expires_at"])
	require.NotContains(t, replayed["path"], tok)
	require.NotContains(t, string(again.Raw), tok)
	noPlainToken := func(tok string) {
		t.Helper()
		for table, n := range tablesHolding(t, b, tok) {
			t.Errorf("table %s holds the invitation token in plain text (%d rows)", table, n)
		}
	}
	noPlainToken(tok)

	// The re-issue replaces it; the new token is stored nowhere either.
	b.clock.Advance(time.Minute)
	newTok := b.must(201, "POST", "/v1/platform/tenants/"+tenantID+"/invitation", b.platform, nil).str("token")
	noPlainToken(newTok)
	noPlainToken(tok)

	r := b.must(200, "POST", "/v1/auth/invitations/accept", "", map[string]any{"tenant": "aud-inv", "token": newTok, "password": adminPassword},
		"X-Request-ID", "accept-req-1")
	admin := r.str("token")

	log := b.must(200, "GET", "/v1/audit-events?resource_type=invitation", admin, nil)
	require.NotContains(t, string(log.Raw), tok)
	require.NotContains(t, string(log.Raw), newTok)
	items := log.JSON["items"].([]any)
	require.Len(t, items, 3, "issued at onboarding, re-issued, accepted: %s", log.Raw)
	type ev = map[string]any
	accepted, reissued, issued := items[0].(ev), items[1].(ev), items[2].(ev) // newest first
	for _, e := range items {
		require.Equal(t, adminID, e.(ev)["resource_id"])
		require.Equal(t, tenantID, e.(ev)["tenant_id"])
	}
	require.Equal(t, "create", issued["action"])
	require.Equal(t, "platform_admin", issued["actor_kind"])
	require.Equal(t, "admin", issued["after"].(ev)["username"])
	require.Equal(t, false, issued["after"].(ev)["replaces_previous"])
	require.Equal(t, inv["expires_at"], issued["after"].(ev)["expires_at"])
	require.Equal(t, "create", reissued["action"])
	require.Equal(t, "platform_admin", reissued["actor_kind"])
	require.Equal(t, true, reissued["after"].(ev)["replaces_previous"])
	require.Equal(t, "accept", accepted["action"])
	require.Equal(t, "user", accepted["actor_kind"], "the invitee accepts")
	require.Equal(t, adminID, accepted["actor_id"])
	require.Equal(t, "admin", accepted["actor_name"])
	require.Equal(t, "accept-req-1", accepted["request_id"])
	require.NotEmpty(t, accepted["client"])
	require.Equal(t, "admin", accepted["after"].(ev)["username"])

	// A refused acceptance changes nothing, so it records nothing.
	b.must(422, "POST", "/v1/auth/invitations/accept", "", map[string]any{"tenant": "aud-inv", "token": tok, "password": adminPassword})
	require.Len(t, b.must(200, "GET", "/v1/audit-events?resource_type=invitation", admin, nil).JSON["items"], 3)
}

// tablesHolding counts, per table of the database, the rows with s in a
// text, JSON or binary column.
func tablesHolding(t *testing.T, b *testBundle, s string) map[string]int {
	t.Helper()
	ctx := context.Background()
	rows, err := b.pool.Query(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'bytea')`)
	require.NoError(t, err)
	type col struct{ table, column, typ string }
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (col, error) {
		var c col
		return c, r.Scan(&c.table, &c.column, &c.typ)
	})
	require.NoError(t, err)
	require.NotEmpty(t, cols)
	found := map[string]int{}
	for _, c := range cols {
		expr := pgx.Identifier{c.column}.Sanitize() + "::text"
		if c.typ == "bytea" {
			expr = "encode(" + pgx.Identifier{c.column}.Sanitize() + ", 'escape')"
		}
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{"public", c.table}.Sanitize()+
			` WHERE position($1 in `+expr+`) > 0`, s).Scan(&n))
		if n > 0 {
			found[c.table+"."+c.column] += n
		}
	}
	return found
}
