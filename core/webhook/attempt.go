package webhook

import (
	"context"
	"fmt"
	"time"

	"github.com/aftersales/aftersales/core"
)

// AttemptStatus is the status a delivery moves to after an attempt: a
// 2xx delivers it; a failure leaves it pending when a retry is scheduled
// (RetryAt) and fails it after the last one.
func AttemptStatus(r core.WebhookResult) string {
	switch {
	case r.Delivered:
		return core.WebhookDelivered
	case r.RetryAt == nil:
		return core.WebhookFailed
	}
	return core.WebhookPending
}

// NextFailures is an endpoint's failure record after an attempt whose
// delivery moved to status: a success clears it; a failed attempt starts
// the clock (failing since its time, unless failing already); a failed
// delivery counts one more in a row.
func NextFailures(f core.WebhookFailures, r core.WebhookResult, status string) core.WebhookFailures {
	if r.Delivered {
		return core.WebhookFailures{}
	}
	if f.Since == nil {
		at := r.At
		f.Since = &at
	}
	if status == core.WebhookFailed {
		f.Deliveries++
	}
	return f
}

// DisableReason says why policy p disables an endpoint with failure record
// f at at: after p.Deliveries failed deliveries in a row, or when it has
// been failing since p.For ago or longer (a zero limit never disables).
// "" keeps it enabled.
func DisableReason(p core.WebhookDisablePolicy, f core.WebhookFailures, at time.Time) string {
	switch {
	case p.Deliveries > 0 && f.Deliveries >= p.Deliveries:
		return fmt.Sprintf("disabled after %d failed deliveries in a row", f.Deliveries)
	case p.For > 0 && f.Since != nil && !f.Since.After(at.Add(-p.For)):
		return "disabled: no delivery attempt succeeded since " + f.Since.UTC().Format("2006-01-02T15:04:05Z")
	}
	return ""
}

// FinishAttempt records an attempt's result in the tenant unit u: the
// attempt in the delivery's log, the delivery's new status, and the
// endpoint's failure record, disabling the endpoint by policy p after a
// failure. It returns the reason when it disabled it. The record is read
// without a lock first and changed, under the endpoint's row lock, only
// when the attempt changes it: the deliveries of a healthy endpoint do not
// queue on its row.
func FinishAttempt(ctx context.Context, store core.WebhookDeliveryStore, u core.UnitOfWork, r core.WebhookResult, p core.WebhookDisablePolicy) (string, error) {
	status := AttemptStatus(r)
	h, err := store.RecordWebhookAttempt(ctx, u, r, status)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return "", nil // deleted with its endpoint
	} else if err != nil {
		return "", err
	}
	decide := func(h core.WebhookHealth) (core.WebhookFailures, string) {
		next := NextFailures(h.Failures, r, status)
		if !h.Enabled || r.Delivered {
			return next, ""
		}
		return next, DisableReason(p, next, r.At)
	}
	if next, reason := decide(h); next.Equal(h.Failures) && reason == "" {
		return "", nil
	}
	if h, err = store.LockWebhookHealth(ctx, u, r.EndpointID); core.ErrorCode(err) == core.ENOTFOUND {
		return "", nil // deleted meanwhile
	} else if err != nil {
		return "", err
	}
	next, reason := decide(h)
	if !next.Equal(h.Failures) || reason != "" {
		store.SetWebhookHealth(u, r.EndpointID, next, reason, r.At)
	}
	return reason, nil
}
