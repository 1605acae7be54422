package district

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ref names a division in a parse result.
type Ref struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Candidate is one reading of an ambiguous address: a full chain.
type Candidate struct {
	Province Ref
	City     Ref
	District Ref
}

// Parsed is what Parse found in an address. When the text is ambiguous (a
// district name that exists in several cities and nothing says which),
// Province/City/District hold only what all readings share and Candidates
// lists the readings for a person to pick.
type Parsed struct {
	Province  Ref
	City      Ref
	District  Ref
	Remainder string // the street, building and room, without the divisions and noise
	// Confidence is 1 for a district found under its named city or
	// province, lower when it stood alone or was found by a short form, 0.5
	// with a city only, 0.3 with a province only, 0 when nothing matched.
	Confidence float64
	Candidates []Candidate
}

// Code is the most precise code found: the district's, else the city's,
// else the province's; "" when none.
func (p Parsed) Code() string {
	switch {
	case p.District.Code != "":
		return p.District.Code
	case p.City.Code != "":
		return p.City.Code
	}
	return p.Province.Code
}

// Ambiguous reports whether the parse needs a person to pick a candidate.
func (p Parsed) Ambiguous() bool { return len(p.Candidates) > 1 }

// MaxAddressBytes bounds what Parse reads; the rest is ignored.
const MaxAddressBytes = 1024

