// Command v1 is a dispatch-rules plugin written against protocol v1's
// interface (Rank and ChooseTechnician): it reverses the sites and the
// technicians, each with a reason.
package main

import (
	"context"
	"encoding/json"
	"slices"

	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
)

type plugin struct{}

func (plugin) Configure(context.Context, json.RawMessage) error { return nil }

func (plugin) Rank(_ context.Context, req dr.RankRequest) (dr.RankResponse, error) {
	cs := slices.Clone(req.Candidates)
	slices.Reverse(cs)
	for i := range cs {
		cs[i].Reasons = append(slices.Clip(cs[i].Reasons), "v1: reversed")
	}
	return dr.RankResponse{Candidates: cs}, nil
}

func (plugin) ChooseTechnician(_ context.Context, req dr.TechnicianRequest) (dr.TechnicianResponse, error) {
	ts := slices.Clone(req.Candidates)
	slices.Reverse(ts)
	return dr.TechnicianResponse{Candidates: ts, Reasons: []string{"v1: technicians of " + req.SiteID + " reversed"}}, nil
}

func main() { dr.Serve(plugin{}) }
