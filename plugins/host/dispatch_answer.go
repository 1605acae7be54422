package host

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
)

// Bounds on what a rules answer may add: reasons are stored with every
// decision and shown to dispatchers.
const (
	maxAddedReasons = 16
	maxReasonRunes  = 300
)

// The conversions below share the slices of their input: the engine hands
// the rules copies, and the facts are the caller's for this call only.

func rulesOrder(o dispatch.Order, f *core.DispatchFacts) dispatchrules.Order {
	r := dispatchrules.Order{ID: o.ID.String(), ProductLine: o.ProductLine, ProductModel: f.ProductModel,
		UnitSerial: f.UnitSerial, ServiceType: o.ServiceType, Skills: o.Skills,
		CustomerVIP: f.CustomerVIP, CustomerTags: f.CustomerTags,
		Location:  dispatchrules.Point{Lat: o.Location.Lat, Lon: o.Location.Lon},
		CreatedAt: f.CreatedAt, At: o.At, TimeZone: f.TimeZone}
	if f.SellingDealerSiteID != nil {
		r.SellingDealerSiteID = f.SellingDealerSiteID.String()
	}
	if o.PreferredSiteID != nil {
		r.PreferredSiteID = o.PreferredSiteID.String()
	}
	return r
}

func rulesCandidate(c dispatch.Candidate, f core.DispatchSiteFacts) dispatchrules.Candidate {
	return dispatchrules.Candidate{SiteID: c.SiteID.String(), Name: f.Name, Kind: dispatchrules.SiteKind(c.Kind),
		DistanceKm: c.DistanceKm, Score: c.Score, Components: dispatchrules.Components(c.Components),
		Opening: openings(f.WorkingHours), Tags: f.Tags}
}

func rulesTechnicians(cs []dispatch.TechCandidate, f *core.DispatchFacts) []dispatchrules.TechCandidate {
	out := make([]dispatchrules.TechCandidate, len(cs))
	for k, c := range cs {
		out[k] = rulesTechnician(c, f.Technicians[c.TechnicianID])
	}
	return out
}

func rulesTechnician(c dispatch.TechCandidate, f core.DispatchTechnicianFacts) dispatchrules.TechCandidate {
	return dispatchrules.TechCandidate{TechnicianID: c.TechnicianID.String(), Name: f.Name,
		Status: dispatchrules.TechStatus(c.Status), Skills: f.Skills, Tags: f.Tags,
		DistanceKm: c.DistanceKm, LocationFrom: c.LocationFrom, Score: c.Score,
		Components: dispatchrules.TechComponents(c.Components)}
}

// openings turns the platform's {"mon": ["08:30-12:00"]} into the SDK's
// weekday periods, in weekday order.
func openings(w core.WorkingHours) []dispatchrules.Opening {
	var out []dispatchrules.Opening
	for k, day := range core.Weekdays {
		for _, span := range w[day] {
			from, to, ok := strings.Cut(span, "-")
			if ok {
				out = append(out, dispatchrules.Opening{Day: time.Weekday((k + 1) % 7), From: from, To: to})
			}
		}
	}
	return out
}

// answered is one candidate of a rules answer, as the validation sees it.
type answered struct {
	id      string
	score   float64
	reasons []string
}

// matchAnswer validates a rules answer against the candidates given (own)
// and returns, for each kept candidate in the rules' order, its position
// in own and the reasons the rules added, and for each excluded one its
// position. An ID that was not a candidate, a candidate named twice (kept
// or excluded), a score that is not a finite number, or reasons past the
// bounds make the whole answer invalid.
func matchAnswer(own []uuid.UUID, got []answered, excluded []dispatchrules.Exclusion, ownReasons func(int) []string) (pos []int, added [][]string, xpos []int, err error) {
	// Answers mostly keep the candidates' order: a candidate is looked for
	// at its own position first, through a map only when it is not there.
	var at map[uuid.UUID]int
	lookup := func(id uuid.UUID) (int, bool) {
		if at == nil {
			at = make(map[uuid.UUID]int, len(own))
			for k, id := range own {
				at[id] = k
			}
		}
		k, ok := at[id]
		return k, ok
	}
	find := func(i int, id uuid.UUID) (int, bool) {
		for _, k := range [...]int{i, i - 1, i + 1} { // kept in place, or one dropped or moved up before it
			if k >= 0 && k < len(own) && own[k] == id {
				return k, true
			}
		}
		return lookup(id)
	}
	used := make([]bool, len(own))
	for i, g := range got {
		id, perr := uuid.Parse(g.id)
		k, ok := find(i, id)
		switch {
		case perr != nil || !ok:
			return nil, nil, nil, invalidAnswer("%q was not a candidate", clip(g.id))
		case used[k]:
			return nil, nil, nil, invalidAnswer("%s answered twice", id)
		case math.IsNaN(g.score) || math.IsInf(g.score, 0):
			return nil, nil, nil, invalidAnswer("score of %s is %v", id, g.score)
		}
		used[k] = true
		add := g.reasons
		if mine := ownReasons(k); len(add) >= len(mine) && slices.Equal(add[:len(mine)], mine) {
			add = add[len(mine):]
		}
		if err := checkReasons(add); err != nil {
			return nil, nil, nil, err
		}
		pos, added = append(pos, k), append(added, add)
	}
	for _, x := range excluded {
		id, perr := uuid.Parse(x.ID)
		k, ok := lookup(id)
		if perr != nil || !ok || used[k] {
			return nil, nil, nil, invalidAnswer("excluded %q was not a candidate or was named twice", clip(x.ID))
		}
		if x.Reason != "" {
			if err := checkReasons([]string{x.Reason}); err != nil {
				return nil, nil, nil, err
			}
		}
		used[k], xpos = true, append(xpos, k)
	}
	return pos, added, xpos, nil
}

