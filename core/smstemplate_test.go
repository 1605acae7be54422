package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestSMSTemplateValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, kind, text string
		wantErr          string // "" when valid
	}{
		{"plain", core.SMSTechnicianAssigned, "工单{order_number}请接单", ""},
		{"literal braces", core.SMSTechnicianAssigned, "{{备注}} {order_number}", ""},
		{"no variables", core.SMSCustomerSatisfaction, "请回复1-5评分", ""},
		{"newline allowed", core.SMSCustomerSatisfaction, "第一行\n第二行", ""},
		{"unknown variable", core.SMSTechnicianAssigned, "工单{order_no}", "unknown variable {order_no} at character 3"},
		{"variable of another kind", core.SMSHelpReply, "{order_number}", "unknown variable {order_number} at character 1; help_reply texts may use {reason}"},
		{"unclosed", core.SMSTechnicianAssigned, "工单{order_number", "unclosed { at character 3"},
		{"nested open", core.SMSTechnicianAssigned, "{order{number}", "unclosed { at character 1"},
		{"stray close", core.SMSTechnicianAssigned, "工单}", "} at character 3 closes no variable"},
		{"empty variable", core.SMSTechnicianAssigned, "a{}b", "empty variable {} at character 2"},
		{"signature brackets", core.SMSTechnicianAssigned, "【派工】{order_number}", "must not contain 【 or 】"},
		{"empty", core.SMSTechnicianAssigned, "", "must be 1-670 characters"},
		{"too long", core.SMSTechnicianAssigned, strings.Repeat("长", 671), "must be 1-670 characters"},
		{"control char", core.SMSTechnicianAssigned, "a\x07b", "control character U+0007 at character 2"},
		{"bad utf8", core.SMSTechnicianAssigned, "a\xffb", "not valid UTF-8"},
		{"unknown kind", "fax_sent", "hi", "unknown notification kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := core.ValidateSMSTemplate(c.kind, c.text)
			if c.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			require.Contains(t, core.ErrorMessage(err), c.wantErr)
		})
	}
}

// TestSMSDefaultTemplatesAreValid: every built-in text parses, uses only
// its kind's variables, and exists in both locales.
func TestSMSDefaultTemplatesAreValid(t *testing.T) {
	t.Parallel()
	require.Len(t, core.SMSKinds(), 9)
	for _, kind := range core.SMSKinds() {
		require.NotEmpty(t, core.SMSAudience(kind), kind)
		for _, v := range core.SMSKindVariables(kind) {
			require.NotEmpty(t, core.SMSVariables[v], "variable %s of %s is documented", v, kind)
		}
		for _, loc := range []string{core.LocaleZhCN, core.LocaleEn} {
			text := core.DefaultSMSTemplate(kind, loc)
			require.NotEmpty(t, text, "%s/%s", kind, loc)
			require.NoError(t, core.ValidateSMSTemplate(kind, text), "%s/%s", kind, loc)
			body, err := core.RenderSMSTemplate(kind, text, core.SampleSMSVars(loc))
			require.NoError(t, err)
			require.NotContains(t, body, "{", "%s/%s: every variable filled", kind, loc)
		}
	}
}

