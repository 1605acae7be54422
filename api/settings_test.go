package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSettingsSteerDispatchAndSLA: tenant weights change which site wins;
// the tenant calendar changes how deadlines are counted; bad settings are
// refused.
func TestSettingsSteerDispatchAndSLA(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("acme")
	def := b.must(200, "GET", "/v1/settings", n.tenant.admin, nil)
	require.Nil(t, def.JSON["calendar"])

	b.exec(n.tenant.id, `UPDATE sites SET reputation = 99 WHERE code = 'S-FAR'`)
	b.must(200, "PUT", "/v1/settings", n.tenant.admin, map[string]any{
		"dispatch_weights": map[string]any{"distance": 0, "load": 0, "reputation": 1, "sla_risk": 0},
		"calendar": map[string]any{"week": map[string]any{"mon": []string{"09:00-10:00"}, "tue": []string{"09:00-10:00"},
			"wed": []string{"09:00-10:00"}, "thu": []string{"09:00-10:00"}, "fri": []string{"09:00-10:00"},
			"sat": []string{"09:00-10:00"}, "sun": []string{"09:00-10:00"}}}})
	r := b.intake(n, n.tenant.admin, nil)
	require.Equal(t, 201, r.Status, "%s", r.Raw)
	require.Equal(t, n.far.String(), r.str("site_id"), "reputation-only weights pick the better-rated site")
	created, _ := time.Parse(time.RFC3339Nano, r.str("created_at"))
	respondBy, _ := time.Parse(time.RFC3339Nano, r.str("respond_by"))
	// 120 working minutes at one hour a day: at least a day later, within three.
	require.Greater(t, respondBy.Sub(created), 24*time.Hour)
	require.Less(t, respondBy.Sub(created), 72*time.Hour)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	local := respondBy.In(loc)
	require.True(t, local.Hour() == 9 || (local.Hour() == 10 && local.Minute() == 0), "deadline inside opening hours: %s", local)

	for name, body := range map[string]map[string]any{
		"negative weight": {"dispatch_weights": map[string]any{"distance": -1}},
		"bad hours":       {"calendar": map[string]any{"week": map[string]any{"mon": []string{"18:00-09:00"}}}},
		"unknown day":     {"calendar": map[string]any{"week": map[string]any{"funday": []string{"09:00-10:00"}}}},
		"no working time": {"calendar": map[string]any{"week": map[string]any{}}},
	} {
		r := b.do("PUT", "/v1/settings", n.tenant.admin, body)
		require.Equal(t, 422, r.Status, "%s: %s", name, r.Raw)
	}
	b.must(403, "PUT", "/v1/settings", n.nearMgrTok, map[string]any{})
}
