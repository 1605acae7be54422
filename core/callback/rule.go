package callback

import (
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/rulexpr"
)

// Triggers: what closed work a rule looks at.
const (
	TriggerOrderCompleted = "order_completed"
)

// Channels: how a task is worked.
const (
	ChannelCall = "call" // an agent calls the customer
	ChannelSMS  = "sms"  // the customer answers an SMS survey
)

// Rule picks which closed work produces a callback task. Every set field
// narrows it (an empty list: any); Condition, an expr-lang expression over
// Facts, narrows it further; Sample keeps a deterministic share.
type Rule struct {
	ID              uuid.UUID   `json:"id"`
	Name            string      `json:"name"`
	Enabled         bool        `json:"enabled"`
	Trigger         string      `json:"trigger" enum:"order_completed"`
	OrderTypes      []string    `json:"order_types" doc:"Work-order types (repair, installation, …); empty: any."`
	ProductLines    []string    `json:"product_lines" doc:"Product line codes; empty: any."`
	Models          []string    `json:"models" doc:"Product model codes; empty: any."`
	SiteIDs         []uuid.UUID `json:"site_ids" doc:"Sites; empty: any."`
	RegionIDs       []uuid.UUID `json:"region_ids" doc:"Regions, each with its subregions; empty: any."`
	From            *time.Time  `json:"from,omitempty" doc:"Only work completed at or after it."`
	Until           *time.Time  `json:"until,omitempty" doc:"Only work completed before it."`
	Weekdays        []int       `json:"weekdays" doc:"Only work completed on these days of the week in the tenant's zone, 1 (Monday) to 7 (Sunday); empty: any."`
	TimeFrom        string      `json:"time_from,omitempty" doc:"Only work completed at or after this time of day (HH:MM, the tenant's zone); with time_until; a window may span midnight."`
	TimeUntil       string      `json:"time_until,omitempty" doc:"Only work completed before this time of day (HH:MM)."`
	Sample          float64     `json:"sample" doc:"The share of matching work called back, 0-1; deterministic per order."`
	Condition       string      `json:"condition" doc:"An expr-lang expression over the order's facts (see the rule environment); empty: true."`
	DueDays         int         `json:"due_days" doc:"Due within this many working days of completion (0: use due_hours)."`
	DueHours        int         `json:"due_hours" doc:"Due within this many working hours of completion, when due_days is 0."`
	Channel         string      `json:"channel" enum:"call,sms"`
	Group           string      `json:"group" doc:"The agent group whose to-do queue gets the tasks, as a code."`
	QuestionnaireID uuid.UUID   `json:"questionnaire_id"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// RuleInput is what a tenant saves.
type RuleInput struct {
	Name            string      `json:"name" minLength:"1" maxLength:"200"`
	Enabled         bool        `json:"enabled"`
	Trigger         string      `json:"trigger,omitempty" enum:"order_completed" doc:"Default order_completed."`
	OrderTypes      []string    `json:"order_types,omitempty" maxItems:"20"`
	ProductLines    []string    `json:"product_lines,omitempty" maxItems:"100"`
	Models          []string    `json:"models,omitempty" maxItems:"500"`
	SiteIDs         []uuid.UUID `json:"site_ids,omitempty" maxItems:"1000"`
	RegionIDs       []uuid.UUID `json:"region_ids,omitempty" maxItems:"500" doc:"Each with its subregions."`
	From            *time.Time  `json:"from,omitempty"`
	Until           *time.Time  `json:"until,omitempty"`
	Weekdays        []int       `json:"weekdays,omitempty" maxItems:"7" doc:"1 (Monday) to 7 (Sunday), the tenant's zone."`
	TimeFrom        string      `json:"time_from,omitempty" doc:"HH:MM, the tenant's zone; set with time_until."`
	TimeUntil       string      `json:"time_until,omitempty" doc:"HH:MM; before time_from: the window spans midnight."`
	Sample          float64     `json:"sample" minimum:"0" maximum:"1" doc:"The share of matching work called back, 0-1."`
	Condition       string      `json:"condition,omitempty" maxLength:"2000"`
	DueDays         int         `json:"due_days,omitempty" minimum:"0" maximum:"60"`
	DueHours        int         `json:"due_hours,omitempty" minimum:"0" maximum:"720"`
	Channel         string      `json:"channel" enum:"call,sms"`
	Group           string      `json:"group,omitempty" maxLength:"40" doc:"Default callback."`
	QuestionnaireID uuid.UUID   `json:"questionnaire_id"`
}

// Facts is the fixed environment rule conditions are written over: one
// closed order. Its expr names are the documented field names.
type Facts struct {
	OrderID      uuid.UUID  `expr:"-"`
	Number       string     `expr:"number"`
	Type         string     `expr:"type" doc:"repair, installation, maintenance, …"`
	Channel      string     `expr:"channel" doc:"phone, portal, api, sms"`
	ServiceType  string     `expr:"service_type"`
	ProductLine  string     `expr:"product_line"`
	Model        string     `expr:"model" doc:"The unit's model code; empty without a unit."`
	SiteID       string     `expr:"site_id"`
	RegionID     string     `expr:"region_id"`
	InWarranty   bool       `expr:"in_warranty"`
	Satisfaction int        `expr:"satisfaction" doc:"The customer's SMS score, 0 when none."`
	SLABreached  bool       `expr:"sla_breached"`
	HoursOpen    float64    `expr:"hours_open" doc:"Hours from creation to completion."`
	CustomerID   uuid.UUID  `expr:"-"`
	Site         *uuid.UUID `expr:"-"`
	Region       *uuid.UUID `expr:"-"`
	// Regions are the order's region and the regions above it.
	Regions     []uuid.UUID `expr:"-"`
	CompletedAt time.Time   `expr:"-"`
	// Weekday (1 Monday … 7 Sunday) and Minute (of the day) are the
	// completion's in the tenant's zone.
	Weekday int `expr:"weekday" doc:"1 (Monday) to 7 (Sunday), the tenant's zone."`
	Minute  int `expr:"-"`
}

// FactNames lists the names a condition may use, for the docs and errors.
var FactNames = []string{"number", "type", "channel", "service_type", "product_line", "model", "site_id", "region_id",
	"in_warranty", "satisfaction", "sla_breached", "hours_open", "weekday"}

// compiled is a rule ready to run.
type compiled struct {
	*Rule
	program *vm.Program
}

// compileCondition compiles a condition over Facts; EINVALID naming
// "condition" when it does not compile, names unknown fields or is not
// boolean.
func compileCondition(src string) (*vm.Program, error) {
	return rulexpr.Compile("condition", src, Facts{}, FactNames)
}

// Validate checks a rule; EINVALID naming the field.
func (in *RuleInput) Validate() error {
	if strings.TrimSpace(in.Name) == "" {
		return core.FieldError("name", "a rule needs a name")
	}
	if in.Trigger == "" {
		in.Trigger = TriggerOrderCompleted
	}
	if in.Trigger != TriggerOrderCompleted {
		return core.FieldError("trigger", "unknown trigger %q", in.Trigger)
	}
	if in.Sample < 0 || in.Sample > 1 || math.IsNaN(in.Sample) {
		return core.FieldError("sample", "a share is 0-1")
	}
	if in.Channel != ChannelCall && in.Channel != ChannelSMS {
		return core.FieldError("channel", "a channel is call or sms")
	}
	if in.DueDays == 0 && in.DueHours == 0 {
		return core.FieldError("due_days", "set due_days or due_hours")
	}
	if in.From != nil && in.Until != nil && !in.Until.After(*in.From) {
		return core.FieldError("until", "the period ends before it starts")
	}
	if in.Group == "" {
		in.Group = "callback"
	}
	for _, d := range in.Weekdays {
		if d < 1 || d > 7 {
			return core.FieldError("weekdays", "days are 1 (Monday) to 7 (Sunday)")
		}
	}
	if (in.TimeFrom == "") != (in.TimeUntil == "") {
		return core.FieldError("time_until", "set both ends of the time window, or neither")
	}
	if in.TimeFrom != "" {
		from, ok1 := clockMinute(in.TimeFrom)
		until, ok2 := clockMinute(in.TimeUntil)
		switch {
		case !ok1:
			return core.FieldError("time_from", "a time of day is HH:MM")
		case !ok2:
			return core.FieldError("time_until", "a time of day is HH:MM")
		case from == until:
			return core.FieldError("time_until", "the window is empty")
		}
	}
	if in.QuestionnaireID == uuid.Nil {
		return core.FieldError("questionnaire_id", "a rule needs a questionnaire")
	}
	_, err := compileCondition(in.Condition)
	return err
}

// compile makes a stored rule runnable.
func compile(r *Rule) (compiled, error) {
	p, err := compileCondition(r.Condition)
	return compiled{Rule: r, program: p}, err
}

// Sampled says whether an order falls in a rule's sample: a hash of
// tenant, rule and order mapped to [0, 1) below the share, so that reruns
// and previews pick the same orders.
func Sampled(tenant, rule, order uuid.UUID, share float64) bool {
	if share >= 1 {
		return true
	}
	if share <= 0 {
		return false
	}
	h := fnv.New64a()
	h.Write(tenant[:])
	h.Write(rule[:])
	h.Write(order[:])
	// Mix the FNV bits (its high bits are weak on near-equal inputs).
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return float64(x>>11)/float64(1<<53) < share
}

// matches decides whether a rule selects the order: its fixed fields, its
// period, its sample, then its condition. An error is the condition's at
// run time.
func (c compiled) matches(tenant uuid.UUID, f *Facts) (bool, error) {
	r := c.Rule
	if !r.Enabled || r.Trigger != TriggerOrderCompleted {
		return false, nil
	}
	if !in(r.OrderTypes, f.Type) || !in(r.ProductLines, f.ProductLine) || !in(r.Models, f.Model) ||
		!inID(r.SiteIDs, f.Site) || !inRegions(r.RegionIDs, f) {
		return false, nil
	}
	if len(r.Weekdays) > 0 && !slices.Contains(r.Weekdays, f.Weekday) || !inWindow(r.TimeFrom, r.TimeUntil, f.Minute) {
		return false, nil
	}
	if r.From != nil && f.CompletedAt.Before(*r.From) || r.Until != nil && !f.CompletedAt.Before(*r.Until) {
		return false, nil
	}
	if !Sampled(tenant, r.ID, f.OrderID, r.Sample) {
		return false, nil
	}
	return rulexpr.Run(c.program, *f)
}

func in(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }

func inID(list []uuid.UUID, v *uuid.UUID) bool {
	return len(list) == 0 || v != nil && slices.Contains(list, *v)
}

// inRegions: the order's region, or one above it, is listed (any when
// none is).
func inRegions(list []uuid.UUID, f *Facts) bool {
	if len(list) == 0 {
		return true
	}
	if len(f.Regions) == 0 {
		return inID(list, f.Region)
	}
	for _, id := range f.Regions {
		if slices.Contains(list, id) {
			return true
		}
	}
	return false
}

// inWindow: minute of the day is in [from, until) (HH:MM; a window
// spanning midnight when until is before from); any when unset.
func inWindow(from, until string, minute int) bool {
	a, ok1 := clockMinute(from)
	b, ok2 := clockMinute(until)
	if !ok1 || !ok2 {
		return true
	}
	if a < b {
		return minute >= a && minute < b
	}
	return minute >= a || minute < b
}

// clockMinute reads HH:MM as minutes of the day.
func clockMinute(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}
