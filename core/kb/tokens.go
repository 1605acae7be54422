package kb

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The search technique (measured in BENCHMARKS.md, "kb search"): Chinese
// has no spaces and PostgreSQL's parsers cannot segment it, and pg_trgm
// ignores Han characters outside a UTF-8 ctype locale, which the embedded
// default does not promise. So the Go side turns every article into the
// terms a query can name and stores them as a tsvector of the 'simple'
// kind, written literally (no parser runs on it), under a GIN index:
//
//   - each Han character and each pair of neighbours (空, 空调): a Chinese
//     query of any length is its characters, ranked by its pairs, so
//     空调不制冷 finds 空调 … 不 … 制冷;
//   - in the title and tags only, each character's pinyin syllables and
//     each pair of them (kong, kongtiao), and runs of two and three
//     initials (~kt, ~ktb) for pinyin-initial queries (首拼): a query in
//     pinyin names what an article is about, and keeping these out of the
//     body keeps the vectors, and ranking them, small;
//   - each Latin or digit word, lowercased (e1, kfr).
//
// Weights: title A, tags B, body D. Typos in Latin input are corrected
// against the tenant's vocabulary of Latin terms with pg_trgm (a trusted
// extension, in Debian's postgresql and every managed PostgreSQL).

const (
	initialMark = "~" // initials: never a word or a syllable
	maxPosition = 16383
)

// Weights of the parts of an article in its search vector.
const (
	WeightTitle = 'A'
	WeightTags  = 'B'
	WeightBody  = 'D'
)

// Terms collects the search terms of a document with their positions.
type Terms struct {
	pos   int
	terms map[string][]string // term → "12A"
}

// NewTerms returns an empty collection.
func NewTerms() *Terms { return &Terms{terms: map[string][]string{}} }

func (t *Terms) add(term string, weight byte) {
	if len(t.terms[term]) >= 64 { // enough for ranking; a tsvector keeps at most 256
		return
	}
	p := min(t.pos, maxPosition)
	t.terms[term] = append(t.terms[term], strconv.Itoa(p)+string(weight))
}

// Add adds text's terms with weight; pinyin adds the pinyin and initial
// terms of its Han characters too.
func (t *Terms) Add(text string, weight byte, pinyin bool) {
	for _, run := range splitRuns(text) {
		t.pos++
		if !run.han {
			t.add(run.text, weight)
			continue
		}
		chars := []rune(run.text)
		var prev []string
		var inits [][]string
		for i, r := range chars {
			t.pos++
			t.add(string(r), weight)
			if i > 0 {
				t.add(string(chars[i-1:i+1]), weight)
			}
			if !pinyin {
				continue
			}
			rs := readings(r)
			ini := initialsOf(rs)
			for _, s := range rs {
				t.add(s, weight)
				for _, p := range prev {
					t.add(p+s, weight)
				}
			}
			inits = append(inits, ini)
			if n := len(inits); n >= 2 {
				for _, g := range combine(inits[n-2:]) {
					t.add(initialMark+g, weight)
				}
			}
			if n := len(inits); n >= 3 {
				for _, g := range combine(inits[n-3:]) {
					t.add(initialMark+g, weight)
				}
			}
			prev = rs
		}
	}
}

// Set returns the terms, for the in-memory fake's matching.
func (t *Terms) Set() map[string]bool {
	out := make(map[string]bool, len(t.terms))
	for k := range t.terms {
		out[k] = true
	}
	return out
}

// Latin returns the Latin terms (words, syllables and pairs of them):
// the vocabulary typos are corrected against.
func (t *Terms) Latin() []string {
	var out []string
	for k := range t.terms {
		if len(k) >= 2 && (k[0] >= 'a' && k[0] <= 'z' || k[0] == initialMark[0]) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Vector returns the terms as a tsvector literal. Terms are Han
// characters, lowercase letters, digits and the initials mark only, so
// none needs escaping.
func (t *Terms) Vector() string {
	keys := make([]string, 0, len(t.terms))
	for k := range t.terms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(strings.Join(t.terms[k], ","))
	}
	return b.String()
}

func initialsOf(readings []string) []string {
	var out []string
	for _, r := range readings {
		if i := r[:1]; !contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// combine returns every string made of one choice from each of sets.
func combine(sets [][]string) []string {
	out := []string{""}
	for _, set := range sets {
		var next []string
		for _, prefix := range out {
			for _, s := range set {
				next = append(next, prefix+s)
			}
		}
		out = next
	}
	if len(out) == 1 && out[0] == "" {
		return nil
	}
	return out
}

// run is a stretch of Han characters, or a lowercased Latin/digit word.
type run struct {
	text string
	han  bool
}

// splitRuns splits text into runs of Han characters and words of ASCII
// letters and digits; everything else separates them.
func splitRuns(text string) []run {
	var out []run
	var cur []rune
	curHan := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, run{text: string(cur), han: curHan})
		}
		cur = cur[:0]
	}
	for _, r := range strings.ToLower(text) {
		han := unicode.Is(unicode.Han, r)
		latin := r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
		switch {
		case han || latin:
			if len(cur) > 0 && han != curHan {
				flush()
			}
			curHan = han
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// Score is a plain relevance of a document with these terms for q: each
// of q's terms present counts by where it occurs (title 1, tags 0.5, body
// 0.1) and how often (up to 4). The in-memory fake ranks with it;
// PostgreSQL's ts_rank is of the same shape.
func (t *Terms) Score(q *Query) float64 {
	var s float64
	for _, term := range q.Terms() {
		best, n := 0.0, 0
		for _, p := range t.terms[term] {
			w := map[byte]float64{WeightTitle: 1, WeightTags: 0.5, WeightBody: 0.1}[p[len(p)-1]]
			best, n = max(best, w), n+1
		}
		s += best * float64(min(n, 4))
	}
	return s
}
