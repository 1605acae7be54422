package coretest

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

// The fake's core.WebhookDeliveryStore: what the webhook jobs do with
// deliveries, as the adapter's SQL does it.

// CreateWebhookDeliveries implements core.WebhookDeliveryStore.
func (f *Webhooks) CreateWebhookDeliveries(_ context.Context, u core.UnitOfWork, m core.OutboxMessage, body json.RawMessage) error {
	r := webhookRepo{f: f, u: UnitOf[WebhookTenants](u)}
	t := r.t()
	at := f.clock.Now().Truncate(time.Microsecond)
	created := false
	for _, e := range t.Endpoints {
		if !webhook.Receives(&e.WebhookEndpoint, m.Type) || slices.ContainsFunc(mapValues(t.Deliveries), func(d StoredDelivery) bool {
			return d.OutboxID == m.ID && d.EndpointID == e.ID
		}) {
			continue
		}
		id := uuid.New()
		next := at
		t.Deliveries[id] = StoredDelivery{OutboxID: m.ID, WebhookDelivery: core.WebhookDelivery{ID: id, EndpointID: e.ID,
			EventType: m.Type, Status: core.WebhookPending, NextAttemptAt: &next, Body: slices.Clone(body), CreatedAt: at}}
		created = true
	}
	if created {
		u.AfterCommit(f.wake)
	}
	return nil
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// ClaimDueWebhooks implements core.WebhookDeliveryStore: in a platform
// unit, across tenants.
func (f *Webhooks) ClaimDueWebhooks(_ context.Context, u core.UnitOfWork, now time.Time, limit int, staleAfter time.Duration) ([]core.WebhookDue, error) {
	type due struct {
		core.WebhookDue
		at time.Time
	}
	var all []due
	for tenant, t := range UnitOf[WebhookTenants](u).State() {
		for id, d := range t.Deliveries {
			if d.Status == core.WebhookPending && d.NextAttemptAt != nil && !d.NextAttemptAt.After(now) &&
				(d.AttemptingUntil == nil || d.AttemptingUntil.Before(now)) &&
				(d.EnqueuedAt == nil || d.EnqueuedAt.Before(now.Add(-staleAfter))) {
				all = append(all, due{core.WebhookDue{TenantID: tenant, ID: id}, *d.NextAttemptAt})
			}
		}
	}
	slices.SortFunc(all, func(a, b due) int { return a.at.Compare(b.at) })
	out := make([]core.WebhookDue, 0, min(len(all), limit))
	for _, d := range all[:min(len(all), limit)] {
		t := UnitOf[WebhookTenants](u).State()[d.TenantID]
		s := t.Deliveries[d.ID]
		at := now
		s.EnqueuedAt = &at
		t.Deliveries[d.ID] = s
		out = append(out, d.WebhookDue)
	}
	return out, nil
}

// ListenWebhooks implements core.WebhookDeliveryStore: wake is called
// once now and after every commit that made a delivery due, until ctx
// ends.
func (f *Webhooks) ListenWebhooks(ctx context.Context, wake func()) {
	f.mu.Lock()
	f.listeners = append(f.listeners, wake)
	n := len(f.listeners) - 1
	f.mu.Unlock()
	wake()
	<-ctx.Done()
	f.mu.Lock()
	f.listeners[n] = func() {}
	f.mu.Unlock()
}

// StartWebhookAttempt implements core.WebhookDeliveryStore.
func (f *Webhooks) StartWebhookAttempt(_ context.Context, u core.UnitOfWork, id uuid.UUID, now time.Time, lease time.Duration) (*core.WebhookSend, error) {
	t := webhookRepo{f: f, u: UnitOf[WebhookTenants](u)}.t()
	d, ok := t.Deliveries[id]
	if !ok {
		return nil, nil
	}
	e := t.Endpoints[d.EndpointID]
	free := d.AttemptingUntil == nil || d.AttemptingUntil.Before(now)
	if d.Status != core.WebhookPending || !free {
		return nil, nil
	}
	if !e.Enabled { // fails now rather than wait for re-enabling
		d.Status, d.NextAttemptAt, d.EnqueuedAt, d.LastError = core.WebhookFailed, nil, nil, "endpoint disabled"
		t.Deliveries[id] = d
		return nil, nil
	}
	if d.NextAttemptAt == nil || d.NextAttemptAt.After(now) {
		return nil, nil
	}
	until := now.Add(lease)
	d.Attempts, d.SeriesAttempts, d.AttemptingUntil, d.EnqueuedAt = d.Attempts+1, d.SeriesAttempts+1, &until, nil
	t.Deliveries[id] = d
	w := &core.WebhookSend{ID: id, EndpointID: e.ID, URL: e.URL, Secret: e.Secret, Body: slices.Clone(d.Body),
		Attempt: d.SeriesAttempts, N: d.Attempts}
	if e.PreviousUntil != nil && e.PreviousUntil.After(now) {
		w.PreviousSecret = e.PreviousSecret
	}
	return w, nil
}

// RecordWebhookAttempt implements core.WebhookDeliveryStore.
func (f *Webhooks) RecordWebhookAttempt(_ context.Context, u core.UnitOfWork, r core.WebhookResult, status string) (core.WebhookHealth, error) {
	t := webhookRepo{f: f, u: UnitOf[WebhookTenants](u)}.t()
	if d, ok := t.Deliveries[r.DeliveryID]; ok {
		if !slices.ContainsFunc(d.AttemptLog, func(a core.WebhookAttempt) bool { return a.N == r.N }) {
			d.AttemptLog = append(d.AttemptLog, core.WebhookAttempt{N: r.N, At: r.At, StatusCode: r.StatusCode,
				DurationMS: r.Duration.Milliseconds(), Error: r.Error, Response: r.Response})
			slices.SortFunc(d.AttemptLog, func(a, b core.WebhookAttempt) int { return a.N - b.N })
		}
		if d.Attempts == r.N { // not overtaken by a later attempt
			d.Status, d.NextAttemptAt, d.AttemptingUntil, d.LastStatus, d.LastError = status, r.RetryAt, nil, r.StatusCode, r.Error
			d.DeliveredAt = nil
			if status == core.WebhookDelivered {
				at := r.At
				d.DeliveredAt = &at
			}
		}
		t.Deliveries[r.DeliveryID] = d
	}
	return f.health(t, r.EndpointID)
}

func (f *Webhooks) health(t *WebhookTenant, endpointID uuid.UUID) (core.WebhookHealth, error) {
	e, ok := t.Endpoints[endpointID]
	if !ok {
		return core.WebhookHealth{}, core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	return core.WebhookHealth{Enabled: e.Enabled, Failures: e.Failures}, nil
}

// LockWebhookHealth implements core.WebhookDeliveryStore (a unit of the
// fake works on its own copy: there is nothing to lock).
func (f *Webhooks) LockWebhookHealth(_ context.Context, u core.UnitOfWork, endpointID uuid.UUID) (core.WebhookHealth, error) {
	return f.health(webhookRepo{f: f, u: UnitOf[WebhookTenants](u)}.t(), endpointID)
}

// SetWebhookHealth implements core.WebhookDeliveryStore.
func (f *Webhooks) SetWebhookHealth(u core.UnitOfWork, endpointID uuid.UUID, fs core.WebhookFailures, disabledReason string, at time.Time) {
	t := webhookRepo{f: f, u: UnitOf[WebhookTenants](u)}.t()
	e, ok := t.Endpoints[endpointID]
	if !ok {
		return
	}
	e.Failures = fs
	if disabledReason != "" {
		e.Enabled, e.DisabledReason, e.DisabledAt, e.UpdatedAt = false, disabledReason, &at, at
	}
	t.Endpoints[endpointID] = e
}
