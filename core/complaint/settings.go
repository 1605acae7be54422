package complaint

import (
	"errors"
	"fmt"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/calendar"
	"github.com/aftersales/aftersales/core/deadline"
)

// DefaultDays is the deadline, in working days, of a category × severity
// the tenant set none for (seed 004).
const DefaultDays = 7

// MaxDays bounds a deadline: longer is no promise to a customer.
const MaxDays = 250

// Category is a node of the tenant's category tree.
type Category struct {
	Code   string `json:"code" pattern:"^[a-z][a-z0-9_]{0,31}$"`
	Parent string `json:"parent,omitempty" doc:"The parent's code; empty for a top-level category."`
	NameZh string `json:"name_zh" minLength:"1" maxLength:"64"`
	NameEn string `json:"name_en" minLength:"1" maxLength:"64"`
}

// Severity is a level of seriousness; Rank orders them (1 the lightest).
type Severity struct {
	Code   string `json:"code" pattern:"^[a-z][a-z0-9_]{0,31}$"`
	NameZh string `json:"name_zh" minLength:"1" maxLength:"64"`
	NameEn string `json:"name_en" minLength:"1" maxLength:"64"`
}

// DeadlineRule is the deadline of a category × severity, in working days.
// An empty Category or Severity matches any; a rule of a parent category
// covers its subtree unless a child has its own.
type DeadlineRule struct {
	Category string `json:"category,omitempty"`
	Severity string `json:"severity,omitempty"`
	Days     int    `json:"days"`
}

// Escalation notifies.
const (
	NotifyOwner         = "owner"
	NotifyNextLevel     = "next_level"
	NotifyRegionManager = "region_manager"
	NotifyQuality       = "quality"
)

// Step is a rung of the escalation ladder: when Share of the window from
// intake to the due time has passed (1: when it is due), notify these.
type Step struct {
	Share  float64  `json:"share" minimum:"0" maximum:"1" doc:"Part of the window, in (0, 1]; 1 is the due time."`
	Notify []string `json:"notify" minItems:"1" doc:"Any of owner, next_level, region_manager, quality."`
}

// Settings are a tenant's complaint settings.
type Settings struct {
	Categories []Category     `json:"categories" nullable:"false"`
	Severities []Severity     `json:"severities" nullable:"false"`
	Deadlines  []DeadlineRule `json:"deadlines" nullable:"false"`
	// ReopenDays is how long after closing a customer may reopen.
	ReopenDays int    `json:"reopen_days" minimum:"0" maximum:"365"`
	Ladder     []Step `json:"ladder" nullable:"false"`
}

// DefaultSettings are what a tenant starts from.
func DefaultSettings() Settings {
	return Settings{
		Categories: []Category{
			{Code: "repair_quality", NameZh: "维修质量", NameEn: "Repair quality"},
			{Code: "service_attitude", NameZh: "服务态度", NameEn: "Service attitude"},
			{Code: "fees", NameZh: "收费问题", NameEn: "Fees"},
			{Code: "parts_quality", NameZh: "配件质量", NameEn: "Parts quality"},
			{Code: "sales", NameZh: "销售问题", NameEn: "Sales"},
			{Code: "delivery", NameZh: "配送问题", NameEn: "Delivery"},
			{Code: "other", NameZh: "其他", NameEn: "Other"},
		},
		Severities: []Severity{
			{Code: "normal", NameZh: "一般", NameEn: "Normal"},
			{Code: "serious", NameZh: "严重", NameEn: "Serious"},
			{Code: "critical", NameZh: "重大", NameEn: "Critical"},
		},
		Deadlines:  []DeadlineRule{{Days: DefaultDays}, {Severity: "serious", Days: 3}, {Severity: "critical", Days: 1}},
		ReopenDays: 30,
		Ladder: []Step{{Share: 0.5, Notify: []string{NotifyOwner}}, {Share: 0.8, Notify: []string{NotifyNextLevel}},
			{Share: 1, Notify: []string{NotifyRegionManager, NotifyQuality}}},
	}
}

