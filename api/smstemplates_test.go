package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSMSSettingsAPI: a scenario table over GET/PUT /v1/settings/sms and
// the preview, run in order against one tenant: defaults, a save, bad
// templates and settings refused with a 4xx naming the problem, previews.
func TestSMSSettingsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.onboard("acme")
	_, agent := b.createUser(a.admin, "acme", "wang", []string{"agent"}, nil)

	good := map[string]any{
		"signature": "海尔服务", "number": "1069 0123",
		"notifications": map[string]any{
			"customer_satisfaction": map[string]any{"enabled": false},
			"technician_assigned": map[string]any{"enabled": true, "templates": map[string]string{
				"zh-CN": "工单{order_number}：{address}，{{加急}}", "en": "Job {order_number} at {address}"}},
		},
		"quiet_hours":     map[string]any{"enabled": true, "start": "22:00", "end": "07:30"},
		"rate_per_minute": 60, "low_score_threshold": 3,
		"reply_keywords": map[string]string{"收到": "accept", "到了": "arrived", "修好": "done"},
	}
	withTemplate := func(kind, locale, text string) map[string]any {
		return map[string]any{"notifications": map[string]any{kind: map[string]any{"enabled": true,
			"templates": map[string]string{locale: text}}}}
	}
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		want                      []string // fragments of the response body
	}{
		{"defaults", "GET", "/v1/settings/sms", a.admin, nil, 200, []string{
			`"quiet_hours":{"enabled":true,"start":"21:00","end":"08:00"}`, `"rate_per_minute":120`,
			`"low_score_threshold":2`, `"time_zone":"Asia/Shanghai"`, `"signature":""`,
			`"technician_assigned":{"enabled":true}`, `"variables":["order_number","address"`, `"audience":"customer"`}},
		{"agent may not read", "GET", "/v1/settings/sms", agent, nil, 403, nil},
		{"agent may not save", "PUT", "/v1/settings/sms", agent, good, 403, nil},
		{"agent may not preview", "POST", "/v1/settings/sms/preview", agent, map[string]any{"kind": "help_reply"}, 403, nil},
		{"anonymous", "GET", "/v1/settings/sms", "", nil, 401, nil},
		{"save", "PUT", "/v1/settings/sms", a.admin, good, 200, []string{`"signature":"【海尔服务】"`, `"number":"10690123"`,
			`"customer_satisfaction":{"enabled":false}`, `"zh-CN":"工单{order_number}：{address}，{{加急}}"`,
			`"start":"22:00","end":"07:30"`, `"rate_per_minute":60`, `"low_score_threshold":3`, `"收到":"accept"`}},
		{"read back", "GET", "/v1/settings/sms", a.admin, nil, 200, []string{`"signature":"【海尔服务】"`, `"number":"10690123"`,
			`"en":"Job {order_number} at {address}"`}},
		{"unknown variable", "PUT", "/v1/settings/sms", a.admin, withTemplate("technician_assigned", "zh-CN", "工单{order_no}"), 422,
			[]string{`notifications.technician_assigned.templates.zh-CN`, `unknown variable {order_no} at character 3`}},
		{"variable of another kind", "PUT", "/v1/settings/sms", a.admin, withTemplate("help_reply", "en", "{technician_name}"), 422,
			[]string{`notifications.help_reply.templates.en`, `unknown variable {technician_name}`, `{reason}`}},
		{"unclosed brace", "PUT", "/v1/settings/sms", a.admin, withTemplate("site_urge", "en", "Order {order_number"), 422,
			[]string{`notifications.site_urge.templates.en`, `unclosed { at character 7`}},
		{"stray brace", "PUT", "/v1/settings/sms", a.admin, withTemplate("site_urge", "en", "a } b"), 422, []string{`closes no variable`}},
		{"second signature in a text", "PUT", "/v1/settings/sms", a.admin, withTemplate("site_urge", "zh-CN", "【催办】{order_number}"), 422,
			[]string{`must not contain 【 or 】`}},
		{"unknown locale", "PUT", "/v1/settings/sms", a.admin, withTemplate("site_urge", "fr", "x"), 422, []string{`unknown locale`}},
		{"unknown kind", "PUT", "/v1/settings/sms", a.admin, withTemplate("fax_sent", "en", "x"), 422, []string{`unknown notification kind`}},
		{"enabled is required", "PUT", "/v1/settings/sms", a.admin,
			map[string]any{"notifications": map[string]any{"site_urge": map[string]any{}}}, 422, []string{`enabled`}},
		{"bad signature", "PUT", "/v1/settings/sms", a.admin, map[string]any{"signature": "【海】"}, 422, []string{`signature`, `2-12 characters`}},
		{"bad number", "PUT", "/v1/settings/sms", a.admin, map[string]any{"number": "10690abc"}, 422, []string{`number`}},
		{"bad quiet hours", "PUT", "/v1/settings/sms", a.admin,
			map[string]any{"quiet_hours": map[string]any{"enabled": true, "start": "21:00", "end": "21:00"}}, 422, []string{`must differ`}},
		{"quiet hours out of range", "PUT", "/v1/settings/sms", a.admin,
			map[string]any{"quiet_hours": map[string]any{"enabled": true, "start": "24:00", "end": "08:00"}}, 422, []string{`quiet_hours.start`}},
		{"rate out of range", "PUT", "/v1/settings/sms", a.admin, map[string]any{"rate_per_minute": 0.5}, 422, nil},
		{"threshold 5", "PUT", "/v1/settings/sms", a.admin, map[string]any{"low_score_threshold": 5}, 422, []string{`low_score_threshold`}},
		{"numeric keyword", "PUT", "/v1/settings/sms", a.admin, map[string]any{"reply_keywords": map[string]string{"1": "done"}}, 422,
			[]string{`reply_keywords.1`}},
		{"not json", "PUT", "/v1/settings/sms", a.admin, "{", 400, nil},
		{"still saved after refusals", "GET", "/v1/settings/sms", a.admin, nil, 200, []string{`"signature":"【海尔服务】"`, `"rate_per_minute":60`}},

		{"preview saved override", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "technician_assigned", "locale": "zh-CN", "facts": map[string]string{"order_number": "WO-2611-000042"}}, 200,
			[]string{`"body":"【海尔服务】工单WO-2611-000042：青岛市崂山区海尔路1号，{加急}"`, `"encoding":"UCS-2"`, `"segments":1`, `"enabled":true`}},
		{"preview built-in en", "POST", "/v1/settings/sms/preview", a.admin, map[string]any{"kind": "customer_assigned", "locale": "en"}, 200,
			[]string{`technician Li Wei (phone 13900139000)`, `Nov 24 09:00-11:00`, `"encoding":"UCS-2"`}},
		{"preview disabled kind", "POST", "/v1/settings/sms/preview", a.admin, map[string]any{"kind": "customer_satisfaction"}, 200,
			[]string{`"enabled":false`, `回复一位数字`}},
		{"preview a draft", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "help_reply", "locale": "en", "template": "Sorry: {reason}", "facts": map[string]string{"reason": "x"}}, 200,
			[]string{`"body":"【海尔服务】Sorry: x"`, `"characters":14`}},
		{"preview long text", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "help_reply", "template": strings.Repeat("长", 70)}, 200, []string{`"segments":2`, `"characters":76`}},
		{"preview bad draft", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "help_reply", "template": "{order_number}"}, 422, []string{`template`, `unknown variable {order_number}`}},
		{"preview unknown fact", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "help_reply", "facts": map[string]string{"address": "x"}}, 422, []string{`facts.address`}},
		{"preview a signature being edited", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "help_reply", "locale": "en", "template": "Hi", "signature": "海尔", "signature_at_end": true}, 200,
			[]string{`"body":"Hi【海尔】"`, `"characters":6`}},
		{"preview unsigned", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "help_reply", "locale": "en", "template": "Hi", "signature": ""}, 200, []string{`"body":"Hi"`, `"encoding":"GSM-7"`}},
		{"preview bad signature", "POST", "/v1/settings/sms/preview", a.admin,
			map[string]any{"kind": "help_reply", "template": "Hi", "signature": "【海】"}, 422, []string{`"location":"body.signature"`, `2-12 characters`}},
		{"preview leaves the saved signature", "GET", "/v1/settings/sms", a.admin, nil, 200, []string{`"signature":"【海尔服务】"`}},
		{"preview unknown kind", "POST", "/v1/settings/sms/preview", a.admin, map[string]any{"kind": "fax"}, 422, nil},
		{"preview bad locale", "POST", "/v1/settings/sms/preview", a.admin, map[string]any{"kind": "help_reply", "locale": "fr"}, 422, nil},
	}
	for _, c := range cases {
		r := b.do(c.method, c.path, c.token, c.body)
		require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Raw)
		for _, w := range c.want {
			require.Contains(t, string(r.Raw), w, c.name)
		}
	}
}

