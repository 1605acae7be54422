package coretest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

// WebhookEnv is what the webhook scenarios run on: a store of endpoints
// (webhook.Store) and of their deliveries (core.WebhookDeliveryStore)
// with two tenants, and the clock that stamps what it stores.
type WebhookEnv struct {
	Units         core.UnitsOfWork
	Store         webhook.Store
	Deliveries    core.WebhookDeliveryStore
	Clock         *Clock
	Tenant, Other uuid.UUID
}

// NewMemoryWebhookEnv seeds the fake with a WebhookEnv's tenants.
func NewMemoryWebhookEnv() WebhookEnv {
	clock := &Clock{}
	f := NewWebhooks(clock)
	e := WebhookEnv{Units: f, Store: f, Deliveries: f, Clock: clock, Tenant: uuid.New(), Other: uuid.New()}
	f.Write(func(ts WebhookTenants) WebhookTenants {
		ts[e.Tenant], ts[e.Other] = NewWebhookTenant(), NewWebhookTenant()
		return ts
	})
	return e
}

// WebhookScenario is one scenario of the webhook use cases.
type WebhookScenario struct {
	Name string
	Run  func(t *testing.T, e WebhookEnv)
}

func (e WebhookEnv) service() *webhook.Service {
	return webhook.New(webhook.Config{Store: e.Store, Clock: e.Clock})
}

// now is the clock's time at the database's precision.
func (e WebhookEnv) now() time.Time { return e.Clock.Now().Truncate(time.Microsecond) }

// call runs fn in a unit of tenant and commits it.
func webhookCall[T any](e WebhookEnv, tenant uuid.UUID, fn func(s *webhook.Service, u core.UnitOfWork) (T, error)) (T, error) {
	var out T
	err := core.InUnitOfWork(context.Background(), e.Units, tenant, func(u core.UnitOfWork) (err error) {
		out, err = fn(e.service(), u)
		return err
	})
	return out, err
}

func (e WebhookEnv) create(t *testing.T, tenant uuid.UUID, types ...string) *core.WebhookEndpoint {
	t.Helper()
	w, err := webhookCall(e, tenant, func(s *webhook.Service, u core.UnitOfWork) (*core.WebhookEndpoint, error) {
		return s.CreateWebhook(context.Background(), u, core.NewWebhookEndpoint{URL: "https://hooks.example.com/" + types[0],
			EventTypes: types})
	})
	check(t).NoError(err)
	return w
}

func (e WebhookEnv) endpoint(t *testing.T, tenant, id uuid.UUID) *core.WebhookEndpoint {
	t.Helper()
	w, err := webhookCall(e, tenant, func(s *webhook.Service, u core.UnitOfWork) (*core.WebhookEndpoint, error) {
		return s.FindWebhookByID(context.Background(), u, id)
	})
	check(t).NoError(err)
	return w
}

func (e WebhookEnv) update(t *testing.T, id uuid.UUID, up core.WebhookEndpointUpdate) *core.WebhookEndpoint {
	t.Helper()
	w, err := webhookCall(e, e.Tenant, func(s *webhook.Service, u core.UnitOfWork) (*core.WebhookEndpoint, error) {
		return s.UpdateWebhook(context.Background(), u, id, up)
	})
	check(t).NoError(err)
	return w
}

// fanOut creates the deliveries of outbox message id of type typ.
func (e WebhookEnv) fanOut(t *testing.T, tenant uuid.UUID, id int64, typ string) {
	t.Helper()
	check(t).NoError(core.InUnitOfWork(context.Background(), e.Units, tenant, func(u core.UnitOfWork) error {
		return e.Deliveries.CreateWebhookDeliveries(context.Background(), u, core.OutboxMessage{TenantID: tenant, ID: id,
			AggregateID: uuid.New(), Type: typ, Payload: []byte(`{}`)}, []byte(`{"type":"`+typ+`"}`))
	}))
}

func (e WebhookEnv) deliveries(t *testing.T, tenant, endpoint uuid.UUID) []*core.WebhookDelivery {
	t.Helper()
	var out []*core.WebhookDelivery
	check(t).NoError(core.InUnitOfWork(context.Background(), e.Units, tenant, func(u core.UnitOfWork) error {
		var err error
		out, _, err = e.Store.Webhooks(u).FindWebhookDeliveries(context.Background(), endpoint, "", 0)
		return err
	}))
	return out
}

func (e WebhookEnv) delivery(tenant, endpoint, id uuid.UUID) (*core.WebhookDelivery, error) {
	return webhookCall(e, tenant, func(s *webhook.Service, u core.UnitOfWork) (*core.WebhookDelivery, error) {
		return s.FindWebhookDelivery(context.Background(), u, endpoint, id)
	})
}

func (e WebhookEnv) replay(endpoint, id uuid.UUID) (*core.WebhookDelivery, error) {
	return webhookCall(e, e.Tenant, func(s *webhook.Service, u core.UnitOfWork) (*core.WebhookDelivery, error) {
		return s.ReplayWebhookDelivery(context.Background(), u, endpoint, id)
	})
}

// start takes a delivery of Tenant for an attempt now, leased for a
// minute (nil: not taken).
func (e WebhookEnv) start(t *testing.T, id uuid.UUID) *core.WebhookSend {
	t.Helper()
	var send *core.WebhookSend
	check(t).NoError(core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) (err error) {
		send, err = e.Deliveries.StartWebhookAttempt(context.Background(), u, id, e.now(), time.Minute)
		return err
	}))
	return send
}

// attempt makes one attempt of a delivery of Tenant: it answers status
// (2xx delivers it; else retryIn, when set, schedules the next attempt)
// and the endpoint's record is kept by policy p. It returns the reason
// the endpoint was disabled for, if it was.
func (e WebhookEnv) attempt(t *testing.T, id uuid.UUID, status int, retryIn time.Duration, p core.WebhookDisablePolicy) string {
	t.Helper()
	send := e.start(t, id)
	check(t).NotNil(send, "the delivery is taken")
	at := e.now()
	r := core.WebhookResult{DeliveryID: id, EndpointID: send.EndpointID, N: send.N, At: at, StatusCode: status,
		Delivered: status >= 200 && status < 300}
	if !r.Delivered {
		r.Error = "HTTP " + strconv.Itoa(status)
		if retryIn > 0 {
			retry := at.Add(retryIn)
			r.RetryAt = &retry
		}
	}
	var reason string
	check(t).NoError(core.InUnitOfWork(context.Background(), e.Units, e.Tenant, func(u core.UnitOfWork) (err error) {
		reason, err = webhook.FinishAttempt(context.Background(), e.Deliveries, u, r, p)
		return err
	}))
	return reason
}

// claim hands out the due deliveries of every tenant, as the sweeper does.
func (e WebhookEnv) claim(t *testing.T) []core.WebhookDue {
	t.Helper()
	var out []core.WebhookDue
	check(t).NoError(core.InUnitOfWork(context.Background(), e.Units, uuid.Nil, func(u core.UnitOfWork) (err error) {
		out, err = e.Deliveries.ClaimDueWebhooks(context.Background(), u, e.now(), 100, 30*time.Second)
		return err
	}))
	return out
}

func (e WebhookEnv) onlyDelivery(t *testing.T, endpoint uuid.UUID) *core.WebhookDelivery {
	t.Helper()
	ds := e.deliveries(t, e.Tenant, endpoint)
	check(t).Len(ds, 1)
	return ds[0]
}
