package dispatch

import (
	"math"
	"strconv"
	"strings"

	"github.com/aftersales/aftersales/core/district"
)

// reasonWriter builds the reasons of a whole ranking into one string and
// one []string: a dense city centre has a few hundred covering sites with
// seven reasons each, and one allocation per reason was most of a
// decision's cost.
type reasonWriter struct {
	buf   []byte
	ends  []int        // where each reason ends in buf
	codes []ReasonCode // each reason's code
}

func (w *reasonWriter) s(s string) *reasonWriter { w.buf = append(w.buf, s...); return w }

// f writes v with prec decimals, or as few as needed when prec is -1.
func (w *reasonWriter) f(v float64, prec int) *reasonWriter {
	w.buf = appendFixed(w.buf, v, prec)
	return w
}

func (w *reasonWriter) i(v int) *reasonWriter {
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
	return w
}

var pow10 = [...]float64{1, 10, 100, 1000, 10000}

// appendFixed is strconv.AppendFloat(b, v, 'f', prec, 64) for the
// non-negative values of reasons, several times faster: it scales, rounds
// and prints an integer. It may differ from strconv in the last digit when
// v lies within rounding error of a tie, which does not matter in a reason.
func appendFixed(b []byte, v float64, prec int) []byte {
	if !(v >= 0 && v < 1e12) {
		return strconv.AppendFloat(b, v, 'f', prec, 64)
	}
	if prec < 0 {
		if v == math.Trunc(v) {
			return strconv.AppendUint(b, uint64(v), 10)
		}
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	if prec >= len(pow10) {
		return strconv.AppendFloat(b, v, 'f', prec, 64)
	}
	n := uint64(math.Round(v * pow10[prec]))
	scale := uint64(pow10[prec])
	b = strconv.AppendUint(b, n/scale, 10)
	if prec == 0 {
		return b
	}
	var digits [len(pow10)]byte
	frac := n % scale
	for i := prec - 1; i >= 0; i-- {
		digits[i], frac = byte('0'+frac%10), frac/10
	}
	return append(append(b, '.'), digits[:prec]...)
}

// end closes the reason being written, which followed code's template.
func (w *reasonWriter) end(code ReasonCode) {
	w.ends, w.codes = append(w.ends, len(w.buf)), append(w.codes, code)
}

// mark is the number of reasons written so far, to delimit a candidate's.
func (w *reasonWriter) mark() int { return len(w.ends) }

// finish returns every reason written and their codes; a candidate's are
// all[from:to:to] and codes[from:to:to], capped so that appending to them
// never writes into the next candidate's. codes is w's own: a writer used
// again must be given a copy.
func (w *reasonWriter) finish() (all []string, codes []ReasonCode) {
	s := string(w.buf)
	all = make([]string, len(w.ends))
	start := 0
	for k, e := range w.ends {
		all[k], start = s[start:e], e
	}
	return all, w.codes[:len(w.codes):len(w.codes)]
}

// explainSite writes the reasons of one assessed site, in the order a
// dispatcher checks them: coverage, the filters, then the scoring facts.
// Every filter a site fails is listed, not only the first.
func explainSite(w *reasonWriter, a *assessed, o Order) {
	s := a.site
	if a.outside {
		w.s("excluded: preferred by the order but does not cover the address").end(ReasonOutsideArea)
		return
	}
	switch {
	case a.by == coverDistrict:
		code := matchedDivision(s, o, false)
		w.s("covers address (district ").s(code).s(" ").s(divisionLabel(code)).s(", distance ").f(a.DistanceKm, 1).s(" km)").end(ReasonCoversDistrict)
	case a.by == coverDistrictSecondary:
		code := matchedDivision(s, o, true)
		w.s("covers address (district ").s(code).s(" ").s(divisionLabel(code)).s(", secondary, distance ").f(a.DistanceKm, 1).s(" km)").end(ReasonCoversDistrictSecondary)
	case s.poly != nil:
		w.s("covers address (polygon area, distance ").f(a.DistanceKm, 1).s(" km)").end(ReasonCoversPolygon)
	default:
		w.s("covers address (radius ").f(s.Area.RadiusKm, -1).s(" km, distance ").f(a.DistanceKm, 1).s(" km)").end(ReasonCoversRadius)
	}
	if !a.active {
		w.s("excluded: site is ").s(string(s.Status)).end(ReasonSiteInactive)
	}
	if a.authorised {
		w.s("authorised for line ").s(o.ProductLine).end(ReasonAuthorised)
	} else {
		w.s("excluded: not authorised for ").s(o.ProductLine).end(ReasonNotAuthorised)
	}
	if a.hasCapacity {
		w.s("capacity ").i(s.OpenToday).s("/").i(s.DailyCapacity).s(" used").end(ReasonCapacity)
	} else {
		w.s("excluded: at capacity (").i(s.OpenToday).s("/").i(s.DailyCapacity).s(" used)").end(ReasonAtCapacity)
	}
	if a.rejected {
		w.s("excluded: rejected earlier").end(ReasonRejectedEarlier)
	}
	if !a.Eligible {
		return
	}
	w.s("reputation ").f(s.Reputation, -1).s("/100").end(ReasonReputation)
	if s.LateRate != nil {
		w.s("late-arrival rate ").f(*s.LateRate*100, 0).s("%").end(ReasonLateRate)
	} else {
		w.s("late-arrival rate unknown (counted as 50%)").end(ReasonLateRateUnknown)
	}
	if len(s.Skills) > 0 {
		if miss := missing(o.Skills, s.Skills); len(miss) > 0 {
			w.s("site does not list skills ").s(strings.Join(miss, ", ")).s(" (technicians are checked next)").end(ReasonSiteSkillsMissing)
		}
	}
	if a.preferred {
		w.s("preferred by the order: ranked first").end(ReasonPreferred)
	}
	k := a.Components
	w.s("score ").f(a.Score, 3).s(" (distance ").f(k.Distance, 2).s(", load ").f(k.Load, 2).
		s(", reputation ").f(k.Reputation, 2).s(", on-time ").f(k.SLARisk, 2).s(")").end(ReasonSiteScore)
}

// divisionLabel names a division for the reasons (广西壮族自治区桂林市象山区);
// its code when the platform's table does not know it.
func divisionLabel(code string) string {
	if l := district.Default().Label(code); l != "" {
		return l
	}
	return code
}

// matchedDivision is the code of the site's coverage that covers the
// order's address, primary or secondary: the most precise of the address's
// district, its city and its province that the site lists.
func matchedDivision(s *indexedSite, o Order, secondary bool) string {
	for _, c := range divisionCodes(o.DistrictCode) {
		for _, d := range s.Districts {
			if d.Code == c && d.Secondary == secondary {
				return c
			}
		}
	}
	return o.DistrictCode
}
