//go:build linux

package main_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/internal/testkit"
)

// TestPortalReportSettings: a tenant admin, in zh-CN and in en, opens the
// report settings from the navigation, raises the satisfaction weight and
// sees its share of the score follow as they type; a period limit of 30
// days is refused by the server next to its field and nothing is stored;
// 90 days and the new weight are saved and the API returns them. The
// Sites form names the typed number the initial reputation, with its
// hint, and shows the computed reputation dispatch uses (a score the
// reputation job stored, plus the manual adjustment) with its components.
// A user holding only tenant:read gets a read-only view; an analyst (no
// tenant permission) gets no entry. axe-core finds no serious
// violation.
func TestPortalReportSettings(t *testing.T) {
	t.Parallel()
	requireBrowser(t)
	dataDir := testkit.NewDataDir(t)
	dbURL := pgtest.NewDatabase(t)
	_, addr := serveOn(t, "serve", dataDir, map[string]string{"DATABASE_URL": dbURL})
	c := newClient(t, addr)
	platformToken := readToken(t, filepath.Join(dataDir, "platform-admin.token"))

	for _, tc := range []struct{ lang, tenant, nav, share46, periodErr, saved, typed, typedHint, noScore string }{
		{"zh-CN", "rs-zh", "报表设置", "占得分 46%", "31", "报表设置已保存", "初始信誉分（尚无计算得分时使用）",
			"派工使用根据网点服务表现计算的信誉分", "尚未计算"},
		{"en", "rs-en", "Report settings", "46% of the score", "31", "Report settings saved",
			"Initial reputation (until a score is computed)", "Dispatch uses the score computed from the site's performance", "Not computed yet"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, tc.tenant, tc.lang)
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "analyst", "display_name": "分析师",
				"password": dispatchPassword, "roles": []string{"analyst"}, "scope": map[string]any{"all": true}})
			c.expect(http.StatusOK, "PUT", "/v1/roles/settings_reader", n.admin,
				map[string]any{"permissions": []map[string]string{{"resource": "tenant", "action": "read"}}})
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "reader", "display_name": "只读",
				"password": dispatchPassword, "roles": []string{"settings_reader"}, "scope": map[string]any{"all": true}})
			type settings struct {
				MaxPeriodDays       int `json:"max_period_days"`
				ServiceLevelSeconds int `json:"service_level_seconds"`
				Reputation          struct {
					Weights map[string]float64 `json:"weights"`
				} `json:"reputation"`
			}
			read := func() settings {
				var s settings
				c.expect(http.StatusOK, "GET", "/v1/settings/reports", n.admin, nil).decode(t, &s)
				return s
			}

			b := newBrowser(t, addr, tc.lang, 1366, 900)
			b.open("/")
			b.waitPath("/login")
			b.signIn(tc.tenant, "admin", adminPassword)
			b.click(`[data-nav="/reports/settings"]`)
			b.waitPath("/reports/settings")
			b.waitText(tc.nav)
			b.waitVisible(`[data-test="rs-form"]`)
			b.waitJS("the default share of satisfaction", `document.querySelector('[data-test="rs-share-satisfaction"]')?.innerText.includes('25')`)
			b.requireAccessible("the report settings")

			// 20+20+15+65+15+5 = 140: satisfaction is 46% of the score, response 14%.
			b.fill("#rs-w-satisfaction", "65")
			b.waitText(tc.share46)
			b.waitJS("the other shares follow", `document.querySelector('[data-test="rs-share-response"]')?.innerText.includes('14')`)
			b.fill("#rs-period", "30")
			b.click(`[data-test="rs-save"]`)
			require.Contains(t, fieldError(b, "#rs-period"), tc.periodErr)
			s := read()
			require.Equal(t, 366, s.MaxPeriodDays, "nothing stored")
			require.Equal(t, 25.0, s.Reputation.Weights["satisfaction"], "nothing stored")

			require.Equal(t, 20, s.ServiceLevelSeconds, "the default threshold")
			b.fill("#rs-period", "90")
			b.fill("#rs-service-level", "30")
			b.click(`[data-test="rs-save"]`)
			b.waitText(tc.saved)
			s = read()
			require.Equal(t, 90, s.MaxPeriodDays)
			require.Equal(t, 30, s.ServiceLevelSeconds, "the service-level threshold saved from the screen")
			require.Equal(t, 65.0, s.Reputation.Weights["satisfaction"])
			require.Equal(t, 20.0, s.Reputation.Weights["response"])
			// The tenant's limit holds for its report queries.
			c.expect(http.StatusUnprocessableEntity, "GET", "/v1/reports/query?metrics=orders&from=2026-01-01&to=2026-06-30", n.admin, nil)

			// The Sites form: before the job has scored Luohu, the initial
			// reputation stands in; then the stored score shows.
			b.open("/admin/sites")
			b.click(`[data-test="edit-site-S-LH"]`)
			b.waitVisible(`[data-test="site-reputation"]`)
			b.waitText(tc.noScore)
			require.Contains(t, b.evalString(`document.querySelector('label[for="st-rep"]').innerText`), tc.typed)
			require.Contains(t, b.evalString(`document.querySelector('[data-test="site-typed-reputation-hint"]').innerText`), tc.typedHint)
			b.waitJS("six components", `document.querySelectorAll('[data-test="site-rep-components"] tbody tr').length === 6`)

			c.expect(http.StatusOK, "PUT", "/v1/sites/"+n.siteB+"/reputation/adjustment", n.admin, map[string]any{"adjustment": -2.5})
			clearOfReputationRun()
			storeScore(t, dbURL, n.siteB, 72.5)
			b.open("/admin/sites")
			b.click(`[data-test="edit-site-S-LH"]`)
			b.waitJS("the computed score", `document.querySelector('[data-test="site-rep-score"]')?.innerText === '72.5'`)
			b.waitJS("what dispatch uses", `document.querySelector('[data-test="site-rep-effective"]')?.innerText === '70'`)
			b.waitJS("the satisfaction component", `document.querySelector('[data-test="site-rep-components"]')?.innerText.includes('50%')`)
			b.requireSettledAccessible("the site form with its reputation")
			b.open("/")
			b.signOut()

			// Reading the tenant's settings without changing them: a read-only view.
			b.openSignedIn("/reports/settings", tc.tenant, "reader")
			b.waitVisible(`[data-test="rs-readonly"]`)
			b.waitJS("the weights as saved", `document.querySelector('#rs-w-satisfaction')?.value === '65'`)
			require.Equal(t, "0", b.evalString(`String(document.querySelectorAll('[data-test="rs-save"]').length)`))
			require.Equal(t, "true", b.evalString(`String(document.querySelector('#rs-period').disabled)`))
			c.expect(http.StatusForbidden, "PUT", "/v1/settings/reports", c.login(tc.tenant, "reader", dispatchPassword), map[string]any{})
			b.signOut()

			// An analyst reads reports but may not change the tenant's settings: no entry.
			b.openSignedIn("/reports", tc.tenant, "analyst")
			b.waitVisible(`[data-nav="/reports"]`)
			require.Equal(t, "0", b.evalString(`String(document.querySelectorAll('[data-nav="/reports/settings"]').length)`))
			c.expect(http.StatusForbidden, "PUT", "/v1/settings/reports", c.login(tc.tenant, "analyst", dispatchPassword), map[string]any{})
		})
	}
}

