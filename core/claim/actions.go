package claim

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Outbox message types of claims and statements (webhooks may subscribe).
const (
	OutboxClaimDecided      = "claim.decided"
	OutboxStatementApproved = "claim_statement.approved"
)

// SiteActions are the actions a site takes; the others are reviewers'
// (claims:approve).
var SiteActions = []string{ActSubmit, ActAdjust, ActAppeal}

// Act applies an action to a claim under its row lock. Bad input answers
// EINVALID naming the field, an action the state forbids ECONFLICT naming
// the action; nothing changes either way.
func (s *Service) Act(ctx context.Context, u core.UnitOfWork, id uuid.UUID, in ActionInput, actor string) (*Claim, error) {
	repo := s.store.Claims(u)
	c, err := repo.Lock(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != c.Version {
		return nil, core.Errorf(core.ECONFLICT, "version: the claim changed (now version %d); reload it", c.Version)
	}
	in.Reason, in.Note = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Note)
	if len([]rune(in.Reason)) > 1000 {
		return nil, core.FieldError("reason", "at most 1000 characters")
	}
	now := s.now()
	from := c.State
	ev := ClaimEvent{Type: in.Action, From: from, Actor: actor, Reason: in.Reason, At: now, Payload: map[string]any{}}
	switch in.Action {
	case ActAdjust:
		err = s.adjust(c, in, ev.Payload)
	case ActSubmit:
		if err = s.submit(ctx, repo, c, now, ev.Payload); err == nil {
			err = s.openCallback(ctx, u, c, ev.Payload)
		}
	case ActAudit:
		if err = audit(c, in, actor, now); err == nil {
			err = s.cancelCallback(ctx, u, c, actor)
		}
		ev.Payload["note"] = in.Note
	case ActReturn:
		err = returned(c, in.Line, now)
		ev.Payload["line"] = in.Line
	case ActApprove, ActReduce, ActReject:
		err = decide(c, in, now, ev.Payload)
	case ActAppeal:
		err = appeal(c, in)
	default:
		err = core.FieldError("action", "unknown action %q", in.Action)
	}
	if err != nil {
		return nil, err
	}
	if in.Action != ActAdjust && in.Action != ActAudit && in.Action != ActReturn {
		ev.To = c.State
	}
	if in.Reason != "" && (in.Action == ActReject || in.Action == ActReduce || in.Action == ActAppeal || in.Action == ActAdjust) {
		c.Reason = in.Reason
	}
	c.UpdatedAt = now
	repo.Update(c)
	c.Version++
	repo.AppendEvent(c.ID, ev)
	if Decided(c.State) {
		repo.OutboxAdd(c.ID, OutboxClaimDecided, claimPayload(c))
	}
	return c, nil
}

func conflict(action, state string) error {
	return core.Errorf(core.ECONFLICT, "action: %s is not possible on a %s claim", action, state)
}

// adjust changes a draft's lines: the site's correction, with a reason.
func (s *Service) adjust(c *Claim, in ActionInput, p map[string]any) error {
	if c.State != StateDraft {
		return conflict(in.Action, c.State)
	}
	if in.Reason == "" {
		return core.FieldError("reason", "adjusting a claim needs a reason")
	}
	if len(in.Lines) == 0 {
		return core.FieldError("lines", "name the lines to change")
	}
	lines := slices.Clone(c.Lines)
	var changed []map[string]any
	for i, ch := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if ch.No < 1 || ch.No > len(lines) {
			return core.FieldError(f+".no", "no line %d", ch.No)
		}
		l := &lines[ch.No-1]
		was := *l
		if ch.Quantity != nil {
			if *ch.Quantity < 0 || *ch.Quantity > 10000 {
				return core.FieldError(f+".quantity", "0-10000")
			}
			l.Quantity = *ch.Quantity
			l.Amount = money(l.Quantity, l.UnitPrice)
		}
		if ch.Amount != nil {
			if *ch.Amount < 0 || *ch.Amount > 1e10 {
				return core.FieldError(f+".amount", "0-10000000000 minor units")
			}
			l.Amount = *ch.Amount
			if l.Quantity > 0 {
				l.UnitPrice = int64(float64(l.Amount)/l.Quantity + 0.5)
			}
		}
		if ch.Quantity == nil && ch.Amount == nil {
			return core.FieldError(f, "set quantity or amount")
		}
		changed = append(changed, map[string]any{"no": l.No, "kind": l.Kind, "from_quantity": was.Quantity,
			"to_quantity": l.Quantity, "from_amount": was.Amount, "to_amount": l.Amount})
	}
	c.Lines = lines
	c.ClaimedTotal = Total(lines)
	p["lines"], p["claimed_total"] = changed, c.ClaimedTotal
	return nil
}

// submit runs the audit rules: a flagged claim gets its audit task.
func (s *Service) submit(ctx context.Context, repo Repository, c *Claim, now time.Time, p map[string]any) error {
	if c.State != StateDraft {
		return conflict(ActSubmit, c.State)
	}
	_, rules, _, err := s.tenant(ctx, repo)
	if err != nil {
		return err
	}
	compiled, err := CompileRules(rules)
	if err != nil {
		return core.Errorf(core.ECONFLICT, "rules: the tenant's audit rules do not compile: %v", err)
	}
	c.SubmittedAt = &now
	f := FactsOf(c, now)
	if err := repo.HistoryFacts(ctx, c, now, &f); err != nil {
		return err
	}
	c.Flags = Evaluate(compiled, &f)
	if c.Flags == nil {
		c.Flags = []ClaimFlag{}
	}
	c.State = StateSubmitted
	if len(c.Flags) > 0 {
		c.State = StateFlagged
		c.Audit = &AuditTask{Status: "open"}
	}
	p["flags"], p["claimed_total"] = c.Flags, c.ClaimedTotal
	return nil
}