func TestSMSCompose(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	facts := core.SMSFacts{OrderNumber: "WO-2611-000007", Address: "青岛市崂山区海尔路1号", Fault: "不制冷",
		CustomerName: "王女士", CustomerPhone: "8613800138000", TechnicianName: "李师傅", TechnicianPhone: "+86 139 0013 9000",
		ArrivalStart: start, ArrivalEnd: start.Add(2 * time.Hour), Location: loc}

	s := core.DefaultSMSSettings()
	s.Signature = "海尔服务"
	n := s.Notifications[core.SMSCustomerAssigned]
	n.Templates = map[string]string{core.LocaleEn: "Hi {customer_name}, {technician_name} comes {arrival_window}. {{ok}}"}
	s.Notifications[core.SMSCustomerAssigned] = n
	s.Notifications[core.SMSCustomerSatisfaction] = core.SMSNotification{Enabled: false}
	require.NoError(t, s.Validate())
	require.Equal(t, "【海尔服务】", s.Signature, "brackets added")

	cases := []struct {
		name, kind, locale string
		f                  core.SMSFacts
		body               string
		enabled            bool
	}{
		{"built-in zh with signature first", core.SMSTechnicianAssigned, "zh-CN", facts,
			"【海尔服务】新工单WO-2611-000007：青岛市崂山区海尔路1号，客户王女士，电话13800138000，故障：不制冷，预约11月24日 09:00-11:00。请回复“接单 WO-2611-000007”确认。", true},
		{"override en", core.SMSCustomerAssigned, "en-US", facts, "【海尔服务】Hi 王女士, 李师傅 comes Nov 24 09:00-11:00. {ok}", true},
		{"no override in zh: built-in", core.SMSCustomerAssigned, "zh", facts,
			"【海尔服务】您的服务单WO-2611-000007已安排技师李师傅（电话+86 139 0013 9000）上门，预计到达：11月24日 09:00-11:00。", true},
		{"unknown locale is zh-CN", core.SMSCustomerSatisfaction, "fr", facts,
			"【海尔服务】您的服务单WO-2611-000007已完成。请为本次服务评分，回复一位数字：5非常满意，4满意，3一般，2不满意，1非常不满意。", false},
		{"no window", core.SMSCustomerAssigned, "zh-CN", core.SMSFacts{OrderNumber: "WO-1", TechnicianName: "李"},
			"【海尔服务】您的服务单WO-1已安排技师李（电话）上门，预计到达：尽快。", true},
		{"sla in zh", core.SMSSLABreached, "zh-CN", core.SMSFacts{OrderNumber: "WO-1", SiteName: "崂山站", SLA: "arrival",
			Deadline: start, Location: loc}, "【海尔服务】超时提醒：工单WO-1（网点崂山站）上门已超时，时限11月24日 09:00。", true},
		{"window over two days", core.SMSTechnicianAssigned, "en", core.SMSFacts{ArrivalStart: start, ArrivalEnd: start.Add(24 * time.Hour), Location: loc},
			"【海尔服务】New job : , customer , phone , fault: , visit Nov 24 09:00 - Nov 25 09:00. Reply \"accept \" to confirm.", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, enabled, err := s.Compose(c.kind, c.locale, c.f)
			require.NoError(t, err)
			require.Equal(t, c.body, body)
			require.Equal(t, c.enabled, enabled)
		})
	}

	end := s
	end.SignatureAtEnd = true
	body, _, err := end.Compose(core.SMSHelpReply, "en", core.SMSFacts{Reason: "no command"})
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(body, "0 to skip an optional question.【海尔服务】"), body)

	_, _, err = s.Compose("fax", "en", facts)
	require.Equal(t, core.EINVALID, core.ErrorCode(err))

	// The compatible function renders the built-in, unsigned text.
	legacy, err := core.RenderSMS(core.SMSTechnicianAssigned, "en", &core.AssignmentFacts{Number: "WO-9", CustomerPhone: "8613800138000"})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(legacy, "New job WO-9: "), legacy)
	require.Contains(t, legacy, "phone 13800138000")
}

func TestSMSSettingsValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		edit    func(s *core.SMSSettings)
		field   string // "" when valid
		message string
	}{
		{"defaults", func(s *core.SMSSettings) {}, "", ""},
		{"signature", func(s *core.SMSSettings) { s.Signature = "【海尔】" }, "", ""},
		{"signature too short", func(s *core.SMSSettings) { s.Signature = "【海】" }, "signature", "2-12 characters"},
		{"signature too long", func(s *core.SMSSettings) { s.Signature = strings.Repeat("海", 13) }, "signature", "2-12 characters"},
		{"signature with space", func(s *core.SMSSettings) { s.Signature = "【海 尔】" }, "signature", "spaces"},
		{"number with separators", func(s *core.SMSSettings) { s.Number = "+106 9012 3456" }, "", ""},
		{"number with letters", func(s *core.SMSSettings) { s.Number = "10690abc" }, "number", "3-21 digits"},
		{"number too short", func(s *core.SMSSettings) { s.Number = "10" }, "number", "3-21 digits"},
		{"bad template", func(s *core.SMSSettings) {
			s.Notifications[core.SMSSiteUrge] = core.SMSNotification{Enabled: true, Templates: map[string]string{"zh-CN": "{foo}"}}
		}, "notifications.site_urge.templates.zh-CN", "unknown variable {foo}"},
		{"bad locale", func(s *core.SMSSettings) {
			s.Notifications[core.SMSSiteUrge] = core.SMSNotification{Enabled: true, Templates: map[string]string{"fr": "x"}}
		}, "notifications.site_urge.templates.fr", "unknown locale"},
		{"empty override is dropped", func(s *core.SMSSettings) {
			s.Notifications[core.SMSSiteUrge] = core.SMSNotification{Enabled: true, Templates: map[string]string{"zh-CN": " "}}
		}, "", ""},
		{"unknown kind", func(s *core.SMSSettings) { s.Notifications["fax"] = core.SMSNotification{} }, "notifications", "unknown notification kind"},
		{"quiet hours bad time", func(s *core.SMSSettings) { s.QuietHours.Start = "25:00" }, "quiet_hours.start", "between 00:00 and 23:59"},
		{"quiet hours bad form", func(s *core.SMSSettings) { s.QuietHours.End = "8:00" }, "quiet_hours.end", "HH:MM"},
		{"quiet hours empty span", func(s *core.SMSSettings) { s.QuietHours.End = "21:00" }, "quiet_hours", "must differ"},
		{"rate too high", func(s *core.SMSSettings) { s.RatePerMinute = 6001 }, "rate_per_minute", "between 1 and 6000"},
		{"threshold 5", func(s *core.SMSSettings) { s.LowScoreThreshold = 5 }, "low_score_threshold", "between 1 and 4"},
		{"keywords", func(s *core.SMSSettings) {
			s.ReplyKeywords = map[string]string{"收到": core.ReplyAccept, "OK": core.ReplyAccept}
		}, "", ""},
		{"keyword kind", func(s *core.SMSSettings) { s.ReplyKeywords = map[string]string{"收到": "maybe"} }, "reply_keywords.收到", "accept, arrived or done"},
		{"keyword digit", func(s *core.SMSSettings) { s.ReplyKeywords = map[string]string{"5": core.ReplyDone} }, "reply_keywords.5", "may not be a number"},
		{"keyword space", func(s *core.SMSSettings) { s.ReplyKeywords = map[string]string{"a b": core.ReplyDone} }, "reply_keywords.a b", "without spaces"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := core.DefaultSMSSettings()
			c.edit(&s)
			err := s.Validate()
			if c.field == "" {
				require.NoError(t, err)
				require.Len(t, s.Notifications, 9, "every kind present")
				return
			}
			require.Error(t, err)
			var e *core.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, core.EINVALID, e.Code)
			require.Contains(t, e.Fields, c.field)
			require.Contains(t, e.Message, c.message)
		})
	}
	s := core.DefaultSMSSettings()
	s.Number = "+106 9012 3456"
	s.ReplyKeywords = map[string]string{" OK ": core.ReplyAccept}
	require.NoError(t, s.Validate())
	require.Equal(t, "10690123456", s.Number)
	require.Equal(t, core.ReplyKeywords{"ok": core.ReplyAccept}, s.Keywords())
	d := core.DefaultSMSSettings()
	require.Equal(t, core.DefaultReplyKeywords(), d.Keywords())
	require.True(t, s.IsLowScore(2))
	require.False(t, s.IsLowScore(3))
}

func TestSMSRecipient(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, in, out, err string }{
		{"mobile", "138 0013 8000", "8613800138000", ""},
		{"international mobile", "+86 13800138000", "8613800138000", ""},
		{"abroad", "+44 20 7946 0958", "442079460958", ""},
		{"landline", "010-12345678", "", "not a mobile number"},
		{"service number", "4008889999", "", "not a mobile number"},
		{"garbage", "call me", "", "must contain only digits"},
		{"empty", "", "", "is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := core.SMSRecipient(c.in)
			if c.err != "" {
				require.Equal(t, core.EINVALID, core.ErrorCode(err))
				require.Contains(t, core.ErrorMessage(err), c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.out, got)
		})
	}
}

func TestSMSNumberPrefixesAndDisplayPhone(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"106901234", "10690123", "1069012", "106901", "10690", "1069", "106"}, core.SMSNumberPrefixes("+10690-1234"))
	require.Nil(t, core.SMSNumberPrefixes("ab"))
	require.Equal(t, []string{"10690", "1069", "106"}, core.SMSNumberPrefixes("+86 10690"))
	require.Equal(t, []string{"10690", "1069", "106"}, core.SMSNumberPrefixes("0086-10690"))
	require.Equal(t, "8610690", core.SMSNumberPrefixes("8610690")[0], "without + or 00, 86 may be part of the number")
	for in, out := range map[string]string{"8613800138000": "13800138000", "861012345678": "01012345678",
		"14155550100": "+14155550100", "": "", "abc": "abc", "8653288889999": "053288889999"} {
		require.Equal(t, out, core.DisplayPhone(in), in)
	}
}

func FuzzSMSTemplate(f *testing.F) {
	for _, s := range []string{"{order_number}", "{{", "}}", "{", "}", "a{b}c", "【x】", "{order_number}{{x}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out, err := core.RenderSMSTemplate(core.SMSTechnicianAssigned, text, core.SampleSMSVars("zh-CN"))
		if err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			return
		}
		require.NotContains(t, out, "【")
	})
}