// Parse finds the province, city and district in a free-text address.
func (t *Table) Parse(text string) Parsed {
	if len(text) > MaxAddressBytes {
		text = text[:MaxAddressBytes]
	}
	s := normalise(text)
	var out Parsed
	var prov, city int = -1, -1
	var dists []int
	pos := 0
	// The first division may follow noise (a name, a label): start at the
	// first place where one begins.
	for pos < len(s) {
		if _, n := t.best(s, pos, -1, -1, true); n > 0 {
			break
		}
		_, w := utf8.DecodeRuneInString(s[pos:])
		pos += w
	}
	if pos >= len(s) {
		pos = 0
	}
	start := pos
	shortDistrict := false
	for step := 0; step < 4 && pos < len(s); step++ {
		within := city
		if within < 0 {
			within = prov
		}
		hits, n := t.best(s, pos, prov, within, city < 0 && prov < 0)
		if n == 0 {
			break
		}
		lvl := t.all[hits[0]].Level
		switch {
		case lvl == LevelProvince && prov < 0 && city < 0:
			prov = hits[0]
		case lvl == LevelCity && city < 0:
			hits = t.narrow(hits, prov)
			if len(hits) != 1 {
				break
			}
			city = hits[0]
			prov = t.byCode[t.all[city].Parent]
		case lvl == LevelCity && city >= 0 && t.all[hits[0]].Name == t.all[city].Name:
			// 北京市北京市…: the municipality's name said twice
		case lvl == LevelProvince && prov >= 0 && t.all[hits[0]].Code == t.all[prov].Code:
		case lvl == LevelDistrict && len(dists) == 0:
			dists = hits
			shortDistrict = s[pos:pos+n] != t.all[hits[0]].Name
		default:
			n = 0
		}
		if n == 0 {
			break
		}
		pos += n
		if len(dists) > 0 {
			break
		}
	}
	_ = start
	if prov >= 0 && city < 0 {
		// A municipality: its only city is implied.
		if ch := t.children[t.all[prov].Code]; len(ch) == 1 && t.all[ch[0]].Name == t.all[prov].Name {
			city = ch[0]
		}
	}
	out.Remainder = strings.TrimLeftFunc(s[pos:], func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	switch {
	case len(dists) == 1:
		out.setChain(t, dists[0])
		out.Confidence = 1
		if city < 0 && prov < 0 {
			out.Confidence = 0.9
		}
		if shortDistrict {
			out.Confidence -= 0.05
		}
	case len(dists) > 1:
		for _, d := range dists {
			var c Parsed
			c.setChain(t, d)
			out.Candidates = append(out.Candidates, Candidate{c.Province, c.City, c.District})
		}
		if prov >= 0 {
			out.Province = ref(t.all[prov])
		}
		out.Confidence = 0.4
	case city >= 0:
		out.setChain(t, city)
		out.Confidence = 0.5
	case prov >= 0:
		out.Province = ref(t.all[prov])
		out.Confidence = 0.3
	default:
		out.Remainder = s
	}
	return out
}

func ref(d Division) Ref { return Ref{Code: d.Code, Name: d.Name} }

func (p *Parsed) setChain(t *Table, i int) {
	pv, c, d := t.Chain(t.all[i].Code)
	p.Province = ref(pv)
	if !c.Pseudo {
		p.City = ref(c)
	}
	if d.Code != "" {
		p.District = ref(d)
	}
}

// narrow keeps the divisions within prov (all when prov < 0).
func (t *Table) narrow(hits []int, prov int) []int {
	if prov < 0 {
		return hits
	}
	var out []int
	for _, h := range hits {
		if t.isWithin(h, t.all[prov].Code) {
			out = append(out, h)
		}
	}
	return out
}

// best returns the divisions named by the longest name that starts at pos
// and its length in bytes. prov and within (indexes, or -1) restrict the
// cities and districts; first is true at the start of the address, where a
// district counts only by its full name (a short form alone, 中山 or 南山,
// is as often a street as a district). At equal length a province wins
// over a city and a city over a district.
func (t *Table) best(s string, pos, prov, within int, first bool) ([]int, int) {
	end := min(len(s), pos+t.maxName)
	for j := end; j > pos; j-- {
		if j < len(s) && !utf8.RuneStart(s[j]) {
			continue
		}
		name := s[pos:j]
		if j-pos < 6 { // one CJK character (or a few ASCII bytes) names nothing
			break
		}
		if hits := t.names[LevelProvince][name]; len(hits) > 0 && prov < 0 {
			return hits, j - pos
		}
		if hits := t.narrow(t.names[LevelCity][name], prov); len(hits) > 0 && (within < 0 || t.all[within].Level == LevelProvince) {
			return hits, j - pos
		}
		hits := t.names[LevelDistrict][name]
		if len(hits) == 0 || (first && name != t.all[hits[0]].Name) {
			continue
		}
		if within >= 0 {
			var in []int
			for _, h := range hits {
				if t.isWithin(h, t.all[within].Code) {
					in = append(in, h)
				}
			}
			hits = in
		}
		if len(hits) > 0 {
			return hits, j - pos
		}
	}
	return nil, 0
}

// normalise folds full-width forms to ASCII, drops spaces, and removes
// phone numbers and postcodes (runs of six or more digits, dashes allowed)
// with the labels that introduce them.
func normalise(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if unicode.IsSpace(r) || r == utf8.RuneError || unicode.IsControl(r) {
			continue
		}
		b.WriteRune(r)
	}
	s := b.String()
	for _, label := range []string{"邮编", "邮政编码", "电话", "手机", "联系电话", "Tel", "tel", "TEL"} {
		s = strings.ReplaceAll(s, label+":", "")
		s = strings.ReplaceAll(s, label, "")
	}
	return dropLongNumbers(s)
}

func dropLongNumbers(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			if s[i] == '+' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				j, digits := scanNumber(s, i+1)
				if digits >= 6 {
					i = j
					continue
				}
			}
			b.WriteByte(s[i])
			i++
			continue
		}
		j, digits := scanNumber(s, i)
		if digits < 6 {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// scanNumber reads digits and inner dashes from i; it returns where the run
// ends and how many digits it holds.
func scanNumber(s string, i int) (int, int) {
	digits := 0
	for i < len(s) {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			digits++
		case s[i] == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && digits > 0:
		default:
			return i, digits
		}
		i++
	}
	return i, digits
}
