package kb

import (
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// maxReadings bounds the readings of a heteronym (调: diao, tiao) that are
// indexed: the first two cover the common ones, and every reading more
// multiplies the syllable pairs and initial triples of its neighbours.
const maxReadings = 2

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Heteronym = true
	a.Fallback = func(rune, pinyin.Args) []string { return nil }
	return a
}()

// readings returns the toneless pinyin readings of a Han character (at most
// maxReadings, the most common first), nil for any other rune.
func readings(r rune) []string {
	if !unicode.Is(unicode.Han, r) {
		return nil
	}
	out := pinyin.SinglePinyin(r, pinyinArgs)
	if len(out) > maxReadings {
		out = out[:maxReadings]
	}
	return out
}

var (
	syllablesOnce sync.Once
	syllables     map[string]bool
	longest       int
)

// isSyllable tells whether s is a toneless pinyin syllable, from the
// readings go-pinyin's dictionary holds.
func isSyllable(s string) bool {
	syllablesOnce.Do(func() {
		syllables = map[string]bool{}
		a := pinyinArgs
		a.Heteronym = true
		for code := range pinyin.PinyinDict {
			for _, p := range pinyin.SinglePinyin(rune(code), a) {
				syllables[p] = true
				longest = max(longest, len(p))
			}
		}
	})
	return syllables[s]
}

// splitPinyin segments a run of Latin letters into pinyin syllables
// (kongtiao: kong tiao), preferring the fewest syllables; ok is false when
// the run is not pinyin. A run that reads as one syllable is returned as is.
func splitPinyin(s string) (out []string, ok bool) {
	s = strings.ToLower(s)
	n := len(s)
	if n == 0 {
		return nil, false
	}
	isSyllable("") // load the table
	// best[i] is the fewest syllables covering s[:i] (-1: none), from[i]
	// where the last one starts.
	best, from := make([]int, n+1), make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
		for j := max(0, i-longest); j < i; j++ {
			if (j == 0 || best[j] >= 0) && syllables[s[j:i]] && (best[i] < 0 || best[j]+1 < best[i]) {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 0 {
		return nil, false
	}
	for i := n; i > 0; i = from[i] {
		out = append(out, s[from[i]:i])
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out, true
}

// maxSegmentations bounds the readings of an ambiguous run.
const maxSegmentations = 4

// pinyinSegmentations returns every segmentation of s into the fewest
// pinyin syllables (at most maxSegmentations): redianou reads re dian ou
// and re dia nou, and only the first is what was meant. nil when s is not
// pinyin.
func pinyinSegmentations(s string) [][]string {
	first, ok := splitPinyin(s)
	if !ok {
		return nil
	}
	s = strings.ToLower(s)
	var out [][]string
	var walk func(start int, acc []string)
	walk = func(start int, acc []string) {
		if len(out) == maxSegmentations || len(acc) > len(first) {
			return
		}
		if start == len(s) {
			if len(acc) == len(first) {
				out = append(out, append([]string(nil), acc...))
			}
			return
		}
		for end := start + 1; end <= min(len(s), start+longest); end++ {
			if syllables[s[start:end]] {
				walk(end, append(acc, s[start:end]))
			}
		}
	}
	walk(0, nil)
	return out
}
