package main

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConfigEgressAndCORS: the egress and CORS settings are read from the
// environment (the old WEBHOOK_ALLOW_PRIVATE included) and flags, and a
// malformed value stops the start with the variable's name.
func TestConfigEgressAndCORS(t *testing.T) {
	t.Setenv("WEBHOOK_ALLOW_PRIVATE", "true")
	t.Setenv("EGRESS_ALLOWED_NETWORKS", "10.20.0.5, 192.168.7.9/24")
	t.Setenv("EGRESS_ALLOWED_PORTS", "990,25")
	t.Setenv("CORS_ALLOWED_ORIGINS", "https://portal.example.com")
	c, _, err := parseConfig("serve", nil)
	require.NoError(t, err)
	require.True(t, c.Egress.AllowPrivate)
	require.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.20.0.5/32"), netip.MustParsePrefix("192.168.7.0/24")},
		c.Egress.AllowNetworks)
	require.Equal(t, []int{990, 25}, c.Egress.AllowPorts)
	require.Equal(t, []string{"https://portal.example.com"}, c.CORSAllowedOrigins)

	c, _, err = parseConfig("serve", []string{"-egress-allow-private=false"})
	require.NoError(t, err)
	require.False(t, c.Egress.AllowPrivate)

	for _, bad := range []struct{ env, value string }{
		{"EGRESS_ALLOWED_NETWORKS", "intranet"},
		{"EGRESS_ALLOWED_PORTS", "smtp"},
		{"EGRESS_ALLOWED_PORTS", "70000"},
		{"CORS_ALLOWED_ORIGINS", "*"},
	} {
		t.Setenv(bad.env, bad.value)
		_, _, err := parseConfig("serve", nil)
		require.ErrorContains(t, err, bad.env)
		t.Setenv(bad.env, "")
	}
}
