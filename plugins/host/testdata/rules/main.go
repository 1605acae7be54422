// Command rules is a dispatch-rules test plugin for the host's tests: in
// mode "ok" it reverses the candidates and tags each with its binding's
// tag; "drop-first" leaves the first out, "exclude-first" excludes it with
// a reason; other modes hang, fail or answer garbage.
package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/plugins/host/testdata/control"
	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
)

type rules struct{ control.Holder }

// answer applies the mode to the candidate IDs given, best first.
func (r *rules) answer(ids []string) ([]string, error) {
	switch r.Config().Mode() {
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
	}
	slices.Reverse(ids)
	return ids, nil
}

func (r *rules) Rank(_ context.Context, req dispatchrules.RankRequest) (dispatchrules.RankResponse, error) {
	byID := make(map[string]int, len(req.Candidates))
	ids := make([]string, len(req.Candidates))
	for k, c := range req.Candidates {
		byID[c.SiteID], ids[k] = k, c.SiteID
	}
	ids, err := r.answer(ids)
	if err != nil {
		return dispatchrules.RankResponse{}, err
	}
	resp := dispatchrules.RankResponse{Candidates: make([]dispatchrules.Candidate, 0, len(ids))}
	tag := "rules " + r.Config().Tag
	for _, id := range ids {
		var c dispatchrules.Candidate
		if k, ok := byID[id]; ok {
			c = req.Candidates[k]
		} else {
			c.SiteID = id
		}
		c.Reasons = append(c.Reasons, tag)
		if c.Name != "" { // facts: echoed so the test sees them arrive
			c.Reasons = append(c.Reasons, fmt.Sprintf("site %s open Sunday %v", c.Name, c.OpenOn(time.Sunday)))
		}
		resp.Candidates = append(resp.Candidates, c)
	}
	if r.Config().Mode() == "exclude-first" {
		resp.Excluded = []dispatchrules.Exclusion{{ID: req.Candidates[0].SiteID, Reason: "closed for stocktaking"}}
	}
	resp.Reasons = []string{"order " + req.Order.ID}
	if o := req.Order; o.SellingDealerSiteID != "" {
		resp.Reasons = append(resp.Reasons, fmt.Sprintf("VIP %v, dealer %s, model %s, zone %s", o.CustomerVIP, o.SellingDealerSiteID, o.ProductModel, o.TimeZone))
	}
	return resp, nil
}

func (r *rules) ChooseTechnician(_ context.Context, req dispatchrules.TechnicianRequest) (dispatchrules.TechnicianResponse, error) {
	byID := make(map[string]int, len(req.Candidates))
	ids := make([]string, len(req.Candidates))
	for k, c := range req.Candidates {
		byID[c.TechnicianID], ids[k] = k, c.TechnicianID
	}
	ids, err := r.answer(ids)
	if err != nil {
		return dispatchrules.TechnicianResponse{}, err
	}
	resp := dispatchrules.TechnicianResponse{Candidates: make([]dispatchrules.TechCandidate, 0, len(ids))}
	tag := "rules " + r.Config().Tag
	for _, id := range ids {
		var c dispatchrules.TechCandidate
		if k, ok := byID[id]; ok {
			c = req.Candidates[k]
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

func main() { dispatchrules.Serve(&rules{}) }
