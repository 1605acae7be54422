package coretest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

// WebhookScenarios are the decisions about endpoints and their
// deliveries: who gets an event, what an attempt's outcome does to the
// delivery and to the endpoint's failure record, when an endpoint is
// disabled, and what a replay, a rotation or a deletion does.
func WebhookScenarios() []WebhookScenario {
	ctx := context.Background()
	return []WebhookScenario{
		{"endpoints are created enabled with a secret shown once, listed by ID in pages, and no other tenant's", func(t *testing.T, e WebhookEnv) {
			var ids []uuid.UUID
			for range 3 {
				w := e.create(t, e.Tenant, core.OutboxWorkOrderCreated)
				check(t).True(w.Enabled)
				check(t).True(strings.HasPrefix(w.Secret, "whsec_"), w.Secret)
				ids = append(ids, w.ID)
			}
			slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
			page, next, err := webhookCall2(e, e.Tenant, func(s *webhook.Service, u core.UnitOfWork) ([]*core.WebhookEndpoint, string, error) {
				return s.FindWebhooks(ctx, u, "", 2)
			})
			check(t).NoError(err)
			check(t).Equal(ids[:2], []uuid.UUID{page[0].ID, page[1].ID})
			check(t).Equal("", page[0].Secret, "the secret is not read back")
			page, next, err = webhookCall2(e, e.Tenant, func(s *webhook.Service, u core.UnitOfWork) ([]*core.WebhookEndpoint, string, error) {
				return s.FindWebhooks(ctx, u, next, 2)
			})
			check(t).NoError(err)
			check(t).Len(page, 1)
			check(t).Equal(ids[2], page[0].ID)
			check(t).Equal("", next)
			_, _, err = webhookCall2(e, e.Tenant, func(s *webhook.Service, u core.UnitOfWork) ([]*core.WebhookEndpoint, string, error) {
				return s.FindWebhooks(ctx, u, "nope", 2)
			})
			check(t).Equal(core.EINVALID, core.ErrorCode(err))

			others, _, err := webhookCall2(e, e.Other, func(s *webhook.Service, u core.UnitOfWork) ([]*core.WebhookEndpoint, string, error) {
				return s.FindWebhooks(ctx, u, "", 0)
			})
			check(t).NoError(err)
			check(t).Empty(others)
			_, err = webhookCall(e, e.Other, func(s *webhook.Service, u core.UnitOfWork) (*core.WebhookEndpoint, error) {
				return s.UpdateWebhook(ctx, u, ids[0], core.WebhookEndpointUpdate{Enabled: ptr(false)})
			})
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err), "another tenant cannot change it")
			_, err = webhookCall(e, e.Other, func(s *webhook.Service, u core.UnitOfWork) (struct{}, error) {
				return struct{}{}, s.DeleteWebhook(ctx, u, ids[0])
			})
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err), "nor delete it")
			check(t).True(e.endpoint(t, e.Tenant, ids[0]).Enabled)
		}},
		{"an event goes once to each enabled endpoint subscribed to its type or to all, and to no other", func(t *testing.T, e WebhookEnv) {
			created := e.create(t, e.Tenant, core.OutboxWorkOrderCreated)
			all := e.create(t, e.Tenant, core.WebhookAllEvents)
			other := e.create(t, e.Tenant, core.OutboxWorkOrderDispatched, core.OutboxWorkOrderCompleted)
			off := e.update(t, e.create(t, e.Tenant, core.OutboxWorkOrderCreated).ID, core.WebhookEndpointUpdate{Enabled: ptr(false)})
			elsewhere := e.create(t, e.Other, core.WebhookAllEvents)
			e.fanOut(t, e.Tenant, 1, core.OutboxWorkOrderCreated)
			e.fanOut(t, e.Tenant, 1, core.OutboxWorkOrderCreated) // the message handled twice
			e.fanOut(t, e.Tenant, 2, core.OutboxWorkOrderDispatched)
			for _, w := range []*core.WebhookEndpoint{created, all, other, off} {
				var want []string
				for _, typ := range []string{core.OutboxWorkOrderCreated, core.OutboxWorkOrderDispatched} {
					if webhook.Receives(w, typ) { // the rule, as core states it
						want = append(want, typ)
					}
				}
				var got []string
				for _, d := range e.deliveries(t, e.Tenant, w.ID) {
					got = append(got, d.EventType)
					check(t).Equal(core.WebhookPending, d.Status)
				}
				slices.Sort(got)
				check(t).Equal(want, got, w.EventTypes, w.Enabled)
			}
			check(t).Len(e.deliveries(t, e.Tenant, created.ID), 1)
			check(t).Len(e.deliveries(t, e.Tenant, all.ID), 2)
			check(t).Len(e.deliveries(t, e.Tenant, off.ID), 0)
			check(t).Empty(e.deliveries(t, e.Other, elsewhere.ID), "another tenant's events are not its")
		}},
		{"failed deliveries count until the policy disables the endpoint; re-enabling clears the record; a success clears it", func(t *testing.T, e WebhookEnv) {
			p := core.WebhookDisablePolicy{Deliveries: 2}
			w := e.create(t, e.Tenant, core.OutboxWorkOrderCreated)
			e.fanOut(t, e.Tenant, 1, core.OutboxWorkOrderCreated)
			first := e.onlyDelivery(t, w.ID).ID
			e.fanOut(t, e.Tenant, 2, core.OutboxWorkOrderCreated)

			check(t).Equal("", e.attempt(t, first, 503, time.Minute, p))
			d, err := e.delivery(e.Tenant, w.ID, first)
			check(t).NoError(err)
			check(t).Equal(core.WebhookPending, d.Status, "a retry is scheduled")
			check(t).Equal(503, d.LastStatus)
			check(t).Nil(e.start(t, first), "not due before its retry")
			e.Clock.Advance(time.Minute)
			check(t).Equal("", e.attempt(t, first, 500, 0, p), "one failed delivery is below the limit")
			d, err = e.delivery(e.Tenant, w.ID, first)
			check(t).NoError(err)
			check(t).Equal(core.WebhookFailed, d.Status)
			check(t).Len(d.AttemptLog, 2)
			check(t).Equal([]int{503, 500}, []int{d.AttemptLog[0].StatusCode, d.AttemptLog[1].StatusCode})
			check(t).True(e.endpoint(t, e.Tenant, w.ID).Enabled)

			var second uuid.UUID
			for _, d := range e.deliveries(t, e.Tenant, w.ID) {
				if d.ID != first {
					second = d.ID
				}
			}
			check(t).Equal("disabled after 2 failed deliveries in a row", e.attempt(t, second, 404, 0, p))
			got := e.endpoint(t, e.Tenant, w.ID)
			check(t).False(got.Enabled)
			check(t).Equal("disabled after 2 failed deliveries in a row", got.DisabledReason)
			check(t).NotNil(got.DisabledAt)
			e.fanOut(t, e.Tenant, 3, core.OutboxWorkOrderCreated)
			check(t).Len(e.deliveries(t, e.Tenant, w.ID), 2, "a disabled endpoint gets nothing")
			_, err = e.replay(w.ID, first)
			check(t).Equal(core.ECONFLICT, core.ErrorCode(err), "no replay while disabled")

			got = e.update(t, w.ID, core.WebhookEndpointUpdate{Enabled: ptr(true)})
			check(t).True(got.Enabled)
			check(t).Equal("", got.DisabledReason)
			check(t).Nil(got.DisabledAt)
			e.fanOut(t, e.Tenant, 4, core.OutboxWorkOrderCreated)
			var fourth uuid.UUID
			for _, d := range e.deliveries(t, e.Tenant, w.ID) {
				if d.ID != first && d.ID != second {
					fourth = d.ID
				}
			}
			check(t).Equal("", e.attempt(t, fourth, 500, 0, p), "the count started again at re-enabling")
			d, err = e.replay(w.ID, first)
			check(t).NoError(err)
			check(t).Equal(core.WebhookPending, d.Status)
			check(t).Equal("", e.attempt(t, first, 204, 0, p))
			d, err = e.delivery(e.Tenant, w.ID, first)
			check(t).NoError(err)
			check(t).Equal(core.WebhookDelivered, d.Status)
			check(t).NotNil(d.DeliveredAt)
			check(t).Len(d.AttemptLog, 3, "the replay's attempt is logged with the others")
			e.fanOut(t, e.Tenant, 5, core.OutboxWorkOrderCreated)
			for _, d := range e.deliveries(t, e.Tenant, w.ID) {
				if d.Status == core.WebhookPending {
					check(t).Equal("", e.attempt(t, d.ID, 500, 0, p), "the success cleared the count")
				}
			}
			check(t).True(e.endpoint(t, e.Tenant, w.ID).Enabled)
		}},
		{"an endpoint that no attempt has succeeded for the policy's time is disabled, naming since when", func(t *testing.T, e WebhookEnv) {
			p := core.WebhookDisablePolicy{For: time.Hour}
			w := e.create(t, e.Tenant, core.WebhookAllEvents)
			e.fanOut(t, e.Tenant, 1, core.OutboxWorkOrderCreated)
			id := e.onlyDelivery(t, w.ID).ID
			since := e.now()
			check(t).Equal("", e.attempt(t, id, 502, 40*time.Minute, p))
			e.Clock.Advance(40 * time.Minute)
			check(t).Equal("", e.attempt(t, id, 502, 40*time.Minute, p), "failing for 40 minutes")
			e.Clock.Advance(40 * time.Minute)
			reason := e.attempt(t, id, 502, 40*time.Minute, p)
			check(t).True(strings.HasPrefix(reason, "disabled: no delivery attempt succeeded since "), reason)
			stamp, err := time.Parse("2006-01-02T15:04:05Z", strings.TrimPrefix(reason, "disabled: no delivery attempt succeeded since "))
			check(t).NoError(err, reason)
			check(t).True(stamp.Sub(since) < 2*time.Second && since.Sub(stamp) < 2*time.Second, "since the first failure", reason)
			check(t).Equal(reason, e.endpoint(t, e.Tenant, w.ID).DisabledReason)
			e.Clock.Advance(40 * time.Minute)
			check(t).Nil(e.start(t, id), "a delivery of a disabled endpoint is not attempted")
			d, err := e.delivery(e.Tenant, w.ID, id)
			check(t).NoError(err)
			check(t).Equal(core.WebhookFailed, d.Status, "it fails at once")
			check(t).Equal("endpoint disabled", d.LastError)
			check(t).Equal(3, d.Attempts)
		}},
		{"an attempt under way is leased; a replay waits for it; a rotated secret signs alongside the old one for the overlap", func(t *testing.T, e WebhookEnv) {
			w := e.create(t, e.Tenant, core.OutboxWorkOrderCreated)
			e.fanOut(t, e.Tenant, 1, core.OutboxWorkOrderCreated)
			id := e.onlyDelivery(t, w.ID).ID
			check(t).Equal([]core.WebhookDue{{TenantID: e.Tenant, ID: id}}, e.claim(t), "due: handed out")
			check(t).Empty(e.claim(t), "handed out once until stale")
			send := e.start(t, id)
			check(t).NotNil(send)
			check(t).Equal(w.Secret, send.Secret)
			check(t).Equal("", send.PreviousSecret)
			check(t).Equal(1, send.Attempt)
			check(t).Nil(e.start(t, id), "leased to the first worker")
			_, err := e.replay(w.ID, id)
			check(t).Equal(core.ECONFLICT, core.ErrorCode(err), "no replay during an attempt")
			e.Clock.Advance(2 * time.Minute) // the lease ran out: its worker died
			check(t).Equal([]core.WebhookDue{{TenantID: e.Tenant, ID: id}}, e.claim(t), "handed out again")

			rotated, err := webhookCall(e, e.Tenant, func(s *webhook.Service, u core.UnitOfWork) (*core.WebhookEndpoint, error) {
				return s.RotateWebhookSecret(ctx, u, w.ID)
			})
			check(t).NoError(err)
			check(t).True(rotated.Secret != w.Secret, "a new secret")
			send = e.start(t, id)
			check(t).NotNil(send)
			check(t).Equal(rotated.Secret, send.Secret)
			check(t).Equal(w.Secret, send.PreviousSecret, "signed with the previous secret too")
			check(t).Equal(2, send.N)
		}},
		{"deleting an endpoint deletes its deliveries", func(t *testing.T, e WebhookEnv) {
			w := e.create(t, e.Tenant, core.WebhookAllEvents)
			e.fanOut(t, e.Tenant, 1, core.OutboxWorkOrderCreated)
			id := e.onlyDelivery(t, w.ID).ID
			_, err := webhookCall(e, e.Tenant, func(s *webhook.Service, u core.UnitOfWork) (struct{}, error) {
				return struct{}{}, s.DeleteWebhook(ctx, u, w.ID)
			})
			check(t).NoError(err)
			_, err = e.delivery(e.Tenant, w.ID, id)
			check(t).Equal(core.ENOTFOUND, core.ErrorCode(err))
			check(t).Empty(e.claim(t), "nothing left to deliver")
		}},
	}
}

// webhookCall2 is webhookCall for the lists (items and the next cursor).
func webhookCall2[T any](e WebhookEnv, tenant uuid.UUID, fn func(s *webhook.Service, u core.UnitOfWork) ([]T, string, error)) ([]T, string, error) {
	var next string
	out, err := webhookCall(e, tenant, func(s *webhook.Service, u core.UnitOfWork) (items []T, err error) {
		items, next, err = fn(s, u)
		return items, err
	})
	return out, next, err
}
