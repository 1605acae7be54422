package kb

import (
	"html"
	"slices"
	"strings"
)

// snippetLen is the length of a snippet in characters.
const snippetLen = 120

// Snippet returns about snippetLen characters of a's text around the
// first place h marks, HTML-escaped, with <mark> around what matched: the
// Chinese words (or their pairs of characters), Latin words, and the
// characters whose pinyin or initials spell what was typed.
func Snippet(a *Article, h Highlight) string {
	_, text := Render(a.Body)
	rs := []rune(text)
	lower := []rune(strings.ToLower(text))
	marks := make([]bool, len(rs))
	mark := func(needle []rune) {
		if len(needle) == 0 {
			return
		}
		for i := 0; i+len(needle) <= len(lower); i++ {
			if slices.Equal(lower[i:i+len(needle)], needle) {
				for j := range needle {
					marks[i+j] = true
				}
			}
		}
	}
	for _, w := range h.Han {
		r := []rune(w)
		if len(r) < 2 {
			mark(r)
		}
		for i := 1; i < len(r); i++ {
			mark(r[i-1 : i+1])
		}
	}
	for _, w := range h.Words {
		mark([]rune(w))
	}
	var spoken [][]string
	if len(h.Pinyin) > 0 || len(h.Initials) > 0 {
		spoken = make([][]string, len(rs))
		for i, r := range rs {
			spoken[i] = readings(r)
		}
	}
	for _, syl := range h.Pinyin {
		markSpoken(spoken, marks, len(syl), func(r []string, k int) bool { return slices.Contains(r, syl[k]) })
	}
	for _, ini := range h.Initials {
		// Initials typed together may span words written apart (ktbzl:
		// 空调 … 不制冷): mark every stretch that spells two or more of them.
		for i := 0; i < len(ini); i++ {
			for j := i + 2; j <= len(ini); j++ {
				part := ini[i:j]
				markSpoken(spoken, marks, len(part), func(r []string, k int) bool { return contains(initialsOf(r), part[k:k+1]) })
			}
		}
	}
	start := slices.Index(marks, true)
	if start < 0 {
		start = 0
	}
	start = max(0, start-20)
	end := min(len(rs), start+snippetLen)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	for i := start; i < end; {
		j := i
		for j < end && marks[j] == marks[i] {
			j++
		}
		part := html.EscapeString(string(rs[i:j]))
		if marks[i] {
			part = "<mark>" + part + "</mark>"
		}
		b.WriteString(part)
		i = j
	}
	if end < len(rs) {
		b.WriteString("…")
	}
	return b.String()
}

// markSpoken marks every stretch of n Han characters whose k-th
// character's readings satisfy ok(readings, k).
func markSpoken(spoken [][]string, marks []bool, n int, ok func([]string, int) bool) {
	for i := 0; i+n <= len(spoken); i++ {
		all := true
		for k := 0; k < n && all; k++ {
			all = len(spoken[i+k]) > 0 && ok(spoken[i+k], k)
		}
		if all {
			for k := 0; k < n; k++ {
				marks[i+k] = true
			}
		}
	}
}
