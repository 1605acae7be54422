package claim

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/expr-lang/expr/vm"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/rulexpr"
)

// Rule is a tenant's audit rule: an expr-lang condition over Facts that,
// when true, flags a submitted claim for an audit before its approval.
type AuditRule struct {
	Code      string `json:"code" minLength:"1" maxLength:"40" pattern:"^[a-z0-9_]+$" doc:"Unique within the tenant's rules."`
	Name      string `json:"name" minLength:"1" maxLength:"200"`
	Enabled   bool   `json:"enabled"`
	Condition string `json:"condition" minLength:"1" maxLength:"2000" doc:"An expr-lang boolean expression over the claim's facts (see fields)."`
}

// Facts are what an audit rule sees of a submitted claim. Its expr names
// are the documented field names.
type Facts struct {
	LabourHours   float64 `expr:"labour_hours" doc:"Hours claimed."`
	StandardHours float64 `expr:"standard_hours" doc:"The model's standard hours."`
	MileageKm     float64 `expr:"mileage_km" doc:"Km claimed."`
	DistanceKm    float64 `expr:"distance_km" doc:"Straight-line km from the site to the address."`
	Total         int64   `expr:"total" doc:"The claimed total, minor units."`
	LabourAmount  int64   `expr:"labour_amount"`
	TravelAmount  int64   `expr:"travel_amount"`
	PartsAmount   int64   `expr:"parts_amount"`
	PartsCount    int     `expr:"parts_count"`
	// RepeatDays: days since the same unit's previous completed order;
	// -1 when there is none.
	RepeatDays int `expr:"repeat_days"`
	// PartsOverdue: defective parts not returned by their due date.
	PartsOverdue int `expr:"parts_overdue"`
	// PartsUnfitting: parts that do not fit the unit's model: the
	// catalogue's models for the part leave it out, or the barcode was
	// only ever used on other models.
	PartsUnfitting int `expr:"parts_unfitting"`
	// FilingDelayDays: days from the order's completion to submission.
	FilingDelayDays float64 `expr:"filing_delay_days"`
	// Cost per order over the last 90 days, this claim included: the
	// site's and its technician's; the median of the tenant's other
	// sites' and of its other technicians' (0 without data).
	SiteCostPerOrder         float64 `expr:"site_cost_per_order"`
	TechnicianCostPerOrder   float64 `expr:"technician_cost_per_order"`
	PeerMedianCost           float64 `expr:"peer_median_cost"`
	TechnicianPeerMedianCost float64 `expr:"technician_peer_median_cost"`
	Adjusted                 bool    `expr:"adjusted" doc:"The site adjusted lines before submitting."`
	ProductLine              string  `expr:"product_line"`
	Model                    string  `expr:"model"`
}

// FactNames lists the names a condition may use.
var FactNames = []string{"labour_hours", "standard_hours", "mileage_km", "distance_km", "total", "labour_amount",
	"travel_amount", "parts_amount", "parts_count", "repeat_days", "parts_overdue", "parts_unfitting", "filing_delay_days",
	"site_cost_per_order", "technician_cost_per_order", "peer_median_cost", "technician_peer_median_cost", "adjusted",
	"product_line", "model"}

// DefaultRules are a tenant's rules until it saves its own.
func DefaultRules() []AuditRule {
	return []AuditRule{
		{"labour_above_standard", "Labour above the model's standard hours", true, "labour_hours > standard_hours"},
		{"mileage_above_distance", "Mileage above 1.3 × the straight-line distance", true, "mileage_km > distance_km * 1.3 + 2"},
		{"repeat_repair", "Same unit repaired again within 30 days", true, "repeat_days >= 0 && repeat_days <= 30"},
		{"part_not_returned", "Defective part not returned in time", true, "parts_overdue > 0"},
		{"part_not_fitting", "A part that does not fit the model", true, "parts_unfitting > 0"},
		{"late_filing", "Claim filed more than 30 days after completion", true, "filing_delay_days > 30"},
		{"site_out_of_line", "Site's cost per order above 2 × its peers' median (90 days)", true,
			"peer_median_cost > 0 && site_cost_per_order > 2 * peer_median_cost"},
		{"technician_out_of_line", "Technician's cost per order above 2 × the other technicians' median (90 days)", true,
			"technician_peer_median_cost > 0 && technician_cost_per_order > 2 * technician_peer_median_cost"},
	}
}

var ruleCode = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// CompiledRule is a rule ready to run.
type CompiledRule struct {
	AuditRule
	program *vm.Program
}

// CompileRules checks and compiles a rule set; EINVALID names the rule's
// field (rules[i].condition) when one does not compile, names unknown
// fields or is not boolean.
func CompileRules(rules []AuditRule) ([]CompiledRule, error) {
	if len(rules) > 50 {
		return nil, core.FieldError("rules", "at most 50 rules")
	}
	seen := map[string]bool{}
	out := make([]CompiledRule, 0, len(rules))
	for i, r := range rules {
		f := fmt.Sprintf("rules[%d]", i)
		switch {
		case !ruleCode.MatchString(r.Code):
			return nil, core.FieldError(f+".code", "1-40 lower-case letters, digits or _")
		case seen[r.Code]:
			return nil, core.FieldError(f+".code", "the code %q is used twice", r.Code)
		case strings.TrimSpace(r.Name) == "":
			return nil, core.FieldError(f+".name", "a rule needs a name")
		case strings.TrimSpace(r.Condition) == "":
			return nil, core.FieldError(f+".condition", "a rule needs a condition")
		}
		seen[r.Code] = true
		p, err := rulexpr.Compile(f+".condition", r.Condition, Facts{}, FactNames)
		if err != nil {
			return nil, err
		}
		out = append(out, CompiledRule{AuditRule: r, program: p})
	}
	return out, nil
}

// Evaluate runs the enabled rules on a claim's facts and returns those
// that flag it. A rule failing at run time flags the claim too (naming
// the failure), so a broken rule cannot wave claims through.
func Evaluate(rules []CompiledRule, f *Facts) []ClaimFlag {
	var out []ClaimFlag
	for i := range rules {
		r := &rules[i]
		if !r.Enabled {
			continue
		}
		ok, err := rulexpr.Run(r.program, *f)
		switch {
		case err != nil:
			out = append(out, ClaimFlag{Rule: r.Code, Name: r.Name + " (failed: " + err.Error() + ")"})
		case ok:
			out = append(out, ClaimFlag{Rule: r.Code, Name: r.Name})
		}
	}
	return out
}

// Audited is one claim's verdict in a batch audit.
type Audited struct {
	Index int
	Flags []ClaimFlag
}

// AuditBatch runs the rules over many claims' facts (a month's re-audit)
// and returns the flagged ones.
func AuditBatch(rules []CompiledRule, facts []Facts) []Audited {
	var out []Audited
	for i := range facts {
		if fl := Evaluate(rules, &facts[i]); len(fl) > 0 {
			out = append(out, Audited{Index: i, Flags: fl})
		}
	}
	return out
}
