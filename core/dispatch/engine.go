package dispatch

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// Decide ranks the sites that can take o, chooses the best, and at that site
// ranks the technicians and, when the site lets the platform assign,
// chooses one. It examines only the sites indexed in the address's grid
// cell. ctx bounds the tenant Rules only; the built-in ranking does no I/O.
// Errors wrap ErrInvalid and concern the input alone: o's location or time,
// the weights. Having no candidate is not an error: Chosen is nil and
// NoCandidateReason says why.
func (e Engine) Decide(ctx context.Context, n *Network, o Order) (Decision, error) {
	w, err := e.Weights.normalised()
	if err != nil {
		return Decision{}, err
	}
	if err := o.validate(); err != nil {
		return Decision{}, err
	}
	return e.decide(ctx, n, o, w, n.near(o), true), nil
}

// siteCounts tallies the covering sites by how far they got through the
// filters, to say why there is no candidate.
type siteCounts struct {
	examined, covering, active, authorised, capacity, eligible int
}

// assessed is a site under consideration: its candidate entry and the facts
// its reasons are written from.
type assessed struct {
	Candidate
	site                                      *indexedSite
	active, authorised, hasCapacity, rejected bool
	preferred                                 bool // the order's preferred site
	outside                                   bool // the preferred site, not covering the address
	by                                        coverage
}

// scratch is a decision's working memory, pooled: a dense city centre has
// hundreds of covering sites, and allocating their working copies for every
// decision made the garbage collector a large share of its cost.
type scratch struct {
	list       []assessed
	elig, excl []int32 // positions in list, sorted instead of the larger values
	marks      []int
	w          reasonWriter
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// decide ranks the sites listed in near. Decide passes the address's grid
// cell; the brute-force reference passes every site with fast false. Both
// must agree exactly, which the tests check.
func (e Engine) decide(ctx context.Context, n *Network, o Order, w Weights, near []int32, fast bool) Decision {
	sc := scratchPool.Get().(*scratch)
	defer func() {
		clear(sc.list) // drop the pointers into the network
		sc.list, sc.elig, sc.excl, sc.marks = sc.list[:0], sc.elig[:0], sc.excl[:0], sc.marks[:0]
		sc.w.buf, sc.w.ends, sc.w.codes = sc.w.buf[:0], sc.w.ends[:0], sc.w.codes[:0]
		scratchPool.Put(sc)
	}()
	dec := Decision{Engine: EngineVersion, LocationApproximate: o.LocationApproximate}
	cnt := siteCounts{examined: len(near)}
	reach, preferredCovers := 0.0, false
	for _, i := range near {
		d, by := n.covers(i, o, fast)
		if by == coverNone {
			continue
		}
		s := &n.sites[i]
		cnt.covering++
		reach = max(reach, s.reach, d)
		sc.list = append(sc.list, assessSite(s, o, d, &cnt))
		a := &sc.list[len(sc.list)-1]
		a.by = by
		preferredCovers = preferredCovers || a.preferred
		if a.Eligible {
			sc.elig = append(sc.elig, int32(len(sc.list)-1))
		} else {
			sc.excl = append(sc.excl, int32(len(sc.list)-1))
		}
	}
	for _, k := range sc.elig {
		a := &sc.list[k]
		a.Components.Distance = 1
		if reach > 0 {
			a.Components.Distance = max(0, 1-a.DistanceKm/reach)
		}
		a.Score = w.Distance*a.Components.Distance + w.Load*a.Components.Load +
			w.Reputation*a.Components.Reputation + w.SLARisk*a.Components.SLARisk
	}
	if p := o.PreferredSiteID; p != nil && !preferredCovers {
		if i, ok := n.byID[*p]; ok {
			s := &n.sites[i]
			sc.list = append(sc.list, assessed{site: s, outside: true,
				Candidate: Candidate{SiteID: s.ID, Kind: s.Kind, DistanceKm: DistanceKm(s.Location, o.Location)}})
			sc.excl = append(sc.excl, int32(len(sc.list)-1))
		}
	}
	list := sc.list
	slices.SortFunc(sc.elig, func(i, j int32) int {
		a, b := &list[i], &list[j]
		if a.preferred != b.preferred {
			return boolFirst(a.preferred)
		}
		if sa, sb := a.by == coverDistrictSecondary, b.by == coverDistrictSecondary; sa != sb {
			return boolFirst(sb)
		}
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.DistanceKm, b.DistanceKm), compareIDs(a.SiteID, b.SiteID))
	})
	slices.SortFunc(sc.excl, func(i, j int32) int {
		a, b := &list[i], &list[j]
		return cmp.Or(cmp.Compare(a.DistanceKm, b.DistanceKm), compareIDs(a.SiteID, b.SiteID))
	})
	ranking := sc.explainSites(o)

	top, dropped := ranking[:len(sc.elig)], []Candidate(nil)
	var ahead *techsAhead // technicians ranked before the site choice, for rules that take them with the sites
	if e.Rules != nil && len(top) > 0 {
		var fallback string
		if rt, ok := e.Rules.(RulesWithTechnicians); ok {
			ahead = rankTechniciansAhead(n, o, top)
			top, dropped, fallback = rerankSitesWithTechnicians(ctx, rt, o, top, ahead)
		} else {
			top, dropped, fallback = rerankSites(ctx, e.Rules, o, top)
		}
		if fallback != "" {
			dec.Fallback = fallback
		} else {
			dec.Engine = EngineVersion + "+rules"
		}
		top, dropped = relay(ranking, top, dropped) // the ineligible rest stays behind them
	}
	dec.Ranking = ranking
	dec.Summary = strconv.Itoa(cnt.examined) + " sites near the address examined, " + strconv.Itoa(cnt.covering) +
		" cover it, " + strconv.Itoa(cnt.eligible) + " eligible"
	if len(top) == 0 {
		dec.NoCandidateReason = noCandidateReason(cnt, o, len(dropped) > 0)
		return dec
	}
	chosen := top[0].SiteID
	dec.Chosen = &chosen
	si := n.byID[chosen]
	dec.Technician = e.chooseTechnician(ctx, n, si, o, n.sites[si].AutoAssign, ahead)
	return dec
}

