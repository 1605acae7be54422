package main

import (
	"context"
	"slices"
	"time"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
)

// Rank applies the binding's site rules: filters first, then re-ranking.
func (p *plugin) Rank(_ context.Context, req dr.RankRequest) (dr.RankResponse, error) {
	c, err := p.config()
	if err != nil {
		return dr.RankResponse{}, err
	}
	res := dr.RankResponse{Candidates: slices.Clone(req.Candidates)}
	if c.on(ruleSunday) {
		if err := p.sundayOpenOnly(c, req.Order, &res); err != nil {
			return dr.RankResponse{}, err
		}
	}
	if c.on(ruleVIP) && vip(c, req.Order) {
		repairCentresOnly(c, &res)
	}
	if c.on(ruleSellingDealer) && req.Order.SellingDealerSiteID != "" {
		preferSellingDealer(req.Order.SellingDealerSiteID, &res)
	}
	return res, nil
}

func (p *plugin) sundayOpenOnly(c *config, o dr.Order, res *dr.RankResponse) error {
	if o.At.IsZero() {
		return sdk.BadRequest("the order has no decision time")
	}
	loc, err := p.zone(o.TimeZone)
	if err != nil {
		return err
	}
	local := o.At.In(loc)
	if local.Weekday() != time.Sunday {
		return nil
	}
	day := local.Format("Mon 2 Jan 2006") + " in " + o.TimeZone
	res.Reasons = append(res.Reasons, "Sunday ("+day+"): only sites open on Sundays")
	keep := func(cand *dr.Candidate) (bool, string) {
		switch {
		case cand.OpenOn(time.Sunday):
			return true, ""
		case len(cand.Opening) > 0:
			return false, "closed on Sundays (" + day + ")"
		case c.UnknownHours == "exclude":
			return false, "opening hours unknown, not sent on a Sunday (" + day + ")"
		}
		cand.Reasons = withReason(cand.Reasons, "opening hours unknown; kept on a Sunday")
		return true, ""
	}
	filter(res, keep)
	return nil
}

func repairCentresOnly(c *config, res *dr.RankResponse) {
	if c.VIPFallback && !slices.ContainsFunc(res.Candidates, func(x dr.Candidate) bool { return x.Kind == dr.RepairCenter }) {
		res.Reasons = append(res.Reasons, "VIP customer: no repair centre available, other sites kept")
		return
	}
	res.Reasons = append(res.Reasons, "VIP customer: repair centres only")
	filter(res, func(cand *dr.Candidate) (bool, string) {
		if cand.Kind == dr.RepairCenter {
			return true, ""
		}
		return false, "VIP customer: repair centres only (this site is a " + kindName(cand.Kind) + ")"
	})
}

func preferSellingDealer(dealer string, res *dr.RankResponse) {
	i := slices.IndexFunc(res.Candidates, func(x dr.Candidate) bool { return x.SiteID == dealer })
	if i < 0 {
		res.Reasons = append(res.Reasons, "the dealer that sold the unit is not among the candidates")
		return
	}
	d := res.Candidates[i]
	d.Reasons = withReason(d.Reasons, "moved first: the dealer that sold the unit")
	res.Candidates = append([]dr.Candidate{d}, slices.Delete(res.Candidates, i, i+1)...)
	if i > 0 {
		res.Reasons = append(res.Reasons, "the dealer that sold the unit is preferred")
	}
}

// filter keeps the candidates keep says to keep, in order, and lists the
// others as excluded with keep's reason.
func filter(res *dr.RankResponse, keep func(*dr.Candidate) (bool, string)) {
	kept := res.Candidates[:0]
	for _, cand := range res.Candidates {
		if ok, why := keep(&cand); ok {
			kept = append(kept, cand)
		} else {
			res.Excluded = append(res.Excluded, dr.Exclusion{ID: cand.SiteID, Reason: why})
		}
	}
	res.Candidates = kept
}

// withReason appends without writing into the caller's backing array.
func withReason(reasons []string, r string) []string {
	return append(slices.Clip(reasons), r)
}

func vip(c *config, o dr.Order) bool {
	return o.CustomerVIP || slices.ContainsFunc(o.CustomerTags, func(t string) bool { return slices.Contains(c.VIPTags, t) })
}

func kindName(k dr.SiteKind) string {
	switch k {
	case dr.Dealer:
		return "dealer"
	case dr.ServiceStation:
		return "service station"
	case dr.RepairCenter:
		return "repair centre"
	}
	return string(k)
}

// ChooseTechnician puts senior technicians first for VIP customers when
// the binding has that rule; otherwise it keeps the platform's order. A
// technician is senior with one of senior_tags among its tags (or its
// skills, for tenants that marked seniors that way).
func (p *plugin) ChooseTechnician(_ context.Context, req dr.TechnicianRequest) (dr.TechnicianResponse, error) {
	c, err := p.config()
	if err != nil {
		return dr.TechnicianResponse{}, err
	}
	res := dr.TechnicianResponse{Candidates: slices.Clone(req.Candidates)}
	if !c.on(ruleVIPSenior) || !vip(c, req.Order) {
		return res, nil
	}
	senior := func(t dr.TechCandidate) bool {
		marked := func(tag string) bool { return slices.Contains(c.SeniorTags, tag) }
		return slices.ContainsFunc(t.Tags, marked) || slices.ContainsFunc(t.Skills, marked)
	}
	var seniors, others []dr.TechCandidate
	for _, t := range res.Candidates {
		if senior(t) {
			t.Reasons = withReason(t.Reasons, "senior technician for a VIP customer")
			seniors = append(seniors, t)
		} else {
			others = append(others, t)
		}
	}
	if len(seniors) == 0 {
		res.Reasons = append(res.Reasons, "VIP customer: no senior technician at this site")
		return res, nil
	}
	res.Candidates = append(seniors, others...)
	res.Reasons = append(res.Reasons, "VIP customer: senior technicians first")
	return res, nil
}
