package messaging_test

import (
	"testing"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
)

func TestClaimForSending(t *testing.T) {
	t.Parallel()
	const stuck, window = time.Minute, 2 * time.Minute
	atMostOnce := messaging.SendPolicy{StuckAfter: stuck}
	exactlyOnce := messaging.SendPolicy{StuckAfter: stuck, ReportWindow: window, MaxAttempts: 5}
	for _, c := range []struct {
		name     string
		policy   messaging.SendPolicy
		status   string
		idle     time.Duration
		attempts int
		want     messaging.SendClaim
	}{
		{"queued is sent", atMostOnce, core.SMSQueued, 0, 0, messaging.ClaimSend},
		{"queued long ago is sent", exactlyOnce, core.SMSQueued, time.Hour, 3, messaging.ClaimSend},
		{"sending now is busy", atMostOnce, core.SMSSending, time.Second, 1, messaging.ClaimBusy},
		{"sending exactly stuckAfter is still busy", atMostOnce, core.SMSSending, stuck, 1, messaging.ClaimBusy},
		{"no reports: sending longer is stuck", atMostOnce, core.SMSSending, stuck + time.Microsecond, 1, messaging.ClaimStuck},
		{"no reports: stuck for an hour is stuck", atMostOnce, core.SMSSending, time.Hour, 1, messaging.ClaimStuck},
		{"reports: dead worker, report window open, busy", exactlyOnce, core.SMSSending, stuck + time.Second, 1, messaging.ClaimBusy},
		{"reports: exactly the window is still busy", exactlyOnce, core.SMSSending, window, 1, messaging.ClaimBusy},
		{"reports: past the window with no report is resent", exactlyOnce, core.SMSSending, window + time.Microsecond, 1, messaging.ClaimResend},
		{"reports: resent again after another death", exactlyOnce, core.SMSSending, time.Hour, 4, messaging.ClaimResend},
		{"reports: claimed MaxAttempts times is stuck", exactlyOnce, core.SMSSending, time.Hour, 5, messaging.ClaimStuck},
		{"a window below StuckAfter waits StuckAfter", messaging.SendPolicy{StuckAfter: stuck, ReportWindow: time.Second},
			core.SMSSending, 30 * time.Second, 1, messaging.ClaimBusy},
		{"sent is done", exactlyOnce, core.SMSSent, time.Hour, 1, messaging.ClaimDone},
		{"delivered is done", exactlyOnce, core.SMSDelivered, 0, 1, messaging.ClaimDone},
		{"failed is done", atMostOnce, core.SMSFailed, time.Hour, 1, messaging.ClaimDone},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := messaging.ClaimForSending(c.status, c.idle, c.attempts, c.policy); got != c.want {
				t.Fatalf("ClaimForSending(%q, %s, %d) = %d, want %d", c.status, c.idle, c.attempts, got, c.want)
			}
		})
	}
}
