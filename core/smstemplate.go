package core

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Who a notification kind goes to; quiet hours hold customer texts only.
const (
	SMSToTechnician = "technician"
	SMSToCustomer   = "customer"
	SMSToSite       = "site"
	SMSToDispatcher = "dispatcher"
	SMSToSender     = "sender"  // a reply to whoever wrote in
	SMSToManager    = "manager" // the manager of a complaint's responsible unit
)

// smsKind is what a notification kind may say and its built-in texts.
type smsKind struct {
	audience string
	vars     []string          // variables its templates may use
	defaults map[string]string // locale → built-in template
}

// SMSVariables documents every template variable.
var SMSVariables = map[string]string{
	"order_number":     "work order number, e.g. WO-2611-000123",
	"address":          "the customer's service address",
	"fault":            "the reported fault",
	"customer_name":    "the customer's name",
	"customer_phone":   "the customer's phone",
	"technician_name":  "the assigned technician's name",
	"technician_phone": "the assigned technician's phone",
	"arrival_window":   "expected arrival window, e.g. 11月24日 09:00-11:00 (\"as soon as possible\" when unknown)",
	"site_name":        "the service site's name",
	"site_phone":       "the service site's phone",
	"deadline":         "the SLA deadline, local time",
	"sla":              "which deadline was missed: response or arrival",
	"reason":           "why an inbound text was not understood",
	"note":             "the dispatcher's note with an urge, with its label (备注：/Note:), or nothing",
	"complaint_number": "complaint case number, e.g. TS-2612-000001",
	"category":         "the complaint's category code",
	"level":            "the escalation step reached (1, 2, …)",
	"measures":         "the measures of a complaint's proposed resolution",
	"question":         "an SMS survey's question with how to answer it, e.g. (1/3) How polite was the technician? Reply a score 1-5 (5 is best).",
}