// clearOfReputationRun waits, when the reputation job's next run (every
// 5 minutes on the clock) is less than 40 s away, until it has passed: it
// would replace the score storeScore stores before the page shows it.
func clearOfReputationRun() {
	next := time.Now().Truncate(5 * time.Minute).Add(5 * time.Minute)
	if time.Until(next) < 40*time.Second {
		time.Sleep(time.Until(next) + 15*time.Second)
	}
}

// storeScore stores a site's computed reputation as the reputation job
// would (its score, and satisfaction (mean 3) as its only component with data).
func storeScore(t *testing.T, dbURL, site string, score float64) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	tag, err := conn.Exec(ctx, `UPDATE site_reputations SET score = $2, orders = 40, window_from = current_date - 89,
		window_to = current_date, computed_at = now(), components = $3::jsonb WHERE site_id = $1`, site, score,
		`[{"id":"response","metric":"response_in_target_rate","weight":20,"raw":null,"value":null,"sample":0},
		 {"id":"arrival","metric":"on_time_arrival_rate","weight":20,"raw":null,"value":null,"sample":0},
		 {"id":"first_time_fix","metric":"first_time_fix_rate","weight":15,"raw":null,"value":null,"sample":0},
		 {"id":"satisfaction","metric":"satisfaction_mean","weight":65,"raw":3,"value":0.5,"sample":40},
		 {"id":"complaints","metric":"complaints_per_1000","weight":15,"raw":null,"value":null,"sample":0},
		 {"id":"claim_anomalies","metric":"claim_anomaly_rate","weight":5,"raw":null,"value":null,"sample":0}]`)
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected(), "the site's row (its adjustment's)")
}
