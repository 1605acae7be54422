package kb

// Typos in pinyin input. Most typing slips are one edit away from the
// word meant: two letters swapped (jidainqi for jidianqi), one left out,
// one doubled or one hit next to the right key. Trigram similarity, the
// first design, found the right word for only 9 of the 16 labelled typos
// at 100,000 articles: swapping two letters changes three trigrams of a
// short word, and the vocabulary holds syllable pairs (cikong, kongguan)
// rather than the three-syllable word typed (cikonggaun). So a pinyin
// typo is corrected to the words one edit away that read as two or more
// pinyin syllables whose every pair some article holds; trigram
// similarity remains the fallback for other Latin words (model names).

// maxCorrections bounds the corrections of one word.
const maxCorrections = 3

// pinyinEdits returns the words one edit (a swap of neighbours, a
// deletion, a substitution or an insertion, in that order of likelihood)
// away from w that read as two or more pinyin syllables; nil unless w is
// 4 to 24 lowercase letters.
func pinyinEdits(w string) []string {
	if len(w) < 4 || len(w) > 24 || !isLetters(w) {
		return nil
	}
	seen := map[string]bool{w: true}
	var out []string
	try := func(c string) {
		if seen[c] {
			return
		}
		seen[c] = true
		if syl, ok := splitPinyin(c); ok && len(syl) > 1 {
			out = append(out, c)
		}
	}
	for i := 0; i+1 < len(w); i++ {
		try(w[:i] + w[i+1:i+2] + w[i:i+1] + w[i+2:])
	}
	for i := range len(w) {
		try(w[:i] + w[i+1:])
	}
	for i := range len(w) {
		for c := byte('a'); c <= 'z'; c++ {
			try(w[:i] + string(c) + w[i+1:])
		}
	}
	for i := 0; i <= len(w); i++ {
		for c := byte('a'); c <= 'z'; c++ {
			try(w[:i] + string(c) + w[i:])
		}
	}
	return out
}

// pinyinReadings are the terms an article holds for the pinyin word w,
// one list per way to read it: each pair of its syllables.
func pinyinReadings(w string) [][]string {
	var out [][]string
	for _, syl := range pinyinSegmentations(w) {
		var pairs []string
		for i := 1; i < len(syl); i++ {
			pairs = append(pairs, syl[i-1]+syl[i])
		}
		if len(pairs) > 0 {
			out = append(out, pairs)
		}
	}
	return out
}

// pinyinTerms are the terms of every reading of w.
func pinyinTerms(w string) []string {
	var out []string
	for _, r := range pinyinReadings(w) {
		out = append(out, r...)
	}
	return out
}

// Corrections returns the edits of w (pinyinEdits) whose every term known
// holds, at most maxCorrections; the terms to look up are EditTerms(w).
func Corrections(w string, known map[string]bool) []string {
	var out []string
	for _, c := range pinyinEdits(w) {
		found := false
		for _, terms := range pinyinReadings(c) {
			all := true
			for _, t := range terms {
				all = all && known[t]
			}
			found = found || all
		}
		if found {
			out = append(out, c)
			if len(out) == maxCorrections {
				break
			}
		}
	}
	return out
}

// EditTerms returns every term of w's pinyin edits, to ask the vocabulary
// which it holds.
func EditTerms(w string) []string {
	set := map[string]bool{}
	var out []string
	for _, c := range pinyinEdits(w) {
		for _, t := range pinyinTerms(c) {
			if !set[t] {
				set[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}
