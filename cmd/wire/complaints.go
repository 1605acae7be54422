package wire

import (
	"context"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

// timers runs the complaints' escalation ladder with the work-order
// timers, in the same once-a-minute periodic task: each step is re-checked
// under its case's row lock, so replicas running at once fire it once.
type timers struct {
	core.TimerStore
	complaints *complaint.Service
}

// FireDueTimers implements core.TimerStore: the work orders' timers, then
// the complaints' escalations, even when the first failed.
func (t timers) FireDueTimers(ctx context.Context) (int, error) {
	n, err := t.TimerStore.FireDueTimers(ctx)
	m, cerr := t.complaints.FireEscalations(ctx)
	if err == nil {
		err = cerr
	}
	return n + m, err
}
