package report

import (
	"testing"
	"time"
)

// TestQueryPreviousMonthOverMonth: whole calendar months compare with as
// many calendar months right before; any other period with as many days.
func TestQueryPreviousMonthOverMonth(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct{ name, from, to, pf, pt string }{
		{"March", "2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28"},
		{"March of a leap year", "2028-03-01", "2028-03-31", "2028-02-01", "2028-02-29"},
		{"February", "2026-02-01", "2026-02-28", "2026-01-01", "2026-01-31"},
		{"a quarter", "2026-04-01", "2026-06-30", "2026-01-01", "2026-03-31"},
		{"across the year", "2026-01-01", "2026-02-28", "2025-11-01", "2025-12-31"},
		{"a year", "2026-01-01", "2026-12-31", "2025-01-01", "2025-12-31"},
		{"not from the 1st", "2026-03-02", "2026-03-31", "2026-01-31", "2026-03-01"},
		{"not to the last day", "2026-03-01", "2026-03-30", "2026-01-30", "2026-02-28"},
		{"a week", "2026-03-09", "2026-03-15", "2026-03-02", "2026-03-08"},
		{"a day", "2026-03-01", "2026-03-01", "2026-02-28", "2026-02-28"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := Query{From: d(tt.from), To: d(tt.to)}
			pf, pt := q.Previous()
			if got := pf.Format(dateLayout) + "…" + pt.Format(dateLayout); got != tt.pf+"…"+tt.pt {
				t.Errorf("previous of %s…%s = %s; want %s…%s", tt.from, tt.to, got, tt.pf, tt.pt)
			}
		})
	}
}