// explainSites writes the reasons of every assessed site and returns the
// ranking: the eligible sites, then the excluded ones, in sorted order.
func (sc *scratch) explainSites(o Order) []Candidate {
	ranking := make([]Candidate, 0, len(sc.elig)+len(sc.excl))
	for _, order := range [2][]int32{sc.elig, sc.excl} {
		for _, k := range order {
			explainSite(&sc.w, &sc.list[k], o)
			ranking = append(ranking, sc.list[k].Candidate)
			sc.marks = append(sc.marks, sc.w.mark())
		}
	}
	all, codes := sc.w.finish()
	codes = slices.Clone(codes) // sc.w's are written again by the next decision
	from := 0
	for i, to := range sc.marks {
		ranking[i].Reasons, ranking[i].Codes, from = all[from:to:to], codes[from:to:to], to
	}
	return ranking
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func boolFirst(a bool) int {
	if a {
		return -1
	}
	return 1
}

// assessSite checks the hard filters of a covering site and, for an
// eligible one, computes every component but Distance (which needs all the
// covering sites).
func assessSite(s *indexedSite, o Order, d float64, cnt *siteCounts) assessed {
	a := assessed{site: s, Candidate: Candidate{SiteID: s.ID, Kind: s.Kind, DistanceKm: d}}
	a.active = s.Status == SiteActive
	a.authorised = slices.Contains(s.AuthorizedLines, o.ProductLine)
	a.hasCapacity = s.OpenToday < s.DailyCapacity
	a.rejected = o.excludes(s.ID)
	a.preferred = o.PreferredSiteID != nil && *o.PreferredSiteID == s.ID
	// The counts nest: each counts the sites that passed every filter before.
	cnt.active += b2i(a.active)
	cnt.authorised += b2i(a.active && a.authorised)
	cnt.capacity += b2i(a.active && a.authorised && a.hasCapacity)
	a.Eligible = a.active && a.authorised && a.hasCapacity && !a.rejected
	cnt.eligible += b2i(a.Eligible)
	if !a.Eligible {
		return a
	}
	a.Components.Load = 1 - float64(s.OpenToday)/float64(s.DailyCapacity)
	a.Components.Reputation = s.Reputation / 100
	a.Components.SLARisk = 0.5
	if s.LateRate != nil {
		a.Components.SLARisk = 1 - *s.LateRate
	}
	return a
}

func noCandidateReason(cnt siteCounts, o Order, rulesDroppedAll bool) string {
	switch {
	case cnt.covering == 0:
		return "no active site covers the address"
	case cnt.active == 0:
		return fmt.Sprintf("no active site covers the address (%d covering sites are suspended or closed)", cnt.covering)
	case cnt.authorised == 0:
		return "sites cover the address but none is authorised for " + o.ProductLine
	case cnt.capacity == 0:
		return "all covering sites authorised for " + o.ProductLine + " are at capacity"
	case cnt.eligible == 0:
		return "every covering site that could take the order has rejected it earlier"
	case rulesDroppedAll:
		return "tenant rules rejected every candidate"
	}
	return "no candidate"
}

// missing returns the required skills that have is without, in order.
func missing(required, have []string) []string {
	var out []string
	for _, r := range required {
		if !slices.Contains(have, r) {
			out = append(out, r)
		}
	}
	return out
}
