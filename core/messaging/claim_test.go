package messaging_test

import (
	"testing"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
)

func TestClaimForSending(t *testing.T) {
	t.Parallel()
	const stuck = time.Minute
	for _, c := range []struct {
		name   string
		status string
		idle   time.Duration
		want   messaging.SendClaim
	}{
		{"queued is sent", core.SMSQueued, 0, messaging.ClaimSend},
		{"queued long ago is sent", core.SMSQueued, time.Hour, messaging.ClaimSend},
		{"sending now is busy", core.SMSSending, time.Second, messaging.ClaimBusy},
		{"sending exactly stuckAfter is still busy", core.SMSSending, stuck, messaging.ClaimBusy},
		{"sending longer is stuck", core.SMSSending, stuck + time.Microsecond, messaging.ClaimStuck},
		{"sent is done", core.SMSSent, time.Hour, messaging.ClaimDone},
		{"delivered is done", core.SMSDelivered, 0, messaging.ClaimDone},
		{"failed is done", core.SMSFailed, time.Hour, messaging.ClaimDone},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := messaging.ClaimForSending(c.status, c.idle, stuck); got != c.want {
				t.Fatalf("ClaimForSending(%q, %s) = %d, want %d", c.status, c.idle, got, c.want)
			}
		})
	}
}