var smsKinds = map[string]smsKind{
	SMSTechnicianAssigned: {SMSToTechnician,
		[]string{"order_number", "address", "fault", "customer_name", "customer_phone", "arrival_window", "site_name"},
		map[string]string{
			LocaleZhCN: "新工单{order_number}：{address}，客户{customer_name}，电话{customer_phone}，故障：{fault}，预约{arrival_window}。请回复“接单 {order_number}”确认。",
			LocaleEn:   "New job {order_number}: {address}, customer {customer_name}, phone {customer_phone}, fault: {fault}, visit {arrival_window}. Reply \"accept {order_number}\" to confirm.",
		}},
	SMSCustomerAssigned: {SMSToCustomer,
		[]string{"order_number", "customer_name", "technician_name", "technician_phone", "arrival_window", "site_name", "site_phone"},
		map[string]string{
			LocaleZhCN: "您的服务单{order_number}已安排技师{technician_name}（电话{technician_phone}）上门，预计到达：{arrival_window}。",
			LocaleEn:   "Your service order {order_number}: technician {technician_name} (phone {technician_phone}) will visit you, expected time: {arrival_window}.",
		}},
	SMSCustomerSatisfaction: {SMSToCustomer,
		[]string{"order_number", "customer_name", "technician_name", "site_name"},
		map[string]string{
			LocaleZhCN: "您的服务单{order_number}已完成。请为本次服务评分，回复一位数字：5非常满意，4满意，3一般，2不满意，1非常不满意。",
			LocaleEn:   "Your service order {order_number} is complete. Please rate our service: reply one digit, 5 very satisfied to 1 very dissatisfied.",
		}},
	SMSHelpReply: {SMSToSender,
		[]string{"reason"},
		map[string]string{
			LocaleZhCN: "未能识别您的短信（{reason}）。技师请回复“接单/到达/完工 工单号”，如“接单 WO-2611-000123”；客户评价请回复数字1-5；回访问卷请按题目提示回复：单选或评分回复一位数字，多选回复所选数字（如13），填空题直接回复文字，选填题回复0跳过。",
			LocaleEn:   "Sorry, we could not read your text ({reason}). Technicians: reply accept, arrived or done with the order number, e.g. \"accept WO-2611-000123\". Customers: reply a digit 1-5 to rate us; to a survey question reply as it asks: one digit for a choice or a score, the digits of all that apply for a multiple choice (e.g. 13), words for a written answer, 0 to skip an optional question.",
		}},
	SMSSiteUrge: {SMSToSite,
		[]string{"order_number", "address", "fault", "customer_phone", "site_name", "deadline", "note"},
		map[string]string{
			LocaleZhCN: "催办：{site_name}，工单{order_number}（{address}）须在{deadline}前处理，请尽快安排。{note}",
			LocaleEn:   "Reminder to {site_name}: order {order_number} ({address}) is due by {deadline}. Please act now.{note}",
		}},
	SMSSLABreached: {SMSToDispatcher,
		[]string{"order_number", "address", "site_name", "sla", "deadline"},
		map[string]string{
			LocaleZhCN: "超时提醒：工单{order_number}（网点{site_name}）{sla}已超时，时限{deadline}。",
			LocaleEn:   "SLA breach: order {order_number} (site {site_name}) missed its {sla} deadline of {deadline}.",
		}},
	SMSComplaintEscalated: {SMSToManager,
		[]string{"complaint_number", "category", "level", "deadline", "customer_name", "customer_phone", "site_name"},
		map[string]string{
			LocaleZhCN: "投诉升级（第{level}级）：投诉单{complaint_number}（{category}），客户{customer_name}，处理时限{deadline}，请尽快处理。",
			LocaleEn:   "Complaint escalated (step {level}): case {complaint_number} ({category}), customer {customer_name}, due {deadline}. Please act now.",
		}},
	SMSCallbackSurvey: {SMSToCustomer,
		[]string{"order_number", "question"},
		map[string]string{
			LocaleZhCN: "服务单{order_number}回访：{question}",
			LocaleEn:   "Survey of your service order {order_number}: {question}",
		}},
	SMSComplaintConfirm: {SMSToCustomer,
		[]string{"complaint_number", "customer_name", "measures"},
		map[string]string{
			LocaleZhCN: "您的投诉{complaint_number}处理方案：{measures}。接受请回复1，不接受请回复2。",
			LocaleEn:   "Your complaint {complaint_number}: we propose {measures}. Reply 1 to accept, 2 to reject.",
		}},
}

// SMSAudience returns who a notification kind goes to (SMSToCustomer, …),
// "" for an unknown kind.
func SMSAudience(kind string) string { return smsKinds[kind].audience }

// SMSKindVariables returns the variables templates of kind may use.
func SMSKindVariables(kind string) []string { return smsKinds[kind].vars }

// DefaultSMSTemplate returns the built-in text of kind in locale.
func DefaultSMSTemplate(kind, locale string) string {
	return smsKinds[kind].defaults[SMSLocale(locale)]
}

// maxSMSTemplate bounds a template: ten segments of Chinese text.
const maxSMSTemplate = 670

// smsPart is a literal text or a variable of a parsed template.
type smsPart struct {
	text     string
	variable string
}

