// Command example is a complete dispatch-rules plugin with one rule: sites
// farther than max_km from the customer are dropped, and technicians
// tagged "senior" go first for orders of the configured service types. The
// platform's reference plugin plugins/dispatch-rules has the rules
// manufacturers really set.
//
// Configuration: {"max_km": 50, "senior_for": ["installation"]}
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/aftersales/aftersales/sdk"
	dr "github.com/aftersales/aftersales/sdk/dispatchrules"
)

type config struct {
	MaxKm     float64  `json:"max_km"`
	SeniorFor []string `json:"senior_for"`
}

type plugin struct{ cfg atomic.Pointer[config] }

func (p *plugin) Configure(_ context.Context, raw json.RawMessage) error {
	var c config
	if err := json.Unmarshal(raw, &c); err != nil {
		return sdk.BadRequest("configuration: %v", err)
	}
	if c.MaxKm <= 0 {
		return sdk.BadRequest("configuration: max_km must be positive")
	}
	p.cfg.Store(&c)
	return nil
}

func (p *plugin) Rank(_ context.Context, req dr.RankRequest) (dr.RankResponse, error) {
	var res dr.RankResponse
	limit := p.cfg.Load().MaxKm
	for _, c := range req.Candidates { // keep the platform's order
		if c.DistanceKm > limit {
			res.Excluded = append(res.Excluded, dr.Exclusion{ID: c.SiteID,
				Reason: fmt.Sprintf("%.1f km away, farther than the %.0f km limit", c.DistanceKm, limit)})
			continue
		}
		res.Candidates = append(res.Candidates, c)
	}
	return res, nil
}

func (p *plugin) ChooseTechnician(_ context.Context, req dr.TechnicianRequest) (dr.TechnicianResponse, error) {
	res := dr.TechnicianResponse{Candidates: slices.Clone(req.Candidates)}
	if !slices.Contains(p.cfg.Load().SeniorFor, req.Order.ServiceType) {
		return res, nil
	}
	// Stable: seniors first, otherwise the platform's order.
	slices.SortStableFunc(res.Candidates, func(a, b dr.TechCandidate) int {
		return senior(b) - senior(a)
	})
	for i, t := range res.Candidates {
		if senior(t) == 1 {
			res.Candidates[i].Reasons = append(t.Reasons, "senior technician for "+req.Order.ServiceType)
		}
	}
	return res, nil
}

func senior(t dr.TechCandidate) int {
	if slices.Contains(t.Tags, "senior") {
		return 1
	}
	return 0
}

func main() { dr.Serve(&plugin{}) }
