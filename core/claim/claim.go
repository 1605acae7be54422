// Package claim holds the warranty claims (索赔) a site files for its
// in-warranty work — labour at the model's standard hours, travel by
// distance, the parts it used — their audit by the tenant's rules, the
// reviewers' decisions, the site's single appeal, and the monthly
// settlement statement per site.
package claim

import (
	"time"

	"github.com/google/uuid"
)

// Claim states. A draft is the site's to submit; a submitted claim that a
// rule flags waits for its audit task before a decision; a rejected or
// adjusted claim may be appealed once and is then reviewed again.
const (
	StateDraft     = "draft"
	StateSubmitted = "submitted"
	StateFlagged   = "flagged"
	StateApproved  = "approved"
	StateAdjusted  = "adjusted"
	StateRejected  = "rejected"
	StateAppealed  = "appealed"
)

// Line kinds.
const (
	LineLabour = "labour"
	LineTravel = "travel"
	LinePart   = "part"
)

// Actions on a claim (POST /v1/claims/{id}/actions).
const (
	ActSubmit  = "submit"  // the site: draft → submitted or flagged
	ActAdjust  = "adjust"  // the site: change lines of a draft, with a reason
	ActAudit   = "audit"   // a reviewer: records the audit task's result
	ActReturn  = "return"  // a reviewer: a defective part came back
	ActApprove = "approve" // a reviewer
	ActReduce  = "reduce"  // a reviewer: approves adjusted lines, with a reason
	ActReject  = "reject"  // a reviewer, with a reason
	ActAppeal  = "appeal"  // the site, once, with a reason
)

