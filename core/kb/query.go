package kb

import (
	"strings"
)

// Query is a search query over the terms of tokens.go: a term, or all
// (And) or any (Or) of its parts.
type Query struct {
	Term string
	And  []*Query
	Or   []*Query
}

func term(t string) *Query { return &Query{Term: t} }

func and(qs ...*Query) *Query {
	qs = compact(qs)
	if len(qs) == 1 {
		return qs[0]
	}
	if len(qs) == 0 {
		return nil
	}
	return &Query{And: qs}
}

func or(qs ...*Query) *Query {
	qs = compact(qs)
	if len(qs) == 1 {
		return qs[0]
	}
	if len(qs) == 0 {
		return nil
	}
	return &Query{Or: qs}
}

func compact(qs []*Query) []*Query {
	out := qs[:0:0]
	for _, q := range qs {
		if q != nil {
			out = append(out, q)
		}
	}
	return out
}

// TSQuery returns q as a tsquery literal (terms need no escaping: see
// Terms.Vector).
func (q *Query) TSQuery() string {
	switch {
	case q == nil:
		return ""
	case q.Term != "":
		return q.Term
	}
	parts, op := q.And, " & "
	if q.Or != nil {
		parts, op = q.Or, " | "
	}
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = p.TSQuery()
	}
	return "(" + strings.Join(s, op) + ")"
}

// Matches tells whether a document with terms matches q (the in-memory
// fake's search).
func (q *Query) Matches(terms map[string]bool) bool {
	switch {
	case q == nil:
		return true
	case q.Term != "":
		return terms[q.Term]
	case q.Or != nil:
		for _, p := range q.Or {
			if p.Matches(terms) {
				return true
			}
		}
		return false
	}
	for _, p := range q.And {
		if !p.Matches(terms) {
			return false
		}
	}
	return true
}

// Terms returns every term q names.
func (q *Query) Terms() []string {
	if q == nil {
		return nil
	}
	if q.Term != "" {
		return []string{q.Term}
	}
	var out []string
	for _, p := range append(q.And, q.Or...) {
		out = append(out, p.Terms()...)
	}
	return out
}

// Parsed is a query as typed, read into what it may mean.
type Parsed struct {
	// Match is what an article must contain.
	Match *Query
	// Rank names the terms whose presence ranks a match higher: the pairs
	// of Chinese characters, besides Match's terms.
	Rank *Query
	// Highlight are the words to mark in snippets: Chinese text as typed
	// or by a synonym, Latin words, and the syllables and initials of
	// pinyin input (matched against the text's pinyin).
	Highlight Highlight
	// Latin are the Latin words of the query, for typo correction.
	Latin []string
}

// Highlight is what a snippet marks.
type Highlight struct {
	Han      []string   // Chinese words
	Words    []string   // Latin words
	Pinyin   [][]string // syllable sequences
	Initials []string   // initial sequences
}

// Vocabulary answers what the query parser needs from the tenant's data:
// its synonyms and, for typo correction, Latin terms near a word that the
// articles do not contain.
type Vocabulary struct {
	// Synonyms are groups of words that mean the same (冰箱, 电冰箱).
	Synonyms [][]string
	// Corrections maps a Latin word of the query to the known terms that
	// stand for it (absent: the word is known, or nothing is near).
	Corrections map[string][]string
}

// ParseQuery reads text into a query; nil Match when text names nothing.
func ParseQuery(text string, v Vocabulary) Parsed {
	var p Parsed
	var match, rank []*Query
	for _, r := range splitRuns(text) {
		var alts, ranks []*Query
		for _, alt := range synonymsOf(r, v.Synonyms) {
			if alt.han {
				m, rk := hanQuery(alt.text)
				alts, ranks = append(alts, m), append(ranks, rk)
				p.Highlight.Han = append(p.Highlight.Han, alt.text)
				continue
			}
			alts = append(alts, latinQuery(alt.text, &p.Highlight))
			p.Latin = append(p.Latin, alt.text)
			for _, c := range v.Corrections[alt.text] {
				alts = append(alts, correctionQuery(c, &p.Highlight))
			}
		}
		match, rank = append(match, or(alts...)), append(rank, ranks...)
	}
	p.Match = and(match...)
	p.Rank = or(append(rank, p.Match)...)
	return p
}

