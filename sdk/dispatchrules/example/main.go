// Command example is a complete dispatch-rules plugin (protocol v2) with
// two rules: sites farther than max_km from the customer are dropped, and
// technicians tagged "senior" go first for orders of the configured
// service types. The platform's reference plugin plugins/dispatch-rules
// has the rules manufacturers really set.
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

// Decide ranks the sites, then the technicians of every site that came
// with them: the platform uses those of the site kept first.
func (p *plugin) Decide(_ context.Context, d dr.Decision) (dr.Answer, error) {
	c := p.cfg.Load()
	var a dr.Answer
	for _, s := range d.Sites { // keep the platform's order
		if s.DistanceKm > c.MaxKm {
			a.Excluded = append(a.Excluded, dr.Exclusion{ID: s.SiteID,
				Reason: fmt.Sprintf("%.1f km away, farther than the %.0f km limit", s.DistanceKm, c.MaxKm)})
			continue
		}
		a.Sites = append(a.Sites, s)
	}
	if !slices.Contains(c.SeniorFor, d.Order.ServiceType) {
		return a, nil // every site keeps the platform's technician order
	}
	a.Technicians = make(map[string]dr.TechnicianResponse, len(d.Technicians))
	for site, techs := range d.Technicians {
		a.Technicians[site] = seniorsFirst(techs, d.Order.ServiceType)
	}
	return a, nil
}

// seniorsFirst is stable: seniors first, otherwise the platform's order.
func seniorsFirst(techs []dr.TechCandidate, serviceType string) dr.TechnicianResponse {
	res := dr.TechnicianResponse{Candidates: slices.Clone(techs)}
	slices.SortStableFunc(res.Candidates, func(a, b dr.TechCandidate) int { return senior(b) - senior(a) })
	for i, t := range res.Candidates {
		if senior(t) == 1 {
			res.Candidates[i].Reasons = append(t.Reasons, "senior technician for "+serviceType)
		}
	}
	return res
}

func senior(t dr.TechCandidate) int {
	if slices.Contains(t.Tags, "senior") {
		return 1
	}
	return 0
}

func main() { dr.Serve(&plugin{}) }
