package api_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/identity"
)

// TestLoginThrottling: repeated failures are slowed down (429 with
// Retry-After), then the account is locked, even for the right password;
// unknown usernames are throttled the same way.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	b := setup(t, loginPolicy(identity.LoginPolicy{FreeFailures: 2, BaseDelay: time.Hour, MaxDelay: time.Hour,
		LockAfter: 3, LockFor: time.Hour, SessionTTL: time.Hour}))
	b.onboard("acme")
	bad := map[string]any{"tenant": "acme", "username": "admin", "password": "wrong-password-1"}
	good := map[string]any{"tenant": "acme", "username": "admin", "password": adminPassword}

	for i := 0; i < 2; i++ {
		r := b.must(401, "POST", "/v1/auth/login", "", bad)
		require.Equal(t, "unauthorized", r.str("code"))
	}
	// Third attempt within the delay: refused before the password is checked.
	r := b.must(429, "POST", "/v1/auth/login", "", good)
	require.Equal(t, "rate_limited", r.str("code"))
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.Greater(t, secs, 0)

	// Unknown usernames count too (no user enumeration by timing or status).
	ghost := map[string]any{"tenant": "acme", "username": "ghost", "password": "whatever-123"}
	b.must(401, "POST", "/v1/auth/login", "", ghost)
	b.must(401, "POST", "/v1/auth/login", "", ghost)
	b.must(429, "POST", "/v1/auth/login", "", ghost)

	// Unknown tenant: same answer as a wrong password.
	r = b.must(401, "POST", "/v1/auth/login", "", map[string]any{"tenant": "nope", "username": "admin", "password": adminPassword})
	require.Equal(t, "unknown tenant, username or password", r.str("detail"))
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	b := setup(t, loginPolicy(identity.LoginPolicy{FreeFailures: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond,
		LockAfter: 3, LockFor: time.Hour, SessionTTL: time.Hour}))
	b.onboard("acme")
	bad := map[string]any{"tenant": "acme", "username": "admin", "password": "wrong-password-1"}
	for i := 0; i < 3; i++ {
		b.must(401, "POST", "/v1/auth/login", "", bad)
	}
	r := b.must(429, "POST", "/v1/auth/login", "", map[string]any{"tenant": "acme", "username": "admin", "password": adminPassword})
	require.Equal(t, "locked", r.str("code"))
	require.NotEmpty(t, r.Header.Get("Retry-After"))
}

func TestPasswordChangeRevokesSessions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := b.onboard("acme")
	id, tok := b.createUser(acme.admin, "acme", "tech1", []string{"technician"}, nil)
	b.must(200, "GET", "/v1/me", tok, nil)
	b.must(409, "PATCH", "/v1/users/"+id.String(), acme.admin, map[string]any{"version": 7, "password": "another-password-1"})
	b.must(200, "PATCH", "/v1/users/"+id.String(), acme.admin, map[string]any{"version": 1, "password": "another-password-1"})
	b.must(401, "GET", "/v1/me", tok, nil)
	b.login("acme", "tech1", "another-password-1")
}
