// Command rules is a dispatch-rules test plugin for the host's tests,
// speaking protocol v2 (Decide): in mode "ok" it reverses the sites and
// each site's technicians and tags each with its binding's tag;
// "promote-third" moves the third first (as a rule preferring the dealer
// that sold the unit would) and otherwise keeps the order; "drop-first"
// leaves the first out, "exclude-first" excludes it with a reason; other
// modes hang, fail or answer garbage.
package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/plugins/host/testdata/control"
	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
)

type rules struct{ control.Holder }

// answer applies mode to the candidate IDs given, best first.
func answer(mode string, ids []string) ([]string, error) {
	switch mode {
	case "hang":
		control.Hang()
	case "error":
		return nil, sdk.Unavailable("rules backend down")
	case "unknown":
		return append(ids, uuid.NewString()), nil
	case "duplicate":
		return append(ids, ids[0]), nil
	case "drop-first", "exclude-first":
		return ids[1:], nil
	case "promote-third":
		if len(ids) >= 3 {
			third := ids[2]
			return append([]string{third}, slices.Delete(ids, 2, 3)...), nil
		}
		return ids, nil
	}
	slices.Reverse(ids)
	return ids, nil
}

func (r *rules) Decide(_ context.Context, d dr.Decision) (dr.Answer, error) {
	cfg := r.Config()
	mode := cfg.Mode() // once per call: it may read a file
	var a dr.Answer
	if len(d.Sites) > 0 {
		if err := rank(mode, cfg.Tag, d, &a); err != nil {
			return dr.Answer{}, err
		}
	}
	a.Technicians = make(map[string]dr.TechnicianResponse, len(d.Technicians))
	for site, ts := range d.Technicians {
		t, err := choose(mode, cfg.Tag, ts)
		if err != nil {
			return dr.Answer{}, err
		}
		a.Technicians[site] = t
	}
	return a, nil
}

func rank(mode, tag string, d dr.Decision, a *dr.Answer) error {
	byID := make(map[string]int, len(d.Sites))
	ids := make([]string, len(d.Sites))
	for k, c := range d.Sites {
		byID[c.SiteID], ids[k] = k, c.SiteID
	}
	ids, err := answer(mode, ids)
	if err != nil {
		return err
	}
	a.Sites = make([]dr.Candidate, 0, len(ids))
	tag = "rules " + tag
	for _, id := range ids {
		var c dr.Candidate
		if k, ok := byID[id]; ok {
			c = d.Sites[k]
		} else {
			c.SiteID = id
		}
		c.Reasons = append(c.Reasons, tag)
		if c.Name != "" { // facts: echoed so the test sees them arrive
			c.Reasons = append(c.Reasons, fmt.Sprintf("site %s open Sunday %v", c.Name, c.OpenOn(time.Sunday)))
		}
		a.Sites = append(a.Sites, c)
	}
	if mode == "exclude-first" {
		a.Excluded = []dr.Exclusion{{ID: d.Sites[0].SiteID, Reason: "closed for stocktaking"}}
	}
	a.Reasons = []string{"order " + d.Order.ID}
	if o := d.Order; o.SellingDealerSiteID != "" {
		a.Reasons = append(a.Reasons, fmt.Sprintf("VIP %v, dealer %s, model %s, zone %s", o.CustomerVIP, o.SellingDealerSiteID, o.ProductModel, o.TimeZone))
	}
	return nil
}

func choose(mode, tag string, ts []dr.TechCandidate) (dr.TechnicianResponse, error) {
	byID := make(map[string]int, len(ts))
	ids := make([]string, len(ts))
	for k, c := range ts {
		byID[c.TechnicianID], ids[k] = k, c.TechnicianID
	}
	ids, err := answer(mode, ids)
	if err != nil {
		return dr.TechnicianResponse{}, err
	}
	resp := dr.TechnicianResponse{Candidates: make([]dr.TechCandidate, 0, len(ids))}
	tag = "rules " + tag
	for _, id := range ids {
		var c dr.TechCandidate
		if k, ok := byID[id]; ok {
			c = ts[k]
		} else {
			c.TechnicianID = id
		}
		c.Reasons = append(c.Reasons, tag)
		if c.Name != "" { // facts: echoed so the test sees them arrive
			c.Reasons = append(c.Reasons, "technician "+c.Name)
		}
		resp.Candidates = append(resp.Candidates, c)
	}
	return resp, nil
}

// As the reference plugin (plugins/dispatch-rules) does: the benchmarks
// measure what it runs.
func main() { dr.Serve(&rules{}, sdk.WithMaxProcs(1), sdk.WithGCPercent(400)) }
