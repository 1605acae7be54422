package core_test

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestSMSSegments(t *testing.T) {
	t.Parallel()
	a, zh, emoji := "a", "中", "😀"
	cases := []struct {
		name     string
		body     string
		encoding string
		segments int
	}{
		{"empty", "", core.EncodingGSM7, 1},
		{"gsm 160", strings.Repeat(a, 160), core.EncodingGSM7, 1},
		{"gsm 161", strings.Repeat(a, 161), core.EncodingGSM7, 2},
		{"gsm 306 = 2x153", strings.Repeat(a, 306), core.EncodingGSM7, 2},
		{"gsm 307", strings.Repeat(a, 307), core.EncodingGSM7, 3},
		{"gsm alphabet specials", "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", core.EncodingGSM7, 1},
		{"extension 80 = 160 septets", strings.Repeat("€", 80), core.EncodingGSM7, 1},
		{"extension 81 = 162 septets", strings.Repeat("€", 81), core.EncodingGSM7, 2},
		{"extension 159 basic + 1 ext = 161", strings.Repeat(a, 159) + "{", core.EncodingGSM7, 2},
		{"extension 158 basic + 1 ext = 160", strings.Repeat(a, 158) + "^", core.EncodingGSM7, 1},
		// 152 basic then an escape pair that would straddle the 153 boundary:
		// it moves whole to part two (152 + 2 + 152 = 306 septets, yet 3 parts).
		{"escape never split", strings.Repeat(a, 152) + "|" + strings.Repeat(a, 152), core.EncodingGSM7, 3},
		{"escape fits exactly", strings.Repeat(a, 151) + "|" + strings.Repeat(a, 153), core.EncodingGSM7, 2},
		{"all extension chars", "\f^{}\\[~]|€", core.EncodingGSM7, 1},
		{"accented outside gsm", "ç", core.EncodingUCS2, 1}, // only capital Ç is GSM
		{"ucs2 70", strings.Repeat(zh, 70), core.EncodingUCS2, 1},
		{"ucs2 71", strings.Repeat(zh, 71), core.EncodingUCS2, 2},
		{"ucs2 134 = 2x67", strings.Repeat(zh, 134), core.EncodingUCS2, 2},
		{"ucs2 135", strings.Repeat(zh, 135), core.EncodingUCS2, 3},
		{"one chinese char turns gsm to ucs2", strings.Repeat(a, 69) + zh, core.EncodingUCS2, 1},
		{"one chinese char, 71 units", strings.Repeat(a, 70) + zh, core.EncodingUCS2, 2},
		{"emoji 35 = 70 units", strings.Repeat(emoji, 35), core.EncodingUCS2, 1},
		{"emoji 36 = 72 units", strings.Repeat(emoji, 36), core.EncodingUCS2, 2},
		{"emoji after 69 units", strings.Repeat(zh, 69) + emoji, core.EncodingUCS2, 2},
		// 66 units then a pair that would straddle 67: it starts part two.
		{"surrogate pair never split", strings.Repeat(zh, 66) + emoji + strings.Repeat(zh, 66), core.EncodingUCS2, 3},
		{"surrogate pair fits exactly", strings.Repeat(zh, 65) + emoji + strings.Repeat(zh, 67), core.EncodingUCS2, 2},
		{"gsm extension in ucs2 is one unit", strings.Repeat("€", 69) + zh, core.EncodingUCS2, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			enc, n := core.SMSSegments(c.body)
			require.Equal(t, c.encoding, enc)
			require.Equal(t, c.segments, n)
		})
	}
}

// TestSMSSegmentsProperties checks, over many generated texts, that the
// count agrees with a direct packing of the encoded units and is monotone.
func TestSMSSegmentsProperties(t *testing.T) {
	t.Parallel()
	alphabet := []string{"a", "Z", " ", "€", "{", "中", "😀", "é", "ç", "\n"}
	seed := uint32(1)
	next := func() uint32 { seed = seed*1664525 + 1013904223; return seed >> 8 }
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		n := int(next() % 400)
		for j := 0; j < n; j++ {
			b.WriteString(alphabet[next()%uint32(len(alphabet))])
		}
		body := b.String()
		enc, got := core.SMSSegments(body)
		require.Equal(t, referenceSegments(body), got, "%q", body)
		require.Equal(t, strings.ContainsAny(body, "中😀ç"), enc == core.EncodingUCS2, "%q", body)
		if rs := []rune(body); len(rs) > 0 {
			_, shorter := core.SMSSegments(string(rs[:len(rs)-1]))
			require.LessOrEqual(t, shorter, got, "removing a character never adds a segment: %q", body)
		}
	}
}

// referenceSegments packs encoded units greedily, written independently:
// GSM-7 escape sequences and UTF-16 surrogate pairs stay whole.
func referenceSegments(body string) int {
	gsm := !strings.ContainsAny(body, "中😀ç")
	type unit struct{ n int }
	var units []unit
	for _, r := range body {
		switch {
		case gsm && strings.ContainsRune("€{", r):
			units = append(units, unit{2})
		case gsm:
			units = append(units, unit{1})
		default:
			units = append(units, unit{len(utf16.Encode([]rune{r}))})
		}
	}
	single, part := 160, 153
	if !gsm {
		single, part = 70, 67
	}
	total := 0
	for _, u := range units {
		total += u.n
	}
	if total <= single {
		return 1
	}
	parts, room := 1, part
	for _, u := range units {
		if u.n > room {
			parts, room = parts+1, part
		}
		room -= u.n
	}
	return parts
}

func FuzzSMSSegments(f *testing.F) {
	for _, s := range []string{"", "hello", "中文", "😀", "€{}", strings.Repeat("a", 161)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		enc, n := core.SMSSegments(body)
		require.GreaterOrEqual(t, n, 1)
		units := len(utf16.Encode([]rune(body)))
		if enc == core.EncodingUCS2 {
			require.GreaterOrEqual(t, n*70, units)
		} else {
			require.LessOrEqual(t, n, 2*len(body)/150+1) // at most 2 septets per byte, 152+ per part
		}
	})
}