// TestSMSSettingsIsolation: one tenant's SMS settings are invisible to and
// untouched by another, which cannot take its number either.
func TestSMSSettingsIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, o := b.onboard("alpha"), b.onboard("omega")
	b.must(200, "PUT", "/v1/settings/sms", o.admin, map[string]any{"signature": "【欧米伽】", "number": "1069555",
		"notifications": map[string]any{"site_urge": map[string]any{"enabled": false, "templates": map[string]string{"en": "Omega {order_number}"}}}})
	before := b.must(200, "GET", "/v1/settings/sms", o.admin, nil).Raw

	mine := b.must(200, "GET", "/v1/settings/sms", a.admin, nil)
	require.NotContains(t, string(mine.Raw), "欧米伽")
	require.NotContains(t, string(mine.Raw), "1069555")
	require.NotContains(t, string(mine.Raw), "Omega")

	r := b.do("PUT", "/v1/settings/sms", a.admin, map[string]any{"signature": "【阿尔法】", "number": "1069555"})
	require.Equal(t, 409, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "number")
	b.must(200, "PUT", "/v1/settings/sms", a.admin, map[string]any{"signature": "【阿尔法】", "number": "1069556"})
	p := b.must(200, "POST", "/v1/settings/sms/preview", a.admin, map[string]any{"kind": "site_urge", "locale": "en"})
	require.Contains(t, p.str("body"), "【阿尔法】Reminder to")
	require.True(t, p.JSON["enabled"].(bool))

	require.JSONEq(t, string(before), string(b.must(200, "GET", "/v1/settings/sms", o.admin, nil).Raw), "other tenant untouched")
}
