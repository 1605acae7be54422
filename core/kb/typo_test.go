package kb

import (
	"slices"
	"testing"
)

func TestKBTypoCorrections(t *testing.T) {
	for _, tc := range []struct {
		typo  string
		known []string
		want  string
	}{
		{"jidainqi", []string{"jidian", "dianqi"}, "jidianqi"}, // swapped letters
		{"reidanou", []string{"redian", "dianou"}, "redianou"}, // swapped letters
		{"meibnag", []string{"meibang"}, "meibang"},            // swapped letters
		{"cikonggaun", []string{"cikong", "kongguan"}, "cikongguan"},
		{"kongtiau", []string{"kongtiao"}, "kongtiao"}, // a wrong letter
		{"xiyiij", []string{"xiyi", "yiji"}, "xiyiji"},
		{"penlinbei", []string{"penlin", "linbi"}, "penlinbi"}, // one letter too many
	} {
		known := map[string]bool{}
		for _, k := range tc.known {
			known[k] = true
		}
		got := Corrections(tc.typo, known)
		if !slices.Contains(got, tc.want) {
			t.Errorf("%s: corrections %v, want %s among them", tc.typo, got, tc.want)
		}
		for _, term := range pinyinTerms(tc.want) {
			if !slices.Contains(EditTerms(tc.typo), term) {
				t.Errorf("%s: EditTerms lacks %s", tc.typo, term)
			}
		}
	}
	if got := Corrections("jidainqi", map[string]bool{}); len(got) != 0 {
		t.Errorf("nothing known: corrections %v", got)
	}
	if got := Corrections("e4", map[string]bool{"e4": true}); len(got) != 0 {
		t.Errorf("short words are not corrected: %v", got)
	}
}
