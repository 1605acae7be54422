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
	// ClaimBusy: another task is sending it right now, or its worker died
	// and the report window has not passed yet; come back later.
	ClaimBusy
	// ClaimStuck: its worker died while handing it to a gateway that gives
	// no delivery reports (or it was claimed MaxAttempts times already). It
	// may or may not have gone out: it fails with core.SMSUnknownOutcome and
	// is never sent again (at most once: a second text is worse than none).
	ClaimStuck
	// ClaimResend: its worker died while handing it to a gateway that
	// reports every message it hands to its carrier, and no report came
	// within the window: the request never reached the carrier. The task
	// takes it again (sending, one more attempt) and sends it with the same
	// ID, so that a report still finds it.
	ClaimResend
)

// SendPolicy is how a send task judges a message left 'sending'.
type SendPolicy struct {
	// StuckAfter is how long a send may take before its worker is taken
	// for dead: well above the gateway's request timeout plus the time to
	// record its answer.
	StuckAfter time.Duration
	// ReportWindow is core.SMSReportWindow of the provider: how long after
	// the claim the gateway's first report can take at most. A delivery
	// report moves a message out of 'sending' (Service.DeliveryReport), so
	// one still 'sending' past the window has none. Zero: the gateway gives
	// no reports, and a dead worker's message is failed (at most once).
	ReportWindow time.Duration
	// MaxAttempts caps the claims of a message whose worker keeps dying
	// (a text that crashes it): past it, it is failed as ClaimStuck.
	MaxAttempts int
}

// ClaimForSending decides what a send task does with an outgoing message
// of status claimed attempts times, untouched for idle (by the clock that
// stamps its updates; for a message 'sending', since its claim).
//
// Exactly once, with a gateway that reports: a worker that died after the
// gateway took the message left it 'sending', and the gateway's report
// (within ReportWindow) moved it to sent, delivered or failed: done, never
// resent. One that died before its request reached the gateway left it
// 'sending' with no report: past the window it is sent again. What is
// left is a report later than the window (the carrier link down for
// longer, or the report lost on its way to us): a duplicate text.
func ClaimForSending(status string, idle time.Duration, attempts int, p SendPolicy) SendClaim {
	switch status {
	case core.SMSQueued:
		return ClaimSend
	case core.SMSSending:
		switch {
		case idle <= p.StuckAfter:
			return ClaimBusy
		case p.ReportWindow <= 0:
			return ClaimStuck
		case idle <= max(p.ReportWindow, p.StuckAfter):
			return ClaimBusy // a report may still come
		case p.MaxAttempts > 0 && attempts >= p.MaxAttempts:
			return ClaimStuck
		}
		return ClaimResend
	}
	return ClaimDone
}
