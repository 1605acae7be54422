package dispatchrules

import (
	"slices"
	"time"

	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
	"github.com/aftersales/aftersales/sdk/internal/wire"
)

// Conversions between the plain structs and protocol v1's messages. Both
// sides use both directions (requests one way, responses the other).

func mapSlice[A, B any](in []A, f func(A) B) []B {
	if len(in) == 0 {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}

func orderTo(o Order) *pb.Order {
	return &pb.Order{
		Id: o.ID, ProductLine: o.ProductLine, ProductModel: o.ProductModel, UnitSerial: o.UnitSerial,
		ServiceType: o.ServiceType, Skills: o.Skills, SellingDealerSiteId: o.SellingDealerSiteID,
		PreferredSiteId: o.PreferredSiteID, CustomerVip: o.CustomerVIP, CustomerTags: o.CustomerTags,
		Lat: o.Location.Lat, Lon: o.Location.Lon, CreatedAtUnixNano: wire.UnixNano(o.CreatedAt),
		AtUnixNano: wire.UnixNano(o.At), TimeZone: o.TimeZone,
	}
}

func orderFrom(o *pb.Order) Order {
	if o == nil {
		return Order{}
	}
	return Order{
		ID: o.Id, ProductLine: o.ProductLine, ProductModel: o.ProductModel, UnitSerial: o.UnitSerial,
		ServiceType: o.ServiceType, Skills: o.Skills, SellingDealerSiteID: o.SellingDealerSiteId,
		PreferredSiteID: o.PreferredSiteId, CustomerVIP: o.CustomerVip, CustomerTags: o.CustomerTags,
		Location: Point{Lat: o.Lat, Lon: o.Lon}, CreatedAt: wire.Time(o.CreatedAtUnixNano),
		At: wire.Time(o.AtUnixNano), TimeZone: o.TimeZone,
	}
}

// candidatesTo encodes cs into one backing array: a decision has dozens.
func candidatesTo(cs []Candidate) []*pb.Candidate {
	if len(cs) == 0 {
		return nil
	}
	backing, out := make([]pb.Candidate, len(cs)), make([]*pb.Candidate, len(cs))
	for k, c := range cs {
		out[k] = &backing[k]
		candidateInto(out[k], c)
	}
	return out
}

func candidateInto(p *pb.Candidate, c Candidate) {
	*p = pb.Candidate{
		SiteId: c.SiteID, Name: c.Name, Kind: string(c.Kind), DistanceKm: c.DistanceKm, Score: c.Score,
		CDistance: c.Components.Distance, CLoad: c.Components.Load,
		CReputation: c.Components.Reputation, CSlaRisk: c.Components.SLARisk,
		Opening: mapSlice(c.Opening, openingTo), Tags: c.Tags, Reasons: c.Reasons,
	}
}

func candidateFrom(c *pb.Candidate) Candidate {
	return Candidate{
		SiteID: c.SiteId, Name: c.Name, Kind: SiteKind(c.Kind), DistanceKm: c.DistanceKm, Score: c.Score,
		Components: Components{Distance: c.CDistance, Load: c.CLoad, Reputation: c.CReputation, SLARisk: c.CSlaRisk},
		Opening:    mapSlice(c.Opening, openingFrom), Tags: c.Tags, Reasons: c.Reasons,
	}
}

func openingTo(o Opening) *pb.Opening {
	return &pb.Opening{Day: int32(o.Day), From: o.From, To: o.To}
}

func openingFrom(o *pb.Opening) Opening {
	return Opening{Day: time.Weekday(o.Day), From: o.From, To: o.To}
}

// techniciansTo encodes ts into one backing array, as candidatesTo.
func techniciansTo(ts []TechCandidate) []*pb.TechCandidate {
	if len(ts) == 0 {
		return nil
	}
	backing, out := make([]pb.TechCandidate, len(ts)), make([]*pb.TechCandidate, len(ts))
	for k, t := range ts {
		out[k] = &backing[k]
		techInto(out[k], t)
	}
	return out
}

func techInto(p *pb.TechCandidate, t TechCandidate) {
	*p = pb.TechCandidate{
		TechnicianId: t.TechnicianID, Name: t.Name, Status: string(t.Status), Skills: t.Skills, Tags: t.Tags,
		DistanceKm: t.DistanceKm, LocationFrom: t.LocationFrom, Score: t.Score,
		CSkills: t.Components.Skills, CDistance: t.Components.Distance, CWorkload: t.Components.Workload,
		Reasons: t.Reasons,
	}
}

func techFrom(t *pb.TechCandidate) TechCandidate {
	return TechCandidate{
		TechnicianID: t.TechnicianId, Name: t.Name, Status: TechStatus(t.Status), Skills: t.Skills, Tags: t.Tags,
		DistanceKm: t.DistanceKm, LocationFrom: t.LocationFrom, Score: t.Score,
		Components: TechComponents{Skills: t.CSkills, Distance: t.CDistance, Workload: t.CWorkload},
		Reasons:    t.Reasons,
	}
}

func exclusionTo(e Exclusion) *pb.Exclusion   { return &pb.Exclusion{Id: e.ID, Reason: e.Reason} }
func exclusionFrom(e *pb.Exclusion) Exclusion { return Exclusion{ID: e.Id, Reason: e.Reason} }

// rankedAll encodes the kept candidates of an answer, into one backing
// array (a decision has dozens). sent are the reasons the request gave
// each candidate, which need not travel back when kept as a prefix.
func rankedAll[C any](cs []C, fields func(*C) (id string, score float64, reasons []string), sent map[string][]string) []*pb.Ranked {
	if len(cs) == 0 {
		return nil
	}
	backing, out := make([]pb.Ranked, len(cs)), make([]*pb.Ranked, len(cs))
	for k := range cs {
		id, score, reasons := fields(&cs[k])
		out[k] = &backing[k]
		rankedInto(out[k], id, score, reasons, sent[id])
	}
	return out
}

func rankedInto(p *pb.Ranked, id string, score float64, reasons, sent []string) {
	rs, appended := added(reasons, sent)
	*p = pb.Ranked{Id: id, Score: score, Reasons: rs, Appended: appended}
}

// added returns the reasons of an answered candidate that travel back:
// those after the ones it was sent with when it kept them as a prefix
// (appended), else all of them.
func added(reasons, sent []string) (rs []string, appended bool) {
	if len(sent) > 0 && len(reasons) >= len(sent) && slices.Equal(reasons[:len(sent)], sent) {
		return reasons[len(sent):], true
	}
	return reasons, false
}

// sentReasons maps the request's candidate IDs to copies of their reasons
// (copies: a rule that rewrote one in place must not make it look kept),
// for the candidates that have any: the platform sends none.
func sentReasons[C any](cs []C, id func(C) string, reasons func(C) []string) map[string][]string {
	var m map[string][]string
	for _, c := range cs {
		if rs := reasons(c); len(rs) > 0 {
			if m == nil {
				m = make(map[string][]string)
			}
			m[id(c)] = slices.Clone(rs)
		}
	}
	return m
}

// rankedFrom rebuilds the answer's candidates from the request's: only ID,
// score and reasons cross back. An ID the request did not have comes back
// with nothing else set (the platform then rejects the answer). Answers
// mostly keep the request's order, so a candidate is looked for at its
// own position first, and through a map of the request's IDs only when it
// is not there.
func rankedFrom[C any](got []*pb.Ranked, sent []C, id func(C) string, reasons func(C) []string,
	set func(string, float64, []string, C) C) []C {
	if len(got) == 0 {
		return nil
	}
	var at map[string]int
	find := func(i int, want string) (int, bool) {
		for _, j := range [...]int{i, i - 1, i + 1} { // kept in place, or one dropped or moved up before it
			if j >= 0 && j < len(sent) && id(sent[j]) == want {
				return j, true
			}
		}
		if at == nil {
			at = make(map[string]int, len(sent))
			for j, c := range sent {
				at[id(c)] = j
			}
		}
		j, ok := at[want]
		return j, ok
	}
	out := make([]C, len(got))
	for i, r := range got {
		var c C
		rs := r.Reasons
		if j, ok := find(i, r.Id); ok {
			c = sent[j]
			if r.Appended {
				rs = append(slices.Clip(reasons(c)), r.Reasons...)
			}
		}
		out[i] = set(r.Id, r.Score, rs, c)
	}
	return out
}
