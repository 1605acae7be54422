package core_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestWorkOrderSLAStatus: an order's SLA status from its deadlines, what
// it met when, and its state.
func TestWorkOrderSLAStatus(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	order := func(state string, set func(w *core.WorkOrder)) *core.WorkOrder {
		w := &core.WorkOrder{State: state, CreatedAt: now.Add(-time.Hour), RespondBy: at(time.Hour + time.Minute),
			ArriveBy: at(24 * time.Hour), CompleteBy: at(72 * time.Hour)}
		if set != nil {
			set(w)
		}
		return w
	}
	for _, tc := range []struct {
		name string
		w    *core.WorkOrder
		want string
	}{
		{"no deadlines", &core.WorkOrder{State: core.StateCreated}, "none"},
		{"on track", order(core.StateDispatched, nil), "on_track"},
		{"response due within the hour", order(core.StateDispatched, func(w *core.WorkOrder) { w.RespondBy = at(59 * time.Minute) }), "at_risk"},
		{"response overdue", order(core.StateDispatched, func(w *core.WorkOrder) { w.RespondBy = at(-time.Second) }), "breached"},
		{"responded late", order(core.StateAccepted, func(w *core.WorkOrder) { w.RespondBy, w.RespondedAt = at(-time.Hour), at(-time.Minute) }),
			"breached"},
		{"completed in time", order(core.StateCompleted, func(w *core.WorkOrder) {
			w.RespondedAt, w.ArrivedAt, w.CompletedAt = at(-50*time.Minute), at(-40*time.Minute), at(-time.Minute)
		}), "met"},
		{"closed at intake, response never came", order(core.StateClosed, func(w *core.WorkOrder) { w.RespondBy = at(-time.Hour) }), "met"},
		{"cancelled while overdue", order(core.StateCancelled, func(w *core.WorkOrder) { w.RespondBy = at(-time.Hour) }), "none"},
		{"cancelled after a late response", order(core.StateCancelled, func(w *core.WorkOrder) {
			w.RespondBy, w.RespondedAt = at(-time.Hour), at(-time.Minute)
		}), "breached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.w.SLAStatusAt(now))
		})
	}
}

// TestWorkOrderSLAUrgesAtEightyPercent: the timer urges once 80 % of the
// wall-clock window from intake to the due time has passed.
func TestWorkOrderSLAUrgesAtEightyPercent(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	due := created.Add(10 * time.Hour)
	c := core.SLAClock(created, &due, nil)
	require.Equal(t, created.Add(8*time.Hour), core.WorkOrderSLA.WarnAt(c))
	require.False(t, core.WorkOrderSLA.Warning(c, created.Add(8*time.Hour-1)))
	require.True(t, core.WorkOrderSLA.Warning(c, created.Add(8*time.Hour)))
}

// TestNextDeadline: the deadline a notice names when the timer did not say
// which: respond-by until responded, then arrive-by until arrived.
func TestNextDeadline(t *testing.T) {
	t.Parallel()
	respond, arrive, met := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		w    core.WorkOrder
		want *time.Time
	}{
		{"nothing met: respond-by", core.WorkOrder{RespondBy: &respond, ArriveBy: &arrive}, &respond},
		{"responded: arrive-by", core.WorkOrder{RespondBy: &respond, RespondedAt: &met, ArriveBy: &arrive}, &arrive},
		{"no response deadline: arrive-by", core.WorkOrder{ArriveBy: &arrive}, &arrive},
		{"responded and arrived: none", core.WorkOrder{RespondBy: &respond, RespondedAt: &met, ArriveBy: &arrive, ArrivedAt: &met}, nil},
		{"arrived without responding: respond-by", core.WorkOrder{RespondBy: &respond, ArriveBy: &arrive, ArrivedAt: &met}, &respond},
		{"no deadlines: none", core.WorkOrder{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.w.NextDeadline())
		})
	}
}
