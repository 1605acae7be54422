package core

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SMSSettings are a tenant's SMS settings: how its texts are signed and
// worded, which notifications go out, when customers may be texted and how
// fast. The zero value is not valid; start from DefaultSMSSettings.
type SMSSettings struct {
	// Signature (签名) is the sender's name in 【】 that Chinese carriers
	// require on every message, e.g. 【海尔服务】; "" sends unsigned (a
	// gateway that signs by itself).
	Signature string `json:"signature" doc:"Sender signature in 【】, e.g. 【海尔服务】 (brackets are added when missing); empty: unsigned."`
	// SignatureAtEnd puts the signature after the text instead of before it.
	SignatureAtEnd bool `json:"signature_at_end" doc:"Put the signature at the end of the text instead of the start."`
	// Number is the tenant's long number or short code (digits) that the
	// gateway receives replies on; unique across tenants; "" when none.
	Number string `json:"number" doc:"Long number or short code (digits) replies are received on; unique across tenants; empty: none."`
	// Notifications holds every kind of SMSKinds, after Normalize.
	Notifications map[string]SMSNotification `json:"notifications" doc:"Per notification kind: on/off and text overrides per locale."`
	QuietHours    QuietHours                 `json:"quiet_hours"`
	// RatePerMinute caps the tenant's outgoing texts per minute.
	RatePerMinute int `json:"rate_per_minute" minimum:"1" maximum:"6000" doc:"Most texts sent per minute for the tenant."`
	// LowScoreThreshold: a satisfaction score at or below it opens a
	// follow-up task for the call centre.
	LowScoreThreshold int `json:"low_score_threshold" minimum:"1" maximum:"4" doc:"A satisfaction answer at or below this score opens a follow-up task."`
	// ReplyKeywords are the words technicians may answer with, mapped to
	// ReplyAccept, ReplyArrived or ReplyDone; empty: DefaultReplyKeywords.
	ReplyKeywords map[string]string `json:"reply_keywords,omitempty" doc:"Reply words (lower case) mapped to accept, arrived or done; empty: the defaults (接单, 到达, 完工, accept, …)."`
	// TimeZone is the tenant's zone (read-only here; quiet hours are in it).
	TimeZone  string    `json:"time_zone" readOnly:"true" doc:"The tenant's time zone; quiet hours are local times in it."`
	UpdatedAt time.Time `json:"updated_at" readOnly:"true"`
}

// SMSNotification is one notification kind's setting.
type SMSNotification struct {
	Enabled bool `json:"enabled"`
	// Templates override the built-in text per locale (zh-CN, en); a
	// missing or empty locale uses the built-in text.
	Templates map[string]string `json:"templates,omitempty" doc:"Text per locale (zh-CN, en) replacing the built-in one; variables in braces, e.g. {order_number}; {{ and }} for literal braces."`
}

// QuietHours are the local times between which customers are not texted;
// their messages are held until End. Start after End spans midnight.
type QuietHours struct {
	Enabled bool   `json:"enabled"`
	Start   string `json:"start" pattern:"^[0-2][0-9]:[0-5][0-9]$" example:"21:00" doc:"HH:MM, tenant's local time."`
	End     string `json:"end" pattern:"^[0-2][0-9]:[0-5][0-9]$" example:"08:00" doc:"HH:MM, tenant's local time; held messages go out then."`
}

// Defaults of SMSSettings.
const (
	DefaultSMSRatePerMinute     = 120
	DefaultSMSLowScoreThreshold = 2
	DefaultQuietStart           = "21:00"
	DefaultQuietEnd             = "08:00"
)

// DefaultSMSSettings are the settings of a tenant that never saved any:
// every notification on with the built-in texts, quiet hours 21:00–08:00.
func DefaultSMSSettings() SMSSettings {
	s := SMSSettings{
		QuietHours:        QuietHours{Enabled: true, Start: DefaultQuietStart, End: DefaultQuietEnd},
		RatePerMinute:     DefaultSMSRatePerMinute,
		LowScoreThreshold: DefaultSMSLowScoreThreshold,
	}
	s.Normalize()
	return s
}

// Normalize fills what is missing with defaults (kinds without a setting
// are on) and drops empty template overrides. It builds new maps rather
// than writing into the ones it was given, which may be the caller's.
func (s *SMSSettings) Normalize() {
	notes := make(map[string]SMSNotification, max(len(s.Notifications), len(SMSKinds())))
	for k, n := range s.Notifications {
		var templates map[string]string
		for loc, text := range n.Templates {
			if strings.TrimSpace(text) != "" {
				if templates == nil {
					templates = map[string]string{}
				}
				templates[loc] = text
			}
		}
		n.Templates = templates
		notes[k] = n
	}
	for _, k := range SMSKinds() {
		if _, ok := notes[k]; !ok {
			notes[k] = SMSNotification{Enabled: true}
		}
	}
	s.Notifications = notes
	if s.QuietHours.Start == "" && s.QuietHours.End == "" {
		s.QuietHours.Start, s.QuietHours.End = DefaultQuietStart, DefaultQuietEnd
	}
	if s.RatePerMinute == 0 {
		s.RatePerMinute = DefaultSMSRatePerMinute
	}
	if s.LowScoreThreshold == 0 {
		s.LowScoreThreshold = DefaultSMSLowScoreThreshold
	}
	if s.Signature != "" && !strings.HasPrefix(s.Signature, "【") {
		s.Signature = "【" + strings.TrimSpace(s.Signature) + "】"
	}
	s.Number = strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -+", r) {
			return -1
		}
		return r
	}, s.Number)
	if len(s.ReplyKeywords) > 0 {
		kw := make(map[string]string, len(s.ReplyKeywords))
		for w, kind := range s.ReplyKeywords {
			kw[strings.ToLower(strings.TrimSpace(w))] = kind
		}
		s.ReplyKeywords = kw
	}
}