// Validate checks the settings against the tenant's calendar cal: a tree
// without unknown parents or cycles, known codes in the deadlines, and
// every deadline one the calendar can meet. EINVALID names the field.
func (s *Settings) Validate(cal *calendar.Calendar, probe time.Time) error {
	if len(s.Categories) == 0 {
		return core.FieldError("categories", "at least one category is required")
	}
	cats := map[string]*Category{}
	for i := range s.Categories {
		c := &s.Categories[i]
		f := fmt.Sprintf("categories[%d]", i)
		if !codeOK(c.Code) {
			return core.FieldError(f+".code", "must be a lower-case code (a-z, 0-9, _), at most 32 characters")
		}
		if c.NameZh == "" || c.NameEn == "" || len(c.NameZh) > 192 || len(c.NameEn) > 64 {
			return core.FieldError(f+".name_zh", "both names are required (at most 64 characters)")
		}
		if cats[c.Code] != nil {
			return core.FieldError(f+".code", "%s is listed twice", c.Code)
		}
		cats[c.Code] = c
	}
	for i, c := range s.Categories {
		seen := map[string]bool{c.Code: true}
		for p := c.Parent; p != ""; p = cats[p].Parent {
			if cats[p] == nil {
				return core.FieldError(fmt.Sprintf("categories[%d].parent", i), "unknown category %q", p)
			}
			if seen[p] {
				return core.FieldError(fmt.Sprintf("categories[%d].parent", i), "makes a cycle through %q", p)
			}
			seen[p] = true
		}
	}
	if len(s.Severities) == 0 {
		return core.FieldError("severities", "at least one severity is required")
	}
	sev := map[string]bool{}
	for i, v := range s.Severities {
		f := fmt.Sprintf("severities[%d]", i)
		switch {
		case !codeOK(v.Code):
			return core.FieldError(f+".code", "must be a lower-case code (a-z, 0-9, _), at most 32 characters")
		case sev[v.Code]:
			return core.FieldError(f+".code", "%s is listed twice", v.Code)
		case v.NameZh == "" || v.NameEn == "":
			return core.FieldError(f+".name_zh", "both names are required")
		}
		sev[v.Code] = true
	}
	for i, d := range s.Deadlines {
		f := fmt.Sprintf("deadlines[%d]", i)
		switch {
		case d.Category != "" && cats[d.Category] == nil:
			return core.FieldError(f+".category", "unknown category %q", d.Category)
		case d.Severity != "" && !sev[d.Severity]:
			return core.FieldError(f+".severity", "unknown severity %q", d.Severity)
		case d.Days < 1 || d.Days > MaxDays:
			return core.FieldError(f+".days", "must be 1 to %d working days: a deadline of %d can never be met", MaxDays, d.Days)
		}
		if _, err := (deadline.Policy{Days: d.Days}).Due(cal, probe, nil); errors.Is(err, calendar.ErrNoWorkingTime) {
			return core.FieldError(f+".days", "can never be met: the business calendar has no %d working days ahead", d.Days)
		} else if err != nil {
			return err
		}
		for j := range i {
			if o := s.Deadlines[j]; o.Category == d.Category && o.Severity == d.Severity {
				return core.FieldError(f, "repeats deadlines[%d]", j)
			}
		}
	}
	if s.ReopenDays < 0 || s.ReopenDays > 365 {
		return core.FieldError("reopen_days", "must be 0 to 365")
	}
	last := 0.0
	for i, st := range s.Ladder {
		f := fmt.Sprintf("ladder[%d]", i)
		if !(st.Share > last && st.Share <= 1) {
			return core.FieldError(f+".share", "must be in (0, 1] and above the previous step's")
		}
		last = st.Share
		if len(st.Notify) == 0 {
			return core.FieldError(f+".notify", "names nobody")
		}
		for _, n := range st.Notify {
			switch n {
			case NotifyOwner, NotifyNextLevel, NotifyRegionManager, NotifyQuality:
			default:
				return core.FieldError(f+".notify", "unknown recipient %q", n)
			}
		}
	}
	return nil
}

func codeOK(c string) bool {
	if c == "" || len(c) > 32 || c[0] < 'a' || c[0] > 'z' {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// HasCategory reports whether code is a category of the tree.
func (s *Settings) HasCategory(code string) bool {
	for _, c := range s.Categories {
		if c.Code == code {
			return true
		}
	}
	return false
}

// HasSeverity reports whether code is a severity.
func (s *Settings) HasSeverity(code string) bool {
	for _, v := range s.Severities {
		if v.Code == code {
			return true
		}
	}
	return false
}

// Subtree returns code and every category below it.
func (s *Settings) Subtree(code string) []string {
	out := []string{code}
	for i := 0; i < len(out); i++ {
		for _, c := range s.Categories {
			if c.Parent == out[i] {
				out = append(out, c.Code)
			}
		}
	}
	return out
}

// DaysFor returns the deadline of a category × severity: the most
// specific rule, a category's own before its ancestors', one naming the
// severity before one that does not; DefaultDays when none matches.
func (s *Settings) DaysFor(category, severity string) int {
	parents := map[string]string{}
	for _, c := range s.Categories {
		parents[c.Code] = c.Parent
	}
	chain := []string{}
	for c, n := category, 0; c != "" && n <= len(s.Categories); c, n = parents[c], n+1 {
		chain = append(chain, c)
	}
	chain = append(chain, "")
	for _, c := range chain {
		for _, sv := range []string{severity, ""} {
			for _, d := range s.Deadlines {
				if d.Category == c && d.Severity == sv {
					return d.Days
				}
			}
		}
	}
	return DefaultDays
}