// FactsOf is what the claim itself tells the rules at now.
func FactsOf(c *Claim, now time.Time) Facts {
	f := Facts{Total: c.ClaimedTotal, RepeatDays: -1, Model: c.ModelCode,
		FilingDelayDays: now.Sub(c.CompletedAt).Hours() / 24}
	for _, l := range c.Lines {
		switch l.Kind {
		case LineLabour:
			f.LabourHours, f.StandardHours, f.LabourAmount = f.LabourHours+l.Quantity, l.Standard, f.LabourAmount+l.Amount
		case LineTravel:
			f.MileageKm, f.DistanceKm, f.TravelAmount = f.MileageKm+l.Quantity, l.Standard, f.TravelAmount+l.Amount
		case LinePart:
			f.PartsAmount += l.Amount
			f.PartsCount += int(l.Quantity)
			if l.ReturnDue != nil && l.ReturnedAt == nil && now.After(*l.ReturnDue) ||
				l.ReturnDue != nil && l.ReturnedAt != nil && l.ReturnedAt.After(*l.ReturnDue) {
				f.PartsOverdue++
			}
			if !l.Fits {
				f.PartsUnfitting++
			}
		}
		if l.Kind != LinePart && l.Quantity != l.Standard {
			f.Adjusted = true
		}
	}
	return f
}

func audit(c *Claim, in ActionInput, actor string, now time.Time) error {
	if c.State != StateFlagged || c.Audit == nil || c.Audit.Status != "open" {
		return conflict(ActAudit, c.State)
	}
	if in.Note == "" {
		return core.FieldError("note", "record what the audit found")
	}
	c.Audit = &AuditTask{Status: "done", Note: in.Note, By: actor, At: &now, Callback: c.Audit.Callback}
	return nil
}

func returned(c *Claim, no int, now time.Time) error {
	if no < 1 || no > len(c.Lines) || c.Lines[no-1].Kind != LinePart {
		return core.FieldError("line", "no part line %d", no)
	}
	l := &c.Lines[no-1]
	if l.ReturnDue == nil {
		return core.FieldError("line", "part line %d need not be returned", no)
	}
	if l.ReturnedAt != nil {
		return core.Errorf(core.ECONFLICT, "line: part line %d was returned already", no)
	}
	c.Lines = slices.Clone(c.Lines)
	c.Lines[no-1].ReturnedAt = &now
	return nil
}

// decide is a reviewer's decision: approve, reduce (approve adjusted
// amounts, with a reason) or reject (with a reason). A flagged claim
// needs its audit done first.
func decide(c *Claim, in ActionInput, now time.Time, p map[string]any) error {
	switch {
	case c.State == StateFlagged && (c.Audit == nil || c.Audit.Status != "done"):
		return core.Errorf(core.ECONFLICT, "audit: the flagged claim's audit task is still open; record its result first")
	case c.State != StateSubmitted && c.State != StateFlagged && c.State != StateAppealed:
		return conflict(in.Action, c.State)
	case in.Action != ActApprove && in.Reason == "":
		return core.FieldError("reason", "%s needs a reason", in.Action)
	}
	switch in.Action {
	case ActApprove:
		c.State = StateApproved
		for i := range c.Lines {
			c.Lines[i].Approved = nil
		}
		c.ApprovedTotal = c.ClaimedTotal
	case ActReject:
		c.State, c.ApprovedTotal = StateRejected, 0
	case ActReduce:
		if len(in.Lines) == 0 {
			return core.FieldError("lines", "name the lines and their approved amounts")
		}
		lines := slices.Clone(c.Lines)
		for i, ch := range in.Lines {
			f := fmt.Sprintf("lines[%d]", i)
			if ch.No < 1 || ch.No > len(lines) {
				return core.FieldError(f+".no", "no line %d", ch.No)
			}
			if ch.Amount == nil || *ch.Amount < 0 || *ch.Amount > lines[ch.No-1].Amount {
				return core.FieldError(f+".amount", "the approved amount is 0-%d", lines[ch.No-1].Amount)
			}
			a := *ch.Amount
			lines[ch.No-1].Approved = &a
		}
		c.Lines = lines
		c.State, c.ApprovedTotal = StateAdjusted, ApprovedSum(lines)
	}
	c.DecidedAt = &now
	p["approved_total"] = c.ApprovedTotal
	return nil
}

// appeal is the site's one appeal of a rejected or adjusted claim.
func appeal(c *Claim, in ActionInput) error {
	switch {
	case c.Appealed:
		return core.Errorf(core.ECONFLICT, "appeal: the claim was appealed once already; a second appeal is not possible")
	case c.State != StateRejected && c.State != StateAdjusted:
		return conflict(ActAppeal, c.State)
	case in.Reason == "":
		return core.FieldError("reason", "an appeal needs a reason")
	}
	c.Appealed, c.State, c.DecidedAt, c.ApprovedTotal = true, StateAppealed, nil, 0
	return nil
}