func checkReasons(rs []string) error {
	if len(rs) > maxAddedReasons {
		return invalidAnswer("%d reasons, at most %d", len(rs), maxAddedReasons)
	}
	for _, r := range rs {
		if r == "" || !utf8.ValidString(r) || utf8.RuneCountInString(r) > maxReasonRunes {
			return invalidAnswer("a reason is empty, not UTF-8 or longer than %d characters", maxReasonRunes)
		}
	}
	return nil
}

// clip keeps an echoed plugin string short in errors and logs.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// ruleReasons prefixes the rules' decision-wide reasons so a dispatcher
// tells them from the engine's.
func ruleReasons(rs []string) ([]string, error) {
	if err := checkReasons(rs); err != nil {
		return nil, err
	}
	out := make([]string, len(rs))
	for k, r := range rs {
		out[k] = "tenant rules: " + r
	}
	return out, nil
}

// layAnswer turns a valid rules answer into the engine's candidates: the
// kept ones in the rules' order, each a copy of the engine's with the
// rules' score and, as its reasons, only those the rules added (the engine
// puts them after its own); then the excluded ones, not eligible, with the
// rules' reason for each. The decision-wide reasons go with the first kept
// candidate, the one chosen. fields gives a candidate's fields.
func layAnswer[T any](own []T, got []answered, excluded []dispatchrules.Exclusion, general []string,
	fields func(*T) dispatch.Ranked) ([]T, error) {
	ids := make([]uuid.UUID, len(own))
	for k := range own {
		ids[k] = fields(&own[k]).ID
	}
	pos, added, xpos, err := matchAnswer(ids, got, excluded, func(k int) []string { return *fields(&own[k]).Reasons })
	if err != nil {
		return nil, err
	}
	if general, err = ruleReasons(general); err != nil {
		return nil, err
	}
	out := make([]T, len(pos)+len(xpos))
	for n, k := range pos {
		out[n] = own[k]
		f := fields(&out[n])
		*f.Score, *f.Reasons = got[n].score, added[n]
		if n == 0 {
			*f.Reasons = slices.Concat(added[n], general)
		}
	}
	for n, k := range xpos {
		x := &out[len(pos)+n]
		*x = own[k]
		f := fields(x)
		*f.Eligible, *f.Reasons = false, nil
		if r := excluded[n].Reason; r != "" {
			*f.Reasons = []string{r}
		}
	}
	return out, nil
}

func keptSites(own []dispatch.Candidate, resp dispatchrules.RankResponse) ([]dispatch.Candidate, error) {
	got := make([]answered, len(resp.Candidates))
	for k, c := range resp.Candidates {
		got[k] = answered{c.SiteID, c.Score, c.Reasons}
	}
	return layAnswer(own, got, resp.Excluded, resp.Reasons, dispatch.SiteFields)
}

func keptTechnicians(own []dispatch.TechCandidate, resp dispatchrules.TechnicianResponse) ([]dispatch.TechCandidate, error) {
	got := make([]answered, len(resp.Candidates))
	for k, c := range resp.Candidates {
		got[k] = answered{c.TechnicianID, c.Score, c.Reasons}
	}
	return layAnswer(own, got, resp.Excluded, resp.Reasons, dispatch.TechFields)
}

// chosenTechnicians validates a Decide answer's technicians for the site
// the engine chooses, the first of the kept sites, when its technicians
// were sent (own): the engine uses no other site's. Left out of the
// answer, they keep the engine's order. An invalid answer leaves the site
// out of the result, so that the engine asks ChooseTechnician for it; that
// call then records the failure and falls back.
func chosenTechnicians(kept []dispatch.Candidate, own map[uuid.UUID][]dispatch.TechCandidate,
	answers map[string]dispatchrules.TechnicianResponse) map[uuid.UUID][]dispatch.TechCandidate {
	if len(kept) == 0 || !kept[0].Eligible {
		return nil
	}
	site := kept[0].SiteID
	ts, sent := own[site]
	if !sent {
		return nil
	}
	resp, ok := answers[site.String()]
	if !ok {
		return map[uuid.UUID][]dispatch.TechCandidate{site: ts}
	}
	out, err := keptTechnicians(ts, resp)
	if err != nil {
		return nil
	}
	return map[uuid.UUID][]dispatch.TechCandidate{site: out}
}
