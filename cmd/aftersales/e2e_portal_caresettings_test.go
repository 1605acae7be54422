//go:build linux

package main_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPortalCareSettings: a tenant admin names and disables indicators,
// adds one, is told beside the field that an SMS survey timeout of 2
// minutes is too short, then saves the act and timeout; picks a region, a
// site, a product line and a model in the rules editor instead of typing
// IDs (saved as picked); archives a questionnaire, finds it with the
// archived toggle and sees the versions of another. In zh-CN and en, with
// axe.
func TestPortalCareSettings(t *testing.T) {
	t.Parallel()
	addr, c, platformToken := servePortal(t)
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			n := newDispatchNetwork(t, c, platformToken, "cs-"+map[string]string{"zh-CN": "zh", "en": "en"}[lang], lang)
			// A tenant admin: quality auditors may not read the region tree nor
			// the product catalogue the pickers offer.
			c.expect(http.StatusCreated, "POST", "/v1/users", n.admin, map[string]any{"username": "care.admin", "password": dispatchPassword,
				"roles": []string{"tenant_admin"}, "scope": map[string]any{"all": true}})
			survey := map[string]any{"name": "Repair survey", "questions": []map[string]any{
				{"key": "attitude", "kind": "rating", "text": "Attitude", "indicator": "attitude", "required": true}}}
			var q struct{ ID string }
			c.expect(http.StatusCreated, "POST", "/v1/questionnaires", n.admin, survey).decode(t, &q)
			c.expect(http.StatusOK, "PUT", "/v1/questionnaires/"+q.ID, n.admin, survey)
			old := map[string]any{"name": "Old survey", "questions": survey["questions"]}
			c.expect(http.StatusCreated, "POST", "/v1/questionnaires", n.admin, old)
			c.expect(http.StatusCreated, "POST", "/v1/callback-rules", n.admin, map[string]any{"name": "Every repair",
				"enabled": false, "sample": 1, "due_days": 2, "channel": "call", "questionnaire_id": q.ID})
			type settings struct {
				Labels   map[string]string `json:"indicator_labels"`
				Disabled []string          `json:"disabled_indicators"`
				Inds     []string          `json:"indicators"`
				Act      string            `json:"dissatisfaction"`
				Timeout  int               `json:"sms_survey_timeout_minutes"`
			}
			get := func() (s settings) {
				c.expect(http.StatusOK, "GET", "/v1/callback-settings", n.admin, nil).decode(t, &s)
				return s
			}

			b := newBrowser(t, addr, lang, 1366, 900)
			b.openSignedIn("/callbacks", n.slug, "care.admin")

			// The settings screen.
			b.click("#tab-settings")
			b.fill("#indicator-name-attitude", "Politeness")
			b.click(`[data-indicator="skill"] .el-switch`)
			b.fill("#indicator-new", "cleanliness")
			b.click(`[data-test="indicator-add"]`)
			b.waitVisible(`[data-indicator="cleanliness"]`)
			b.fill("#care-timeout", "2")
			b.click(`[data-test="care-act-complaint"]`)
			b.click(`[data-test="care-save"]`)
			require.Contains(t, b.fieldError("#care-timeout"), "5-10080")
			require.Equal(t, "rework", get().Act, "nothing saved")
			b.requireSettledAccessible("the callback settings with a field error")
			b.fill("#care-timeout", "60")
			b.click(`[data-test="care-save"]`)
			require.Eventually(t, func() bool { return get().Timeout == 60 }, browserWait, 200*time.Millisecond, "the settings are saved")
			s := get()
			require.Equal(t, "complaint", s.Act)
			require.Equal(t, "Politeness", s.Labels["attitude"])
			require.Equal(t, []string{"skill"}, s.Disabled)
			require.Contains(t, s.Inds, "cleanliness")

			// The rules editor's pickers.
			b.click("#tab-rules")
			b.click(`[data-test="rule-Every repair"]`)
			b.click(`[data-test="rule-regions"] .el-select__wrapper`)
			b.pick(`[data-rule-region="GD"]`)
			closeDropdown := func() { // as a user clicks beside an open dropdown
				b.click(`[data-test="rule-name"]`)
			}
			closeDropdown()
			b.pick(`[data-test="rule-sites"] .el-select__wrapper`)
			b.pick(`[data-site]`)
			closeDropdown()
			b.pick(`[data-test="rule-lines"] .el-select__wrapper`)
			b.pick(`[data-line="AC"]`)
			closeDropdown()
			b.pick(`[data-test="rule-models"] .el-select__wrapper`)
			b.pick(`[data-model="KFR-35"]`)
			closeDropdown()
			b.requireSettledAccessible("the rules editor with its pickers")
			b.click(`[data-test="rule-save"]`)
			var rules struct {
				Items []struct {
					Regions []string `json:"region_ids"`
					Sites   []string `json:"site_ids"`
					Lines   []string `json:"product_lines"`
					Models  []string `json:"models"`
				} `json:"items"`
			}
			require.Eventually(t, func() bool {
				c.expect(http.StatusOK, "GET", "/v1/callback-rules", n.admin, nil).decode(t, &rules)
				return len(rules.Items) == 1 && len(rules.Items[0].Models) == 1
			}, browserWait, 200*time.Millisecond, "the picked fields are saved")
			r := rules.Items[0]
			require.Len(t, r.Regions, 1)
			require.Len(t, r.Sites, 1)
			require.Contains(t, []string{n.siteA, n.siteB}, r.Sites[0])
			require.Equal(t, []string{"AC"}, r.Lines)
			require.Equal(t, []string{"KFR-35"}, r.Models)

			// The designer: archive, the archived toggle, versions.
			b.click("#tab-questionnaires")
			b.click(`[data-test="q-archive-Old survey"]`)
			b.waitJS("the archived questionnaire leaves the list", `!document.querySelector('[data-questionnaire="Old survey"]')`)
			b.click(`[data-test="q-show-archived"] .el-switch`)
			b.waitVisible(`[data-questionnaire="Old survey"][data-archived="yes"]`)
			b.click(`[data-questionnaire="Repair survey"] button`)
			b.click(`[data-test="q-version"] .el-select__wrapper`)
			b.waitJS("two versions are offered", `document.querySelectorAll('[data-version]').length === 2`)
			b.requireSettledAccessible("the designer with archived questionnaires and versions")
		})
	}
}
