// Package warranty holds the 三包 warranty policy (repair, replacement and
// refund windows per product line or model, with major components on their
// own terms), the tenant's fee schedule (labour, travel by distance band,
// parts at sale price), the quote an agent gives a caller before dispatch,
// and the charge items stored on a completed work order. Evaluate and
// Price are pure; the Service reads and writes through the Repository of
// its Store (the PostgreSQL adapter).
package warranty

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"time"

	"github.com/aftersales/aftersales/core"
)

// Policy scopes: a model's policy overrides its product line's.
const (
	ScopeLine  = "line"
	ScopeModel = "model"
)

// Policy is the 三包 policy of a product line or of one model. The
// purchase date is day 1: a refund window of 7 days covers the purchase
// date and the six days after it. The repair term runs in months, as a
// unit's warranty does (core.WarrantyExpiry).
type Policy struct {
	Scope       string `json:"scope" enum:"line,model" doc:"line: every model of the product line without a policy of its own; model: this model, overriding its line's policy."`
	ProductLine string `json:"product_line" doc:"The product line (for a model policy: the model's line, read-only)."`
	ModelID     string `json:"model_id,omitempty" doc:"The model's ID (model scope)."`
	ModelCode   string `json:"model_code,omitempty" doc:"The model's code (model scope)."`
	// RepairMonths is the free repair term (包修) of the unit.
	RepairMonths int `json:"repair_months" minimum:"0" maximum:"240" doc:"Free repair term (包修) of the unit, in months from the purchase date."`
	ReplaceDays  int `json:"replace_days" minimum:"0" maximum:"365" doc:"Replacement window (包换) in days, the purchase date being day 1; 0: none."`
	RefundDays   int `json:"refund_days" minimum:"0" maximum:"365" doc:"Refund window (包退) in days, the purchase date being day 1; 0: none."`
	// Components are the major components (主要部件) on their own terms.
	Components []Component `json:"components" doc:"Major components (主要部件) with their own repair terms, e.g. a compressor."`
	Version    int         `json:"version" readOnly:"true"`
	UpdatedAt  time.Time   `json:"updated_at" readOnly:"true"`
}

