package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCallbackSettingsScreen: an admin renames and disables indicators,
// sets the tenant's low score, the act and the SMS survey timeout; bad
// values are a 422 naming the field with nothing saved; a disabled
// indicator takes no new questionnaire version while saved ones keep it;
// the tenant's low score counts for questionnaires without their own; an
// agent may read but not change them; another tenant keeps its defaults.
func TestCallbackSettingsScreen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("cbs-co")
	admin := n.tenant.admin
	_, agent := b.createUser(admin, "cbs-co", "agent.li", []string{"agent"}, map[string]any{"all": true})
	other := b.onboard("cbs-other")

	def := b.must(200, "GET", "/v1/callback-settings", admin, nil).JSON
	require.Equal(t, []any{"attitude", "skill", "timeliness", "resolution", "parts_lead_time"}, def["indicators"])
	require.EqualValues(t, 0, def["low_score"])
	require.EqualValues(t, 1440, def["sms_survey_timeout_minutes"])

	good := func() map[string]any {
		return map[string]any{"indicators": []any{"attitude", "skill", "timeliness", "resolution", "parts_lead_time", "cleanliness"},
			"indicator_labels":    map[string]any{"attitude": "服务态度", "cleanliness": "现场整洁"},
			"disabled_indicators": []any{"skill"}, "low_score": 2, "dissatisfaction": "complaint", "sms_survey_timeout_minutes": 60}
	}
	for field, change := range map[string]func(m map[string]any){
		"disabled_indicators":        func(m map[string]any) { m["disabled_indicators"] = []any{"mood"} },
		"indicator_labels.mood":      func(m map[string]any) { m["indicator_labels"] = map[string]any{"mood": "心情"} },
		"indicator_labels.attitude":  func(m map[string]any) { m["indicator_labels"] = map[string]any{"attitude": " "} },
		"indicators":                 func(m map[string]any) { m["indicators"] = []any{"attitude", "attitude"} },
		"body.low_score":             func(m map[string]any) { m["low_score"] = 11 },
		"body.dissatisfaction":       func(m map[string]any) { m["dissatisfaction"] = "refund" },
		"sms_survey_timeout_minutes": func(m map[string]any) { m["sms_survey_timeout_minutes"] = 2 },
	} {
		body := good()
		change(body)
		r := b.must(422, "PUT", "/v1/callback-settings", admin, body)
		require.Contains(t, problemField(t, r), field, "%s", r.Raw)
	}
	all := good()
	all["disabled_indicators"] = all["indicators"]
	require.Contains(t, problemField(t, b.must(422, "PUT", "/v1/callback-settings", admin, all)), "disabled_indicators")
	require.Equal(t, def, b.must(200, "GET", "/v1/callback-settings", admin, nil).JSON, "nothing saved")

	// A questionnaire measuring skill, saved before skill is disabled.
	withSkill := survey()
	withSkill["low_score"] = 0
	withSkill["questions"].([]any)[0].(map[string]any)["indicator"] = "skill"
	qid := b.must(201, "POST", "/v1/questionnaires", admin, withSkill).str("id")

	b.must(403, "PUT", "/v1/callback-settings", agent, good())
	saved := b.must(200, "PUT", "/v1/callback-settings", admin, good()).JSON
	require.Equal(t, saved, b.must(200, "GET", "/v1/callback-settings", agent, nil).JSON)
	require.Equal(t, "现场整洁", saved["indicator_labels"].(map[string]any)["cleanliness"])
	require.Equal(t, []any{"skill"}, saved["disabled_indicators"])
	require.EqualValues(t, 2, saved["low_score"])
	require.EqualValues(t, 60, saved["sms_survey_timeout_minutes"])
	require.EqualValues(t, 0, b.must(200, "GET", "/v1/callback-settings", other.admin, nil).JSON["low_score"], "another tenant keeps its own")

	r := b.must(422, "PUT", "/v1/questionnaires/"+qid, admin, withSkill)
	require.Equal(t, "body.questions[0].indicator", problemField(t, r))
	require.EqualValues(t, 1, b.must(200, "GET", "/v1/questionnaires/"+qid, admin, nil).JSON["version"], "nothing saved")
	withSkill["questions"].([]any)[0].(map[string]any)["indicator"] = "cleanliness"
	require.EqualValues(t, 2, b.must(200, "PUT", "/v1/questionnaires/"+qid, admin, withSkill).JSON["version"])
	require.Equal(t, "skill", b.must(200, "GET", "/v1/questionnaires/"+qid+"?version=1", admin, nil).
		JSON["questions"].([]any)[0].(map[string]any)["indicator"], "the saved version keeps it")
}

