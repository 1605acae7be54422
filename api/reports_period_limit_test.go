package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A tenant's period limit (max_period_days of /v1/settings/reports) bounds
// its report queries, drill-downs, exports and rebuilds; another tenant
// keeps the default 366; bad values are refused naming the field.
func TestReportsPeriodLimitPerTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n, other := b.newNetwork("lim-a"), b.newNetwork("lim-b")
	admin := n.tenant.admin
	set := b.must(200, "GET", "/v1/settings/reports", admin, nil).JSON
	require.EqualValues(t, 366, set["max_period_days"])

	// Bad values: 422 naming the field, nothing changed.
	for _, bad := range []any{30, 1831, 90.5, "ninety", 0} {
		body := map[string]any{"response_minutes": set["response_minutes"], "reputation": set["reputation"], "max_period_days": bad}
		r := b.do("PUT", "/v1/settings/reports", admin, body)
		require.Equal(t, 422, r.Status, "%v: %s", bad, r.Raw)
		require.Contains(t, string(r.Raw), "max_period_days", "%v", bad)
	}
	require.EqualValues(t, 366, b.must(200, "GET", "/v1/settings/reports", admin, nil).JSON["max_period_days"])

	body := map[string]any{"response_minutes": set["response_minutes"], "reputation": set["reputation"], "max_period_days": 90}
	require.EqualValues(t, 90, b.must(200, "PUT", "/v1/settings/reports", admin, body).JSON["max_period_days"])
	require.EqualValues(t, 90, b.must(200, "GET", "/v1/settings/reports", admin, nil).JSON["max_period_days"])
	// A PUT without the field keeps it.
	delete(body, "max_period_days")
	body["response_minutes"] = 150
	require.EqualValues(t, 90, b.must(200, "PUT", "/v1/settings/reports", admin, body).JSON["max_period_days"])

	// 120 days (2026-07-01..2026-10-28) exceed 90; 90 days (2026-08-01..2026-10-29) do not.
	long, ok := "from=2026-07-01&to=2026-10-28", "from=2026-08-01&to=2026-10-29"
	for _, path := range []string{"/v1/reports/query?metrics=orders&", "/v1/reports/drill?metric=orders&",
		"/v1/reports/export?format=csv&metrics=orders&", "/v1/reports/export?format=xlsx&what=drill&metrics=orders&"} {
		r := b.do("GET", path+long, admin, nil)
		require.Equal(t, 422, r.Status, "%s: %s", path, r.Raw)
		require.Contains(t, string(r.Raw), "to: the period is 120 days; the tenant's limit is 90 days", path)
		b.must(200, "GET", path+ok, admin, nil)
		// The other tenant keeps 366 days.
		b.must(200, "GET", path+long, other.tenant.admin, nil)
		b.must(422, "GET", path+"from=2025-01-01&to=2026-10-28", other.tenant.admin, nil)
	}
	r := b.do("POST", "/v1/reports/rebuild", admin, map[string]any{"from": "2026-07-01", "to": "2026-10-28"})
	require.Equal(t, 422, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "the tenant's limit is 90 days")
	b.must(202, "POST", "/v1/reports/rebuild", other.tenant.admin, map[string]any{"from": "2026-07-01", "to": "2026-10-28"})
	require.EqualValues(t, 366, b.must(200, "GET", "/v1/settings/reports", other.tenant.admin, nil).JSON["max_period_days"])

	// A wider limit lets the tenant query longer periods than the default.
	body["max_period_days"] = 1830
	b.must(200, "PUT", "/v1/settings/reports", admin, body)
	b.must(200, "GET", "/v1/reports/query?metrics=orders&from=2022-01-01&to=2026-10-28", admin, nil)
}
