package callback_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/callback"
)

// TestSamplingShare: over 10,000 orders a rule keeps its share within
// ±1 %, and a rerun keeps exactly the same orders. The IDs are fixed (name
// based), so the test decides the same every run.
func TestSamplingShare(t *testing.T) {
	t.Parallel()
	id := func(kind string, i int) uuid.UUID {
		return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s-%d", kind, i))
	}
	for k, share := range []float64{0.05, 0.1, 0.3, 0.5, 0.9} {
		tenant, rule := id("tenant", k), id("rule", k)
		orders := make([]uuid.UUID, 10000)
		picked := map[uuid.UUID]bool{}
		for i := range orders {
			orders[i] = id("order", k*10000+i)
			if callback.Sampled(tenant, rule, orders[i], share) {
				picked[orders[i]] = true
			}
		}
		got := float64(len(picked)) / float64(len(orders))
		require.InDelta(t, share, got, 0.01, "share %v", share)
		for _, o := range orders {
			require.Equal(t, picked[o], callback.Sampled(tenant, rule, o, share))
		}
	}
	require.True(t, callback.Sampled(uuid.New(), uuid.New(), uuid.New(), 1))
	require.False(t, callback.Sampled(uuid.New(), uuid.New(), uuid.New(), 0))
}

// dayOfOrders is a day of closed orders of mixed types and lines.
func dayOfOrders(n int) []*callback.Facts {
	types := []string{"repair", "installation", "maintenance"}
	lines := []string{"ac", "fridge", "washer", "tv"}
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*callback.Facts, n)
	for i := range out {
		out[i] = &callback.Facts{OrderID: uuid.New(), Number: fmt.Sprintf("WO-2612-%06d", i), Type: types[i%3],
			ProductLine: lines[i%4], Satisfaction: i % 6, HoursOpen: float64(i % 72), InWarranty: i%2 == 0,
			CompletedAt: start.Add(time.Duration(i) * 86400 * time.Second / time.Duration(n))}
	}
	return out
}

// twentyRules are 20 rules with fixed fields, samples and conditions.
func twentyRules() []*callback.Rule {
	conds := []string{``, `satisfaction > 0 && satisfaction <= 2`, `hours_open > 48 || sla_breached`,
		`in_warranty && product_line in ["ac", "fridge"]`, `type == "installation" && model == ""`}
	var out []*callback.Rule
	for i := range 20 {
		r := &callback.Rule{ID: uuid.New(), Name: fmt.Sprint("rule ", i), Enabled: true, Trigger: callback.TriggerOrderCompleted,
			Sample: float64(i%10+1) / 10, Condition: conds[i%len(conds)], Channel: callback.ChannelCall, DueDays: 3}
		if i%4 == 1 {
			r.OrderTypes = []string{"repair"}
		}
		out = append(out, r)
	}
	return out
}

func TestSelectTwentyRules(t *testing.T) {
	t.Parallel()
	sel, fail := callback.Select(uuid.New(), twentyRules(), dayOfOrders(1000))
	require.Empty(t, fail)
	require.NotEmpty(t, sel)
}

// BenchmarkRuleEvaluation: 20 rules over a day of closed orders (goal
// ≥ 10,000 orders/s).
func BenchmarkRuleEvaluation(b *testing.B) {
	const orders = 20000
	tenant, rules, facts := uuid.New(), twentyRules(), dayOfOrders(orders)
	b.ResetTimer()
	for b.Loop() {
		callback.Select(tenant, rules, facts)
	}
	b.ReportMetric(float64(orders)*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

func TestRuleRegionsTakeSubregions(t *testing.T) {
	t.Parallel()
	tenant, parent, child, other := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	f := &callback.Facts{OrderID: uuid.New(), Region: &child, Regions: []uuid.UUID{child, parent}}
	for _, c := range []struct {
		regions []uuid.UUID
		want    int
	}{{nil, 1}, {[]uuid.UUID{parent}, 1}, {[]uuid.UUID{child}, 1}, {[]uuid.UUID{other}, 0}} {
		r := &callback.Rule{ID: uuid.New(), Enabled: true, Trigger: callback.TriggerOrderCompleted, Sample: 1, RegionIDs: c.regions}
		sel, fail := callback.Select(tenant, []*callback.Rule{r}, []*callback.Facts{f})
		require.Empty(t, fail)
		require.Len(t, sel, c.want, c.regions)
	}
}
