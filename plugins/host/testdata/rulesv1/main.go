// Command rulesv1 is a dispatch-rules test plugin written for protocol v1
// (Rank and ChooseTechnician), to show the host still runs such plugins:
// in mode "ok" it reverses the sites and the technicians and tags each
// with its binding's tag; in mode "error" it fails.
package main

import (
	"context"
	"slices"

	"github.com/aftersales/aftersales/plugins/host/testdata/control"
	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
)

type rules struct{ control.Holder }

func (r *rules) fail() error {
	if r.Config().Mode() == "error" {
		return sdk.Unavailable("rules backend down")
	}
	return nil
}

func (r *rules) Rank(_ context.Context, req dr.RankRequest) (dr.RankResponse, error) {
	if err := r.fail(); err != nil {
		return dr.RankResponse{}, err
	}
	cs := slices.Clone(req.Candidates)
	slices.Reverse(cs)
	for k := range cs {
		cs[k].Reasons = append(cs[k].Reasons, "rules v1 "+r.Config().Tag)
	}
	return dr.RankResponse{Candidates: cs, Reasons: []string{"order " + req.Order.ID}}, nil
}

func (r *rules) ChooseTechnician(_ context.Context, req dr.TechnicianRequest) (dr.TechnicianResponse, error) {
	if err := r.fail(); err != nil {
		return dr.TechnicianResponse{}, err
	}
	ts := slices.Clone(req.Candidates)
	slices.Reverse(ts)
	for k := range ts {
		ts[k].Reasons = append(ts[k].Reasons, "rules v1 "+r.Config().Tag)
	}
	return dr.TechnicianResponse{Candidates: ts}, nil
}

func main() { dr.Serve(&rules{}) }
