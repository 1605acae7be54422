package claim_test

import (
	"math/rand/v2"
	"testing"

	"github.com/aftersales/aftersales/core/claim"
)

// monthOfClaims is 100,000 claims' facts with some of each kind of
// anomaly.
func monthOfClaims(n int) []claim.Facts {
	r := rand.New(rand.NewPCG(7, 17))
	out := make([]claim.Facts, n)
	for i := range out {
		f := normal()
		f.LabourHours = 1 + float64(r.IntN(4))*0.5
		f.MileageKm = f.DistanceKm * (0.8 + r.Float64())
		f.RepeatDays = r.IntN(400) - 1
		f.PartsOverdue = r.IntN(50) / 49
		f.FilingDelayDays = r.Float64() * 40
		f.SiteCostPerOrder = 5000 + r.Float64()*20000
		f.Model = "KFR-35"
		out[i] = f
	}
	return out
}

func tenRules(tb testing.TB) []claim.CompiledRule {
	rs := append(claim.DefaultRules(),
		claim.AuditRule{Code: "big_parts", Name: "Parts above 2000", Enabled: true, Condition: "parts_amount > 200000 && parts_count > 3"},
		claim.AuditRule{Code: "model_ac", Name: "High total for a model", Enabled: true, Condition: `model in ["KFR-50", "KFR-72"] && total > 80000`})
	c, err := claim.CompileRules(rs)
	if err != nil || len(c) != 10 {
		tb.Fatalf("rules: %v (%d)", err, len(c))
	}
	return c
}

// BenchmarkAuditMonth audits a month of 100,000 claims with 10 rules
// (the goal: under 30 s). The facts are what submission stores
// with each claim; one op is the whole month.
func BenchmarkAuditMonth(b *testing.B) {
	facts := monthOfClaims(100_000)
	rules := tenRules(b)
	b.ResetTimer()
	for b.Loop() {
		if len(claim.AuditBatch(rules, facts)) == 0 {
			b.Fatal("nothing flagged")
		}
	}
}

func TestAuditBatchFlagsSome(t *testing.T) {
	facts := monthOfClaims(1000)
	got := claim.AuditBatch(tenRules(t), facts)
	if len(got) == 0 || len(got) == len(facts) {
		t.Fatalf("flagged %d of %d", len(got), len(facts))
	}
}