// Claim is a site's warranty claim for one completed order.
type Claim struct {
	ID            uuid.UUID   `json:"id"`
	WorkOrderID   uuid.UUID   `json:"work_order_id"`
	OrderNumber   string      `json:"order_number"`
	SiteID        uuid.UUID   `json:"site_id"`
	SiteName      string      `json:"site_name"`
	RegionID      uuid.UUID   `json:"region_id"`
	TechnicianID  *uuid.UUID  `json:"technician_id" nullable:"true"`
	UnitID        uuid.UUID   `json:"unit_id"`
	ModelCode     string      `json:"model_code"`
	State         string      `json:"state" enum:"draft,submitted,flagged,approved,adjusted,rejected,appealed"`
	Currency      string      `json:"currency" example:"CNY"`
	Lines         []ClaimLine `json:"lines" nullable:"false"`
	ClaimedTotal  int64       `json:"claimed_total" doc:"The sum of the lines as claimed, in minor units of currency."`
	ApprovedTotal int64       `json:"approved_total" doc:"What the tenant pays once approved or adjusted, in minor units; 0 otherwise."`
	DistanceKm    float64     `json:"distance_km" doc:"Straight-line (great-circle) distance from the site to the order's address; road distance is not known."`
	// Flags are the audit rules that flagged the claim at its last
	// submission.
	Flags    []ClaimFlag `json:"flags" nullable:"false"`
	Audit    *AuditTask  `json:"audit,omitempty" doc:"The audit task a flagged claim gets before a decision; absent when not flagged."`
	Appealed bool        `json:"appealed" doc:"The site has used its one appeal."`
	// Reason is the latest decision's or appeal's reason.
	Reason      string     `json:"reason"`
	CompletedAt time.Time  `json:"completed_at"`
	SubmittedAt *time.Time `json:"submitted_at" nullable:"true"`
	DecidedAt   *time.Time `json:"decided_at" nullable:"true" doc:"When approved, adjusted or rejected: the month it settles in."`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Line is one claimed item. Money is in minor units of the claim's
// currency.
type ClaimLine struct {
	No        int     `json:"no" doc:"The line's number in the claim, from 1."`
	Kind      string  `json:"kind" enum:"labour,travel,part"`
	Code      string  `json:"code" doc:"A part's barcode; empty for labour and travel."`
	Quantity  float64 `json:"quantity" doc:"Hours, km or pieces."`
	Standard  float64 `json:"standard" doc:"Labour: the model's standard hours; travel: the straight-line distance in km; parts: 0."`
	UnitPrice int64   `json:"unit_price" doc:"Per hour, km or piece, in minor units."`
	Amount    int64   `json:"amount" doc:"Quantity × unit price, rounded, in minor units."`
	Approved  *int64  `json:"approved,omitempty" doc:"The amount a reviewer approved when adjusting."`
	// Parts: whether the defective part must come back, by when, and
	// when it did.
	ReturnDue  *time.Time `json:"return_due,omitempty"`
	ReturnedAt *time.Time `json:"returned_at,omitempty"`
	// Fits is false when the catalogue lists the models the part fits and
	// not the unit's, or when the barcode has been used only on other
	// models (learnt from the orders, for parts the catalogue has no
	// models for).
	Fits bool `json:"fits"`
}

// Flag is an audit rule that flagged a claim.
type ClaimFlag struct {
	Rule string `json:"rule"`
	Name string `json:"name"`
}

// AuditTask is the check a flagged claim waits for: a callback to the
// customer in the call centre's queue, whose outcome is the result; or a
// reviewer's own inspection, recorded with the audit action.
type AuditTask struct {
	Status string     `json:"status" enum:"open,done"`
	Note   string     `json:"note"`
	By     string     `json:"by"`
	At     *time.Time `json:"at" nullable:"true"`
	// Callback is the audit's callback task, when the call centre has
	// one (absent for a site: its claims' audits are not its business).
	Callback *AuditCallback `json:"callback,omitempty" doc:"The callback to the customer that audits the claim; absent for a site."`
}

// AuditCallback is a claim's audit callback as the claim last saw it.
type AuditCallback struct {
	TaskID uuid.UUID  `json:"task_id"`
	Status string     `json:"status" enum:"open,done,given_up,cancelled" doc:"cancelled: not needed, the reviewer recorded the audit."`
	DueAt  *time.Time `json:"due_at" nullable:"true"`
}

// ClaimEvent is one entry of a claim's timeline.
type ClaimEvent struct {
	Seq     int            `json:"seq"`
	Type    string         `json:"type"`
	From    string         `json:"from_state,omitempty"`
	To      string         `json:"to_state,omitempty"`
	Actor   string         `json:"actor"`
	Reason  string         `json:"reason,omitempty"`
	At      time.Time      `json:"at"`
	Payload map[string]any `json:"payload"`
}

// Decided reports whether a state is a reviewer's decision.
func Decided(state string) bool {
	return state == StateApproved || state == StateAdjusted || state == StateRejected
}

// Total sums lines' amounts.
func Total(lines []ClaimLine) int64 {
	var t int64
	for _, l := range lines {
		t += l.Amount
	}
	return t
}

// ApprovedSum sums what a reviewer approved of each line (its amount when
// not adjusted).
func ApprovedSum(lines []ClaimLine) int64 {
	var t int64
	for _, l := range lines {
		if l.Approved != nil {
			t += *l.Approved
		} else {
			t += l.Amount
		}
	}
	return t
}

// Allowed lists the actions a claim in state takes, for its page: site
// actions when site, reviewer actions when reviewer.
func Allowed(c *Claim, site, reviewer bool) []string {
	out := []string{}
	if site {
		switch {
		case c.State == StateDraft:
			out = append(out, ActSubmit, ActAdjust)
		case (c.State == StateRejected || c.State == StateAdjusted) && !c.Appealed:
			out = append(out, ActAppeal)
		}
	}
	if reviewer {
		if c.State == StateFlagged && c.Audit != nil && c.Audit.Status == "open" {
			out = append(out, ActAudit)
		}
		if c.State == StateSubmitted || c.State == StateAppealed || c.State == StateFlagged && c.Audit != nil && c.Audit.Status == "done" {
			out = append(out, ActApprove, ActReduce, ActReject)
		}
		for _, l := range c.Lines {
			if l.Kind == LinePart && l.ReturnDue != nil && l.ReturnedAt == nil {
				out = append(out, ActReturn)
				break
			}
		}
	}
	return out
}
