package main

import (
	"context"
	"slices"
	"time"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
)

// Decide applies the binding's site rules to the decision's sites
// (filters first, then re-ranking) and its technician rules to the
// technicians of every site that came with them: the platform takes those
// of the site kept first.
func (p *plugin) Decide(_ context.Context, d dr.Decision) (dr.Answer, error) {
	c, err := p.config()
	if err != nil {
		return dr.Answer{}, err
	}
	a := dr.Answer{Sites: slices.Clone(d.Sites)}
	if len(d.Sites) > 0 {
		if err := p.rankSites(c, d.Order, &a); err != nil {
			return dr.Answer{}, err
		}
	}
	if len(d.Technicians) > 0 && c.on(ruleVIPSenior) && vip(c, d.Order) {
		a.Technicians = make(map[string]dr.TechnicianResponse, len(d.Technicians))
		for site, techs := range d.Technicians {
			a.Technicians[site] = seniorsFirst(c, techs)
		}
	}
	return a, nil
}

// rankSites applies the site rules to a.Sites.
func (p *plugin) rankSites(c *config, o dr.Order, a *dr.Answer) error {
	if c.on(ruleSunday) {
		if err := p.sundayOpenOnly(c, o, a); err != nil {
			return err
		}
	}
	if c.on(ruleVIP) && vip(c, o) {
		repairCentresOnly(c, a)
	}
	if c.on(ruleSellingDealer) && o.SellingDealerSiteID != "" {
		preferSellingDealer(o.SellingDealerSiteID, a)
	}
	return nil
}

func (p *plugin) sundayOpenOnly(c *config, o dr.Order, res *dr.Answer) error {
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

func repairCentresOnly(c *config, res *dr.Answer) {
	if c.VIPFallback && !slices.ContainsFunc(res.Sites, func(x dr.Candidate) bool { return x.Kind == dr.RepairCenter }) {
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

func preferSellingDealer(dealer string, res *dr.Answer) {
	i := slices.IndexFunc(res.Sites, func(x dr.Candidate) bool { return x.SiteID == dealer })
	if i < 0 {
		res.Reasons = append(res.Reasons, "the dealer that sold the unit is not among the candidates")
		return
	}
	d := res.Sites[i]
	d.Reasons = withReason(d.Reasons, "moved first: the dealer that sold the unit")
	res.Sites = append([]dr.Candidate{d}, slices.Delete(res.Sites, i, i+1)...)
	if i > 0 {
		res.Reasons = append(res.Reasons, "the dealer that sold the unit is preferred")
	}
}

// filter keeps the candidates keep says to keep, in order, and lists the
// others as excluded with keep's reason.
func filter(res *dr.Answer, keep func(*dr.Candidate) (bool, string)) {
	kept := res.Sites[:0]
	for _, cand := range res.Sites {
		if ok, why := keep(&cand); ok {
			kept = append(kept, cand)
		} else {
			res.Excluded = append(res.Excluded, dr.Exclusion{ID: cand.SiteID, Reason: why})
		}
	}
	res.Sites = kept
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

// seniorsFirst puts senior technicians first (otherwise the platform's
// order), for a VIP customer's order under the vip_senior_technicians
// rule. A technician is senior with one of senior_tags among its tags (or
// its skills, for tenants that marked seniors that way).
func seniorsFirst(c *config, techs []dr.TechCandidate) dr.TechnicianResponse {
	senior := func(t dr.TechCandidate) bool {
		marked := func(tag string) bool { return slices.Contains(c.SeniorTags, tag) }
		return slices.ContainsFunc(t.Tags, marked) || slices.ContainsFunc(t.Skills, marked)
	}
	var seniors, others []dr.TechCandidate
	for _, t := range techs {
		if senior(t) {
			t.Reasons = withReason(t.Reasons, "senior technician for a VIP customer")
			seniors = append(seniors, t)
		} else {
			others = append(others, t)
		}
	}
	if len(seniors) == 0 {
		return dr.TechnicianResponse{Candidates: others, Reasons: []string{"VIP customer: no senior technician at this site"}}
	}
	return dr.TechnicianResponse{Candidates: append(seniors, others...), Reasons: []string{"VIP customer: senior technicians first"}}
}
