package parts_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core/parts"
)

// TestClassifyPareto: values 500, 300, 100, 50, 30, 20 (of 1000) and a
// part never consumed; 80/15/5 gives A A B B C C and C.
func TestClassifyPareto(t *testing.T) {
	ids := make([]uuid.UUID, 7)
	var vs []parts.PartValue
	for i, v := range []int64{20, 300, 0, 500, 50, 100, 30} {
		ids[i] = uuid.New()
		vs = append(vs, parts.PartValue{PartID: ids[i], ValueMinor: v})
	}
	got := parts.Classify(vs, 80, 15)
	want := []string{"C", "A", "C", "A", "B", "B", "C"}
	for i, id := range ids {
		require.Equal(t, want[i], got[id], "part %d (value %d)", i, vs[i].ValueMinor)
	}
	// Configurable: 50/30 makes the 300 part B and the 100 part C.
	got = parts.Classify(vs, 50, 30)
	require.Equal(t, "A", got[ids[3]])
	require.Equal(t, "B", got[ids[1]])
	require.Equal(t, "C", got[ids[5]])
	// Nothing consumed: all C.
	require.Equal(t, "C", parts.Classify([]parts.PartValue{{PartID: ids[0]}}, 80, 15)[ids[0]])
}

// TestSuggestReorder: 90 days' history, 14 days' lead time, 7 safety days.
func TestSuggestReorder(t *testing.T) {
	w, a, b, c := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	set := parts.DefaultPlanningSettings
	in := []parts.PlanInput{
		// 90 in 90 days: 1 a day. ROP = 21, safety 7, month 30. Position 15 → 21 + 30 − 15 = 36.
		{WarehouseID: w, WarehouseCode: "W", PartID: a, PartNumber: "A", Consumed: 90, OnHand: 10, InTransit: 5},
		// Position 30 ≥ ROP 21: nothing, unless a campaign asks.
		{WarehouseID: w, WarehouseCode: "W", PartID: b, PartNumber: "B", Consumed: 90, OnHand: 30},
	}
	lines := parts.Suggest(in, map[parts.BalanceKey]int64{{WarehouseID: w, PartID: c}: 4}, set)
	require.Len(t, lines, 2)
	byPart := func(ls []parts.PlanLine) map[uuid.UUID]parts.PlanLine {
		m := map[uuid.UUID]parts.PlanLine{}
		for _, l := range ls {
			m[l.PartID] = l
		}
		return m
	}
	got := byPart(lines)
	require.EqualValues(t, 21, got[a].ReorderPoint)
	require.EqualValues(t, 7, got[a].SafetyStock)
	require.EqualValues(t, 30, got[a].MonthlyDemand)
	require.True(t, got[a].BelowReorder)
	require.EqualValues(t, 36, got[a].Suggested)
	require.EqualValues(t, 4, got[c].Suggested, "a campaign part with no history")

	lines = parts.Suggest(in, map[parts.BalanceKey]int64{{WarehouseID: w, PartID: b}: 5}, set)
	require.Len(t, lines, 2)
	got = byPart(lines)
	require.EqualValues(t, 5, got[b].Suggested, "a campaign adds to a part not below its reorder point")
	require.EqualValues(t, 0, got[b].Replenish)
}
