package district

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

type labelled struct{ kind, address, code string }

func readLabelled(t testing.TB) []labelled {
	f, err := os.Open("testdata/addresses.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		p := strings.Split(sc.Text(), "\t")
		out = append(out, labelled{p[0], p[1], p[2]})
	}
	return out
}

// TestParseLabelled: district exact for at least 97% of the labelled
// addresses, and every ambiguous one lists the right district among its
// candidates.
func TestParseLabelled(t *testing.T) {
	tb := Default()
	set := readLabelled(t)
	if len(set) < 300 {
		t.Fatalf("%d labelled addresses, want at least 300", len(set))
	}
	exact, ambiguous := 0, 0
	provinces := map[string]bool{}
	for _, l := range set {
		p := tb.Parse(l.address)
		if l.kind == "ambiguous" {
			ambiguous++
			found := false
			for _, c := range p.Candidates {
				found = found || c.District.Code == l.code
			}
			if !found {
				t.Errorf("%q: candidates %v do not include %s", l.address, p.Candidates, l.code)
			}
			continue
		}
		provinces[l.code[:2]] = true
		if p.District.Code == l.code {
			exact++
		} else {
			t.Logf("%s %q: got %v %v %v, want %s", l.kind, l.address, p.Province, p.City, p.District, l.code)
		}
	}
	n := len(set) - ambiguous
	rate := float64(exact) / float64(n)
	t.Logf("district exact %d/%d = %.1f%%; %d ambiguous", exact, n, 100*rate, ambiguous)
	if rate < 0.97 {
		t.Errorf("district exact %.1f%%, want ≥ 97%%", 100*rate)
	}
	if len(provinces) < 31 {
		t.Errorf("the set covers %d provinces, want all 31 of the mainland", len(provinces))
	}
}

func TestParseNothing(t *testing.T) {
	p := Default().Parse("请尽快上门 thanks 12")
	if p.Code() != "" || p.Confidence != 0 || p.Remainder == "" {
		t.Errorf("nothing to find: %+v", p)
	}
}

func TestTableShortForms(t *testing.T) {
	tb := Default()
	for code, short := range map[string]string{"450000": "广西", "150000": "内蒙古", "650000": "新疆", "540000": "西藏",
		"640000": "宁夏", "422800": "恩施", "440305": "南山", "310115": "浦东"} {
		d, ok := tb.Lookup(code)
		if !ok || d.Short != short {
			t.Errorf("%s: short %q, want %q", code, d.Short, short)
		}
	}
	if got := len(tb.Provinces()); got != 34 {
		t.Errorf("%d provinces, want 34", got)
	}
	for _, d := range tb.all {
		if d.Level == LevelDistrict && !d.HasPoint {
			t.Errorf("district %s %s has no point", d.Code, d.Name)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"深圳南山科苑路15号", "北京朝阳区", "ｓｓ　１２３", "+86 138", "朝阳区", "\xff\xfe广东"} {
		f.Add(s)
	}
	tb := Default()
	f.Fuzz(func(t *testing.T, s string) {
		p := tb.Parse(s)
		if p.Confidence < 0 || p.Confidence > 1 {
			t.Fatalf("confidence %v", p.Confidence)
		}
		if !utf8.ValidString(p.Remainder) {
			t.Fatalf("remainder %q is not UTF-8", p.Remainder)
		}
		if c := p.Code(); c != "" {
			if _, ok := tb.Lookup(c); !ok {
				t.Fatalf("code %s is not in the table", c)
			}
		}
		for _, c := range p.Candidates {
			if _, ok := tb.Lookup(c.District.Code); !ok {
				t.Fatalf("candidate %v is not in the table", c)
			}
		}
	})
}