// synonymsOf returns r and the runs its synonyms make: a Chinese run with
// a group's word in it, with that word replaced by each other word of the
// group; a Latin word equal to a group's word, each other word.
func synonymsOf(r run, groups [][]string) []run {
	out := []run{r}
	for _, g := range groups {
		for _, w := range g {
			w = strings.ToLower(w)
			if w == "" || !strings.Contains(r.text, w) || (!r.han && r.text != w) {
				continue
			}
			for _, other := range g {
				if other = strings.ToLower(other); other != w {
					for _, alt := range splitRuns(strings.Replace(r.text, w, other, 1)) {
						out = append(out, alt)
					}
				}
			}
		}
	}
	return out
}

// hanQuery: every character must be there; neighbouring pairs rank.
func hanQuery(s string) (match, rank *Query) {
	chars := []rune(s)
	var all, pairs []*Query
	for i, c := range chars {
		all = append(all, term(string(c)))
		if i > 0 {
			pairs = append(pairs, term(string(chars[i-1:i+1])))
		}
	}
	return and(all...), or(pairs...)
}

// latinForms are what a Latin word may stand for, each a list of terms
// an article must all contain: the word itself; read as pinyin, every pair
// of its syllables (in the title); read as pinyin initials, every run of
// three (or the two).
func latinForms(w string) (forms [][]string, syllables [][]string, initials bool) {
	forms = [][]string{{w}}
	if segs := pinyinSegmentations(w); len(segs) > 0 && len(segs[0]) > 1 {
		forms, syllables = append(forms, pinyinReadings(w)...), segs
	}
	if isLetters(w) && len(w) >= 2 && len(w) <= 12 {
		var grams []string
		if len(w) == 2 {
			grams = append(grams, initialMark+w)
		}
		for i := 3; i <= len(w); i++ {
			grams = append(grams, initialMark+w[i-3:i])
		}
		forms, initials = append(forms, grams), true
	}
	return forms, syllables, initials
}

// LatinKnown tells whether known holds every term of one of w's forms:
// then w needs no typo correction.
func LatinKnown(w string, known map[string]bool) bool {
	forms, _, _ := latinForms(w)
	for _, f := range forms {
		all := true
		for _, t := range f {
			all = all && known[t]
		}
		if all {
			return true
		}
	}
	return false
}

// LatinTerms returns every term of w's forms.
func LatinTerms(w string) []string {
	forms, _, _ := latinForms(w)
	var out []string
	for _, f := range forms {
		out = append(out, f...)
	}
	return out
}

func latinQuery(w string, h *Highlight) *Query {
	forms, syl, initials := latinForms(w)
	h.Words = append(h.Words, w)
	h.Pinyin = append(h.Pinyin, syl...)
	if initials {
		h.Initials = append(h.Initials, w)
	}
	var alts []*Query
	for _, f := range forms {
		var all []*Query
		for _, t := range f {
			all = append(all, term(t))
		}
		alts = append(alts, and(all...))
	}
	return or(alts...)
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// correctionQuery: a correction of a typo is a known term (trigram
// similarity) or a pinyin word (typo.go), found by itself or by its
// syllable pairs.
func correctionQuery(c string, h *Highlight) *Query {
	h.Words = append(h.Words, c)
	alts := []*Query{term(c)}
	for _, pairs := range pinyinReadings(c) {
		var all []*Query
		for _, t := range pairs {
			all = append(all, term(t))
		}
		alts = append(alts, and(all...))
	}
	for _, syl := range pinyinSegmentations(c) {
		if len(syl) > 1 {
			h.Pinyin = append(h.Pinyin, syl)
		}
	}
	return or(alts...)
}
