package messaging

import (
	"time"

	"github.com/aftersales/aftersales/core"
)

// SendClaim is what a send task does with an outgoing message it holds
// under its row lock (ClaimForSending).
type SendClaim int

// What a send task does with a message.
const (
	// ClaimSend: queued; the task takes it (sending, one more attempt) and
	// hands it to the gateway after the commit.
	ClaimSend SendClaim = iota
	// ClaimDone: sent, delivered or failed already; nothing to do.
	ClaimDone
	// ClaimBusy: another task is sending it right now; come back later to
	// see it done.
	ClaimBusy
	// ClaimStuck: sending for longer than the task's stuckAfter, so its
	// worker died while handing it to the gateway. It may or may not have
	// gone out: it fails with core.SMSUnknownOutcome and is never sent
	// again (a second text is worse than none).
	ClaimStuck
)

// ClaimForSending decides what a send task does with an outgoing message
// of status untouched for idle (by the clock that stamps its updates),
// where stuckAfter is how long a send may take before its worker is taken
// for dead.
func ClaimForSending(status string, idle, stuckAfter time.Duration) SendClaim {
	switch status {
	case core.SMSQueued:
		return ClaimSend
	case core.SMSSending:
		if idle > stuckAfter {
			return ClaimStuck
		}
		return ClaimBusy
	}
	return ClaimDone
}