// parseSMSTemplate reads a template: text with variables in braces,
// {order_number}; {{ and }} are literal braces. EINVALID says what is
// wrong and where (1-based character position).
func parseSMSTemplate(kind, text string) ([]smsPart, error) {
	k, ok := smsKinds[kind]
	if !ok {
		return nil, Errorf(EINVALID, "unknown notification kind %q; known: %s", kind, strings.Join(SMSKinds(), ", "))
	}
	if !utf8.ValidString(text) {
		return nil, Errorf(EINVALID, "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(text); n == 0 || n > maxSMSTemplate {
		return nil, Errorf(EINVALID, "must be 1-%d characters", maxSMSTemplate)
	}
	if strings.ContainsAny(text, "【】") {
		return nil, Errorf(EINVALID, "must not contain 【 or 】: carriers read them as a signature; set the signature instead")
	}
	var parts []smsPart
	var lit strings.Builder
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '{' && i+1 < len(rs) && rs[i+1] == '{', r == '}' && i+1 < len(rs) && rs[i+1] == '}':
			lit.WriteRune(r)
			i++
		case r == '{':
			end := i + 1
			for end < len(rs) && rs[end] != '}' && rs[end] != '{' {
				end++
			}
			if end == len(rs) || rs[end] == '{' {
				return nil, Errorf(EINVALID, "unclosed { at character %d; write {{ for a literal brace", i+1)
			}
			name := string(rs[i+1 : end])
			if name == "" {
				return nil, Errorf(EINVALID, "empty variable {} at character %d", i+1)
			}
			if !slices.Contains(k.vars, name) {
				return nil, Errorf(EINVALID, "unknown variable {%s} at character %d; %s texts may use %s",
					name, i+1, kind, "{"+strings.Join(k.vars, "}, {")+"}")
			}
			if lit.Len() > 0 {
				parts = append(parts, smsPart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, smsPart{variable: name})
			i = end
		case r == '}':
			return nil, Errorf(EINVALID, "} at character %d closes no variable; write }} for a literal brace", i+1)
		case unicode.IsControl(r) && r != '\n':
			return nil, Errorf(EINVALID, "control character %U at character %d", r, i+1)
		default:
			lit.WriteRune(r)
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, smsPart{text: lit.String()})
	}
	return parts, nil
}

// ValidateSMSTemplate checks a template text for kind: syntax and that it
// uses only the kind's variables. EINVALID names the problem.
func ValidateSMSTemplate(kind, text string) error {
	_, err := parseSMSTemplate(kind, text)
	return err
}

// RenderSMSTemplate fills a template of kind with vars (missing ones are
// empty). It does not sign the text; see SMSSettings.Sign.
func RenderSMSTemplate(kind, text string, vars map[string]string) (string, error) {
	parts, err := parseSMSTemplate(kind, text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, p := range parts {
		if p.variable != "" {
			b.WriteString(vars[p.variable])
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String(), nil
}

// Template returns the text of kind in locale: the tenant's override or the
// built-in one. A nil receiver gives the built-in text.
func (s *SMSSettings) Template(kind, locale string) string {
	locale = SMSLocale(locale)
	if s != nil {
		if t := s.Notifications[kind].Templates[locale]; t != "" {
			return t
		}
	}
	return DefaultSMSTemplate(kind, locale)
}

// Sign adds the signature where the carrier expects it.
func (s *SMSSettings) Sign(body string) string {
	switch {
	case s == nil || s.Signature == "":
		return body
	case s.SignatureAtEnd:
		return body + s.Signature
	default:
		return s.Signature + body
	}
}

// Compose renders the signed text of a notification kind in locale (zh-CN
// when the locale has no text) from facts, and tells whether the tenant
// has the notification on. The body is rendered even when it is off, for
// previews; the caller sends nothing then. A nil receiver is
// DefaultSMSSettings. EINVALID for an unknown kind or a broken stored
// template (refused at save time, so a bug).
//
// The SMS jobs call it with the tenant's FindSMSSettings, then SendAt for
// the time, SMSRecipient for the phone, and SMSSegments for the record.
func (s *SMSSettings) Compose(kind, locale string, f SMSFacts) (body string, enabled bool, err error) {
	if s == nil {
		d := DefaultSMSSettings()
		s = &d
	}
	text, err := RenderSMSTemplate(kind, s.Template(kind, locale), f.Vars(locale))
	if err != nil {
		return "", false, fmt.Errorf("SMS template %s/%s: %w", kind, SMSLocale(locale), err)
	}
	return s.Sign(text), s.Enabled(kind), nil
}

// ComposeSMS is SMSSettings.Compose as a function.
func ComposeSMS(s *SMSSettings, kind, locale string, f SMSFacts) (string, bool, error) {
	return s.Compose(kind, locale, f)
}
