package core

import (
	"strconv"
	"strings"
	"time"
)

// SMSFacts are what notification texts may say. Fill what the kind needs
// (SMSKindVariables); unset text renders empty, unset times render as
// "as soon as possible" / "尽快".
type SMSFacts struct {
	OrderNumber     string
	Address         string
	Fault           string
	CustomerName    string
	CustomerPhone   string // stored form (E.164 digits) is fine: shown nationally
	TechnicianName  string
	TechnicianPhone string
	SiteName        string
	SitePhone       string
	// ArrivalStart and ArrivalEnd are the expected arrival window.
	ArrivalStart, ArrivalEnd time.Time
	// Deadline is the SLA deadline (site_urge, sla_breached).
	Deadline time.Time
	// SLA is which deadline was missed: "response" or "arrival".
	SLA string
	// Reason is why an inbound text was not understood (help_reply).
	Reason string
	// Note is what the dispatcher wrote with an urge (site_urge).
	Note string
	// ComplaintNumber, Category, Level and Measures are a complaint's
	// (complaint_escalated, complaint_confirm).
	ComplaintNumber string
	Category        string
	Level           int
	Measures        string
	// Question is an SMS survey's question with how to answer it
	// (callback_survey).
	Question string
	// Location is the tenant's zone times are shown in; nil: UTC.
	Location *time.Location
}

// SMSFacts returns the assignment facts as template facts.
func (f *AssignmentFacts) SMSFacts() SMSFacts {
	return SMSFacts{OrderNumber: f.Number, Address: f.Address, Fault: f.Fault, CustomerName: f.CustomerName,
		CustomerPhone: f.CustomerPhone, TechnicianName: f.TechnicianName, TechnicianPhone: f.TechnicianPhone}
}

// Vars returns the template variables of the facts, formatted for locale.
func (f SMSFacts) Vars(locale string) map[string]string {
	zh := SMSLocale(locale) == LocaleZhCN
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	sla := f.SLA
	if zh {
		sla = map[string]string{"response": "响应", "arrival": "上门"}[f.SLA]
		if sla == "" {
			sla = f.SLA
		}
	}
	return map[string]string{
		"order_number":     f.OrderNumber,
		"address":          f.Address,
		"fault":            f.Fault,
		"customer_name":    f.CustomerName,
		"customer_phone":   DisplayPhone(f.CustomerPhone),
		"technician_name":  f.TechnicianName,
		"technician_phone": DisplayPhone(f.TechnicianPhone),
		"site_name":        f.SiteName,
		"site_phone":       DisplayPhone(f.SitePhone),
		"arrival_window":   smsWindow(f.ArrivalStart, f.ArrivalEnd, loc, zh),
		"deadline":         smsWindow(f.Deadline, time.Time{}, loc, zh),
		"sla":              sla,
		"reason":           f.Reason,
		"note":             smsNote(f.Note, zh),
		"complaint_number": f.ComplaintNumber,
		"category":         f.Category,
		"level":            strconv.Itoa(f.Level),
		"measures":         f.Measures,
		"question":         f.Question,
	}
}

// smsNote renders an urge's note with its label, or nothing without one,
// so a template can end with {note}.
func smsNote(note string, zh bool) string {
	note = strings.Join(strings.Fields(note), " ")
	switch {
	case note == "":
		return ""
	case zh:
		return "备注：" + note
	default:
		return " Note: " + note
	}
}

// DisplayPhone shows a stored phone (E.164 digits) as people dial it:
// Chinese numbers nationally (13800138000, 010-12345678 as 01012345678),
// others with '+'. Anything else is returned unchanged.
func DisplayPhone(p string) string {
	if p == "" || strings.Trim(p, "0123456789") != "" {
		return p
	}
	if nsn, ok := strings.CutPrefix(p, "86"); ok && len(p) >= 11 {
		if cnMobile.MatchString(nsn) || cnService.MatchString(nsn) {
			return nsn
		}
		if cnLandline.MatchString(nsn) {
			return "0" + nsn
		}
	}
	if len(p) >= 10 {
		return "+" + p
	}
	return p
}

// smsWindow formats a time or window compactly: "11月24日 09:00-11:00",
// "Nov 24 09:00-11:00"; the end's date is repeated only when it differs.
func smsWindow(from, to time.Time, loc *time.Location, zh bool) string {
	if from.IsZero() {
		if zh {
			return "尽快"
		}
		return "as soon as possible"
	}
	day := func(t time.Time) string {
		if zh {
			return t.Format("1月2日 15:04")
		}
		return t.Format("Jan 2 15:04")
	}
	from = from.In(loc)
	s := day(from)
	if to.IsZero() || !to.After(from) {
		return s
	}
	to = to.In(loc)
	if y, m, d := to.Date(); y == from.Year() && m == from.Month() && d == from.Day() {
		return s + "-" + to.Format("15:04")
	}
	return s + " - " + day(to)
}

// SampleSMSVars are made-up facts for previews, in locale.
func SampleSMSVars(locale string) map[string]string {
	loc := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, loc)
	f := SMSFacts{OrderNumber: "WO-2611-000123", Fault: "不制冷", CustomerName: "王女士", CustomerPhone: "8613800138000",
		TechnicianName: "李师傅", TechnicianPhone: "8613900139000", SiteName: "崂山服务站", SitePhone: "8653288889999",
		Address: "青岛市崂山区海尔路1号", ArrivalStart: start, ArrivalEnd: start.Add(2 * time.Hour),
		Deadline: start.Add(-time.Hour), SLA: "arrival", Reason: "未找到指令", Location: loc}
	if SMSLocale(locale) == LocaleEn {
		f.Fault, f.CustomerName, f.TechnicianName, f.SiteName = "not cooling", "Ms Wang", "Li Wei", "Laoshan Service Station"
		f.Address, f.Reason = "1 Haier Road, Laoshan, Qingdao", "no command found"
	}
	f.ComplaintNumber, f.Category, f.Level, f.Measures = "TS-2612-000001", "repair_quality", 1, "免费上门重修"
	f.Question = "(1/3) 您对师傅的服务态度满意吗？请回复1-5分（5分最满意）。"
	if SMSLocale(locale) == LocaleEn {
		f.Measures = "a free repeat repair"
		f.Question = "(1/3) How polite was the technician? Reply a score 1-5 (5 is best)."
	}
	return f.Vars(locale)
}
