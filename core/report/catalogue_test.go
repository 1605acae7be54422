package report

import (
	"os"
	"strings"
	"testing"
)

// TestCatalogueDocumented: every metric is in docs/reports.md with its
// formula; every available metric computes, the others say why not.
func TestCatalogueDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/reports.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range Catalogue() {
		if seen[m.ID] {
			t.Errorf("metric %s twice", m.ID)
		}
		seen[m.ID] = true
		if !strings.Contains(string(doc), "| `"+m.ID+"` |") || (m.Formula != "" && !strings.Contains(string(doc), m.Formula)) {
			t.Errorf("metric %s is not documented as the API says", m.ID)
		}
		if m.Available != (m.value != nil) || (!m.Available && m.Reason == "") || (m.Available && m.Formula == "") {
			t.Errorf("metric %s: available %v, formula %q, reason %q", m.ID, m.Available, m.Formula, m.Reason)
		}
	}
	s := Sums{Orders: 4, Cancelled: 1, RespondedInTarget: 2, Complaints: 1}
	for id, want := range map[string]float64{"orders": 4, "response_in_target_rate": 2.0 / 3, "complaints_per_1000": 250} {
		m, _ := Find(id)
		if v, ok := m.Value(s); !ok || v != want {
			t.Errorf("%s = %v, %v; want %v", id, v, ok, want)
		}
	}
	if m, _ := Find("on_time_arrival_rate"); true {
		if _, ok := m.Value(s); ok {
			t.Error("a ratio without a denominator has no value")
		}
	}
}