// TestQuestionnaireArchive: archived questionnaires are listed only when
// asked for, keep their versions, take no new rule and come back on
// restore; twice is a no-op; an agent may not archive; another tenant's
// is not found.
func TestQuestionnaireArchive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("qa-co")
	admin := n.tenant.admin
	_, agent := b.createUser(admin, "qa-co", "agent.li", []string{"agent"}, map[string]any{"all": true})
	other := b.onboard("qa-other")
	qid := b.must(201, "POST", "/v1/questionnaires", admin, survey()).str("id")
	b.must(200, "PUT", "/v1/questionnaires/"+qid, admin, survey())

	b.must(403, "POST", "/v1/questionnaires/"+qid+"/archive", agent, nil)
	b.must(404, "POST", "/v1/questionnaires/"+qid+"/archive", other.admin, nil)
	b.must(404, "POST", "/v1/questionnaires/00000000-0000-0000-0000-000000000001/archive", admin, nil)
	b.must(422, "POST", "/v1/questionnaires/not-an-id/archive", admin, nil)
	a := b.must(200, "POST", "/v1/questionnaires/"+qid+"/archive", admin, nil)
	require.NotEmpty(t, a.str("archived_at"))
	require.EqualValues(t, 2, a.JSON["version"])
	require.Equal(t, a.JSON, b.must(200, "POST", "/v1/questionnaires/"+qid+"/archive", admin, nil).JSON, "twice changes nothing")

	require.Empty(t, b.must(200, "GET", "/v1/questionnaires", admin, nil).JSON["items"])
	all := b.must(200, "GET", "/v1/questionnaires?archived=true", admin, nil).JSON["items"].([]any)
	require.Len(t, all, 1)
	require.NotEmpty(t, all[0].(map[string]any)["archived_at"])
	b.must(422, "GET", "/v1/questionnaires?archived=maybe", admin, nil)
	require.Empty(t, b.must(200, "GET", "/v1/questionnaires?archived=true", other.admin, nil).JSON["items"])
	r := b.must(422, "POST", "/v1/callback-rules", admin, map[string]any{"name": "每单回访", "enabled": true, "sample": 1,
		"due_days": 2, "channel": "call", "questionnaire_id": qid})
	require.Contains(t, problemField(t, r), "questionnaire_id")
	require.EqualValues(t, 1, b.must(200, "GET", "/v1/questionnaires/"+qid+"?version=1", admin, nil).JSON["version"])
	b.must(409, "PUT", "/v1/questionnaires/"+qid, admin, survey())
	require.EqualValues(t, 2, b.must(200, "GET", "/v1/questionnaires/"+qid, admin, nil).JSON["version"],
		"an archived questionnaire gets no new version")

	back := b.must(200, "POST", "/v1/questionnaires/"+qid+"/restore", admin, nil)
	require.Empty(t, back.str("archived_at"))
	require.Len(t, b.must(200, "GET", "/v1/questionnaires", agent, nil).JSON["items"], 1)
	b.must(201, "POST", "/v1/callback-rules", admin, map[string]any{"name": "每单回访", "enabled": true, "sample": 1,
		"due_days": 2, "channel": "call", "questionnaire_id": qid})
}