// Validate normalizes s and checks it; EINVALID names the offending field
// (e.g. "notifications.technician_assigned.templates.zh-CN" with the
// unknown variable or syntax error).
func (s *SMSSettings) Validate() error {
	s.Normalize()
	if err := validSMSSignature(s.Signature); err != nil {
		return err
	}
	if s.Number != "" && (len(s.Number) < 3 || len(s.Number) > 21 || strings.Trim(s.Number, "0123456789") != "") {
		return FieldError("number", "must be 3-21 digits (a long number or short code)")
	}
	for k, n := range s.Notifications {
		if _, ok := smsKinds[k]; !ok {
			return FieldError("notifications", "unknown notification kind %q; known: %s", k, strings.Join(SMSKinds(), ", "))
		}
		for loc, text := range n.Templates {
			field := "notifications." + k + ".templates." + loc
			if loc != LocaleZhCN && loc != LocaleEn {
				return FieldError(field, "unknown locale %q; use zh-CN or en", loc)
			}
			if err := ValidateSMSTemplate(k, text); err != nil {
				return FieldError(field, "%s", ErrorMessage(err))
			}
		}
	}
	if err := s.QuietHours.validate(); err != nil {
		return err
	}
	if s.RatePerMinute < 1 || s.RatePerMinute > 6000 {
		return FieldError("rate_per_minute", "must be between 1 and 6000")
	}
	if s.LowScoreThreshold < 1 || s.LowScoreThreshold > 4 {
		return FieldError("low_score_threshold", "must be between 1 and 4")
	}
	return validReplyKeywords(s.ReplyKeywords)
}

// validSMSSignature: 【name】 with 2-12 characters, as carriers accept.
func validSMSSignature(sig string) error {
	if sig == "" {
		return nil
	}
	name, ok := strings.CutPrefix(sig, "【")
	name, ok2 := strings.CutSuffix(name, "】")
	n := utf8.RuneCountInString(name)
	if !ok || !ok2 || n < 2 || n > 12 || strings.ContainsAny(name, "【】[]") || !utf8.ValidString(name) {
		return FieldError("signature", "must be 2-12 characters in 【】, e.g. 【海尔服务】")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return FieldError("signature", "must not contain spaces or control characters")
		}
	}
	return nil
}

func validReplyKeywords(kw map[string]string) error {
	for w, kind := range kw {
		field := "reply_keywords." + w
		if kind != ReplyAccept && kind != ReplyArrived && kind != ReplyDone {
			return FieldError(field, "must be accept, arrived or done")
		}
		if n := utf8.RuneCountInString(w); n < 1 || n > 20 || strings.IndexFunc(w, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsControl(r)
		}) >= 0 {
			return FieldError(field, "a keyword is 1-20 letters without spaces or punctuation")
		}
		if strings.Trim(w, "0123456789") == "" {
			return FieldError(field, "a keyword may not be a number (customers answer with digits)")
		}
	}
	return nil
}

// Keywords returns the tenant's reply keywords, or the defaults.
func (s *SMSSettings) Keywords() ReplyKeywords {
	if len(s.ReplyKeywords) == 0 {
		return DefaultReplyKeywords()
	}
	return ReplyKeywords(s.ReplyKeywords)
}

// IsLowScore tells whether a satisfaction score opens a follow-up task.
func (s *SMSSettings) IsLowScore(score int) bool { return score >= 1 && score <= s.LowScoreThreshold }

// Enabled tells whether the notification kind goes out.
func (s *SMSSettings) Enabled(kind string) bool {
	n, ok := s.Notifications[kind]
	return !ok || n.Enabled
}

// SMSKinds returns every notification kind, sorted.
func SMSKinds() []string {
	out := make([]string, 0, len(smsKinds))
	for k := range smsKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SMSLocale maps a locale to one SMS texts exist in ("zh", "zh_CN",
// "zh-Hans" → zh-CN, "en-US" → en); anything else is zh-CN.
func SMSLocale(locale string) string {
	l := strings.ToLower(locale)
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return LocaleEn
	}
	return LocaleZhCN
}

func (q QuietHours) validate() error {
	start, err := parseClock(q.Start)
	if err != nil {
		return FieldError("quiet_hours.start", "%v", err)
	}
	end, err := parseClock(q.End)
	if err != nil {
		return FieldError("quiet_hours.end", "%v", err)
	}
	if q.Enabled && start == end {
		return FieldError("quiet_hours", "start and end must differ")
	}
	return nil
}

// parseClock reads "HH:MM" as minutes after midnight.
func parseClock(s string) (int, error) {
	digit := func(i int) int { return int(s[i] - '0') }
	if len(s) != 5 || s[2] != ':' || strings.Trim(s[:2]+s[3:], "0123456789") != "" {
		return 0, fmt.Errorf("must be HH:MM, not %q", s)
	}
	h, m := digit(0)*10+digit(1), digit(3)*10+digit(4)
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("must be a time of day between 00:00 and 23:59, not %q", s)
	}
	return h*60 + m, nil
}