// Component is a major component with its own repair term. Parts name the
// component they belong to by Code.
type Component struct {
	Code   string `json:"code" example:"compressor" doc:"The component code parts name (1-32 letters, digits, '.', '_' or '-')."`
	NameZh string `json:"name_zh" required:"false" example:"压缩机"`
	NameEn string `json:"name_en" required:"false" example:"Compressor"`
	Months int    `json:"months" minimum:"0" maximum:"240" doc:"Free repair term of the component, in months from the purchase date."`
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// ValidCode reports whether code has the syntax of a component or part
// code: 1-32 letters, digits, '.', '_' or '-'.
func ValidCode(code string) bool { return codePattern.MatchString(code) }

// Validate checks the terms and the components (EINVALID naming the
// field, e.g. components[1].months) and sorts the components by code.
func (p *Policy) Validate() error {
	if p.Scope != ScopeLine && p.Scope != ScopeModel {
		return core.FieldError("scope", "must be line or model")
	}
	for _, f := range []struct {
		name     string
		v, limit int
	}{{"repair_months", p.RepairMonths, 240}, {"replace_days", p.ReplaceDays, 365}, {"refund_days", p.RefundDays, 365}} {
		if f.v < 0 || f.v > f.limit {
			return core.FieldError(f.name, "must be between 0 and %d", f.limit)
		}
	}
	if p.RefundDays > p.ReplaceDays && p.ReplaceDays > 0 {
		return core.FieldError("refund_days", "must not be longer than replace_days")
	}
	if len(p.Components) > 50 {
		return core.FieldError("components", "at most 50")
	}
	seen := map[string]bool{}
	for i, c := range p.Components {
		field := fmt.Sprintf("components[%d]", i)
		if !codePattern.MatchString(c.Code) {
			return core.FieldError(field+".code", "must be 1-32 letters, digits, '.', '_' or '-'")
		}
		if seen[c.Code] {
			return core.FieldError(field+".code", "component %q is listed twice", c.Code)
		}
		seen[c.Code] = true
		if c.Months < 0 || c.Months > 240 {
			return core.FieldError(field+".months", "must be between 0 and 240")
		}
		if len([]rune(c.NameZh)) > 100 || len([]rune(c.NameEn)) > 100 {
			return core.FieldError(field+".name_zh", "names have at most 100 characters")
		}
	}
	if p.Components == nil {
		p.Components = []Component{}
	}
	sort.Slice(p.Components, func(i, j int) bool { return p.Components[i].Code < p.Components[j].Code })
	return nil
}

// Component returns the policy's component of that code.
func (p *Policy) Component(code string) (Component, bool) {
	for _, c := range p.Components {
		if c.Code == code {
			return c, true
		}
	}
	return Component{}, false
}

// Coverages: what the 三包 policy gives on a day.
const (
	CoverRefund      = "refund"      // 包退
	CoverReplacement = "replacement" // 包换
	CoverFreeRepair  = "free_repair" // 包修
	CoverCharged     = "charged"     // out of warranty: the customer pays
)

// Reasons say why a coverage applies.
const (
	ReasonRefundWindow     = "refund_window"      // within the refund days
	ReasonReplaceWindow    = "replacement_window" // within the replacement days
	ReasonUnitTerm         = "unit_term"          // within the unit's repair months
	ReasonComponentTerm    = "component_term"     // within the component's own months
	ReasonExpired          = "expired"            // after the unit's repair term
	ReasonComponentExpired = "component_expired"  // after the component's own term
	ReasonPartTerm         = "part_term"          // within the part's own months (catalogue), on a quote or order item
	ReasonPartExpired      = "part_expired"       // after the part's own months
	ReasonNoPolicy         = "no_policy"          // no warranty at all (0 months, no windows)
	ReasonNotYetPurchased  = "not_yet_purchased"  // today is before the purchase date
)

// Decision is what applies on a day to a unit, or to one of its
// components.
type Decision struct {
	Coverage string `json:"coverage" enum:"refund,replacement,free_repair,charged"`
	Reason   string `json:"reason" enum:"refund_window,replacement_window,unit_term,component_term,expired,component_expired,no_policy,not_yet_purchased"`
	// Day is the day since purchase, the purchase date being day 1.
	Day int `json:"day" doc:"The day since purchase, the purchase date being day 1."`
	// Until is the last day the coverage holds ("" for charged).
	Until string `json:"until,omitempty" format:"date" doc:"The last day the coverage holds; absent when charged."`
	// Component is the component the decision is about ("" for the unit).
	Component string `json:"component,omitempty"`
}

// Free reports whether the customer pays nothing under the decision.
func (d Decision) Free() bool { return d.Coverage != CoverCharged }

// Evaluate decides what the policy gives on today (a time in the tenant's
// zone: only its date there counts) for a unit bought on purchase (a
// date; its zone is ignored), or for one of its components ("" for the
// unit). The refund and replacement windows cover the whole unit, so they
// come first whatever the component; after them a component the policy
// lists has its own repair term, any other part the unit's.
func Evaluate(p Policy, purchase, today time.Time, component string) Decision {
	pd := dateOnly(purchase)
	td := dateOnly(today)
	day := int(math.Round(td.Sub(pd).Hours()/24)) + 1
	d := Decision{Day: day, Component: component}
	if day < 1 {
		d.Coverage, d.Reason = CoverCharged, ReasonNotYetPurchased
		return d
	}
	if day <= p.RefundDays {
		d.Coverage, d.Reason, d.Until = CoverRefund, ReasonRefundWindow, fmtDate(pd.AddDate(0, 0, p.RefundDays-1))
		return d
	}
	if day <= p.ReplaceDays {
		d.Coverage, d.Reason, d.Until = CoverReplacement, ReasonReplaceWindow, fmtDate(pd.AddDate(0, 0, p.ReplaceDays-1))
		return d
	}
	months, in, out := p.RepairMonths, ReasonUnitTerm, ReasonExpired
	if c, ok := p.Component(component); ok && component != "" {
		months, in, out = c.Months, ReasonComponentTerm, ReasonComponentExpired
	}
	if months == 0 && p.RefundDays == 0 && p.ReplaceDays == 0 && in == ReasonUnitTerm {
		d.Coverage, d.Reason = CoverCharged, ReasonNoPolicy
		return d
	}
	exp := core.WarrantyExpiry(pd, months)
	if td.Before(exp) {
		d.Coverage, d.Reason, d.Until = CoverFreeRepair, in, fmtDate(exp.AddDate(0, 0, -1))
		return d
	}
	d.Coverage, d.Reason = CoverCharged, out
	return d
}

// dateOnly is t's date in t's own zone, as midnight UTC.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func fmtDate(t time.Time) string { return t.Format(time.DateOnly) }

// DefaultPolicy is the policy of a model whose line and model have none:
// the model's warranty months as the repair term, no windows.
func DefaultPolicy(m Model) Policy {
	return Policy{Scope: ScopeModel, ProductLine: m.ProductLine, ModelID: m.ID.String(), ModelCode: m.Code,
		RepairMonths: m.WarrantyMonths, Components: []Component{}}
}
