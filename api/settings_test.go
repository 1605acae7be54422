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

// TestPatchSettings: a patch changes only what it names (the calendar
// starts from the default one), a stale updated_at is refused with 409, a
// bad value with 422 naming its field, and neither changes anything; other
// tenants are untouched.
func TestPatchSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("patcher"), b.onboard("bystander")
	def := b.must(200, "GET", "/v1/settings", a.admin, nil)
	require.Nil(t, def.JSON["calendar"])
	dc := def.JSON["default_calendar"].(map[string]any)
	require.Equal(t, "Asia/Shanghai", dc["time_zone"])
	require.Equal(t, []any{"08:00-20:00"}, dc["week"].(map[string]any)["sun"])
	other := b.must(200, "GET", "/v1/settings", o.admin, nil).Raw

	r := b.must(200, "PATCH", "/v1/settings", a.admin, map[string]any{"updated_at": def.str("updated_at"),
		"dispatch_weights": map[string]any{"load": 2.5},
		"calendar":         map[string]any{"holidays": []string{"2026-10-01", "2026-10-02"}, "workdays": map[string]any{"2026-09-27": []string{"09:00-18:00"}}}})
	w := r.JSON["dispatch_weights"].(map[string]any)
	require.Equal(t, 2.5, w["load"])
	require.Equal(t, 1.0, w["distance"], "a weight not named is kept")
	cal := r.JSON["calendar"].(map[string]any)
	require.Equal(t, []any{"2026-10-01", "2026-10-02"}, cal["holidays"])
	require.Equal(t, []any{"09:00-18:00"}, cal["workdays"].(map[string]any)["2026-09-27"])
	require.Equal(t, []any{"08:00-20:00"}, cal["week"].(map[string]any)["wed"], "the week comes from the default calendar")
	saved := b.must(200, "GET", "/v1/settings", a.admin, nil).Raw

	for _, c := range []struct {
		name     string
		body     map[string]any
		status   int
		location string
	}{
		{"stale", map[string]any{"updated_at": def.str("updated_at"), "dispatch_weights": map[string]any{"distance": 3}}, 409, ""},
		{"weight out of range", map[string]any{"dispatch_weights": map[string]any{"load": 101}}, 422, "body.dispatch_weights.load"},
		{"reversed hours", map[string]any{"calendar": map[string]any{"week": map[string]any{"mon": []string{"18:00-09:00"}}}}, 422, "body.calendar.week.mon"},
		{"no such date", map[string]any{"calendar": map[string]any{"holidays": []string{"2026-02-30"}}}, 422, "body.calendar.holidays"},
		{"holiday and make-up day", map[string]any{"calendar": map[string]any{"workdays": map[string]any{"2026-10-01": []string{"09:00-18:00"}}}}, 422,
			"body.calendar.workdays.2026-10-01"},
		{"unknown zone", map[string]any{"calendar": map[string]any{"time_zone": "Mars/Olympus"}}, 422, "body.calendar.time_zone"},
		{"acceptance 0", map[string]any{"acceptance_minutes": 0}, 422, "body.acceptance_minutes"},
	} {
		r := b.do("PATCH", "/v1/settings", a.admin, c.body)
		require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Raw)
		if c.location != "" {
			require.Contains(t, string(r.Raw), `"location":"`+c.location+`"`, c.name)
		}
	}
	require.JSONEq(t, string(saved), string(b.must(200, "GET", "/v1/settings", a.admin, nil).Raw), "refused patches change nothing")
	require.JSONEq(t, string(other), string(b.must(200, "GET", "/v1/settings", o.admin, nil).Raw), "other tenant untouched")
	_, agent := b.createUser(a.admin, a.slug, "agent1", []string{"agent"}, nil)
	b.must(403, "PATCH", "/v1/settings", agent, map[string]any{"acceptance_minutes": 5})
}
