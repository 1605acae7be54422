package webhook

import (
	"slices"

	"github.com/aftersales/aftersales/core"
)

// Subscriptions are the entries of an endpoint's event types that
// subscribe it to eventType: the type itself and "*" (every type,
// including ones added later). The adapter selects the endpoints whose
// event types include any of them (core.WebhookDeliveryStore).
func Subscriptions(eventType string) []string {
	return []string{eventType, core.WebhookAllEvents}
}

// Receives reports whether endpoint e gets a delivery of an event of
// eventType: it is enabled (a disabled one gets nothing, not even later)
// and subscribed to the type.
func Receives(e *core.WebhookEndpoint, eventType string) bool {
	return e.Enabled && slices.ContainsFunc(Subscriptions(eventType), func(t string) bool { return slices.Contains(e.EventTypes, t) })
}
