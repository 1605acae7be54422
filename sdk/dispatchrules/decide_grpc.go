package dispatchrules

import (
	"context"
	"encoding/json"
	"maps"
	"slices"

	"google.golang.org/grpc"

	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
	pbv2 "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v2"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

// decideServer serves protocol v2.
type decideServer struct {
	pbv2.UnimplementedDispatchRulesServer
	impl Decider
}

func (s *decideServer) Configure(ctx context.Context, r *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	return &pb.ConfigureResponse{}, s.impl.Configure(ctx, json.RawMessage(r.ConfigJson))
}

func (s *decideServer) Decide(ctx context.Context, r *pbv2.DecideRequest) (*pbv2.DecideResponse, error) {
	d := Decision{Order: orderFrom(r.Order), Sites: mapSlice(r.Sites, candidateFrom)}
	if len(r.Technicians) > 0 {
		d.Technicians = make(map[string][]TechCandidate, len(r.Technicians))
		for _, st := range r.Technicians {
			d.Technicians[st.SiteId] = mapSlice(st.Candidates, techFrom)
		}
	}
	sentSites := sentReasons(d.Sites, siteID, candidateReasons)
	sentTechs := make(map[string]map[string][]string, len(d.Technicians))
	for site, ts := range d.Technicians {
		sentTechs[site] = sentReasons(ts, techID, techReasons)
	}
	a, err := s.impl.Decide(ctx, d)
	if err != nil {
		return nil, err
	}
	res := &pbv2.DecideResponse{
		Sites:    rankedAll(a.Sites, rankedSite, sentSites),
		Excluded: mapSlice(a.Excluded, exclusionTo),
		Reasons:  a.Reasons,
	}
	if site, ok := dispatchedTo(d, a); ok {
		if t, answered := a.Technicians[site]; answered {
			res.Technicians = []*pbv2.TechnicianAnswer{{SiteId: site,
				Candidates: rankedAll(t.Candidates, rankedTech, sentTechs[site]),
				Excluded:   mapSlice(t.Excluded, exclusionTo), Reasons: t.Reasons}}
		}
	}
	return res, nil
}

// dispatchedTo is the site whose technicians the platform takes from a
// (the first site kept, or the one site of a decision without sites), when
// its technicians were in d: the only technician answer that travels back.
func dispatchedTo(d Decision, a Answer) (string, bool) {
	var site string
	switch {
	case len(d.Sites) > 0 && len(a.Sites) > 0:
		site = a.Sites[0].SiteID
	case len(d.Sites) == 0 && len(d.Technicians) == 1:
		for k := range d.Technicians {
			site = k
		}
	default:
		return "", false
	}
	_, sent := d.Technicians[site]
	return site, sent
}

// decideClient is the host's typed client for protocol v2: a Decider, and
// a Plugin whose Rank and ChooseTechnician are Decide calls.
type decideClient struct {
	decidePlugin
	c pbv2.DispatchRulesClient
}

func newDecideClient(cc *grpc.ClientConn) *decideClient {
	c := &decideClient{c: pbv2.NewDispatchRulesClient(cc)}
	c.decidePlugin = decidePlugin{c}
	return c
}

func (c *decideClient) Configure(ctx context.Context, config json.RawMessage) error {
	_, err := c.c.Configure(ctx, &pb.ConfigureRequest{ConfigJson: config})
	return wire.FromStatus(ctx, "Configure", err)
}

func (c *decideClient) Decide(ctx context.Context, d Decision) (Answer, error) {
	req := &pbv2.DecideRequest{Order: orderTo(d.Order), Sites: candidatesTo(d.Sites)}
	for _, site := range slices.Sorted(maps.Keys(d.Technicians)) {
		req.Technicians = append(req.Technicians, &pbv2.SiteTechnicians{SiteId: site,
			Candidates: techniciansTo(d.Technicians[site])})
	}
	r, err := c.c.Decide(ctx, req)
	if err != nil {
		return Answer{}, wire.FromStatus(ctx, "Decide", err)
	}
	a := Answer{
		Sites:    rankedFrom(r.Sites, d.Sites, siteID, candidateReasons, withRanked),
		Excluded: mapSlice(r.Excluded, exclusionFrom),
		Reasons:  r.Reasons,
	}
	if len(r.Technicians) > 0 {
		a.Technicians = make(map[string]TechnicianResponse, len(r.Technicians))
		for _, t := range r.Technicians {
			a.Technicians[t.SiteId] = TechnicianResponse{
				Candidates: rankedFrom(t.Candidates, d.Technicians[t.SiteId], techID, techReasons, withRankedTech),
				Excluded:   mapSlice(t.Excluded, exclusionFrom),
				Reasons:    t.Reasons,
			}
		}
	}
	return a, nil
}
