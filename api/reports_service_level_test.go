package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReportServiceLevelSetting: the service-level threshold of
// calls_service_level in /v1/settings/reports: 20 s by default, 1–600
// (outside: 422 naming it, nothing changed), kept when a PUT omits it,
// one tenant's setting no other's; the catalogue says the metric exists.
func TestReportServiceLevelSetting(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, other := b.onboard("sl-a"), b.onboard("sl-b")
	get := func(tok string) map[string]any { return b.must(200, "GET", "/v1/settings/reports", tok, nil).JSON }
	set := get(a.admin)
	require.EqualValues(t, 20, set["service_level_seconds"])
	put := func(status int, sl any) string {
		body := map[string]any{"response_minutes": set["response_minutes"], "reputation": set["reputation"]}
		if sl != nil {
			body["service_level_seconds"] = sl
		}
		return string(b.must(status, "PUT", "/v1/settings/reports", a.admin, body).Raw)
	}
	for _, bad := range []any{0, 601, -5, 12.5} {
		require.Contains(t, put(422, bad), "service_level_seconds", "%v", bad)
		require.EqualValues(t, 20, get(a.admin)["service_level_seconds"])
	}
	require.Contains(t, put(200, 45), `"service_level_seconds":45`)
	require.EqualValues(t, 45, get(a.admin)["service_level_seconds"])
	put(200, nil) // omitted: kept
	require.EqualValues(t, 45, get(a.admin)["service_level_seconds"])
	require.EqualValues(t, 20, get(other.admin)["service_level_seconds"], "another tenant's threshold")

	var found bool
	for _, m := range b.must(200, "GET", "/v1/reports/metrics", a.admin, nil).JSON["items"].([]any) {
		m := m.(map[string]any)
		switch m["id"] {
		case "calls_service_level", "technician_productivity":
			require.Equal(t, true, m["available"], m["id"])
			require.Equal(t, "higher", m["better"], m["id"])
			found = true
		}
	}
	require.True(t, found)
}
