package coretest

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

// Webhooks is the in-memory fake of webhook.Store and of
// core.WebhookDeliveryStore (and of the units they need): one database of
// WebhookTenants.
type Webhooks struct {
	*Memory[WebhookTenants]
	AuditLog

	clock     core.Clock // stamps new deliveries, as the adapter's does
	mu        sync.Mutex
	listeners []func() // ListenWebhooks' wake-ups
}

// WebhookTenants are the fake's webhook rows by tenant.
type WebhookTenants map[uuid.UUID]*WebhookTenant

// WebhookTenant is one tenant's endpoints and their deliveries.
type WebhookTenant struct {
	Endpoints  map[uuid.UUID]StoredWebhook
	Deliveries map[uuid.UUID]StoredDelivery
}

// StoredWebhook is an endpoint with its secrets and failure record.
type StoredWebhook struct {
	core.WebhookEndpoint
	PreviousSecret string
	PreviousUntil  *time.Time
	Failures       core.WebhookFailures
}

// StoredDelivery is a delivery with its bookkeeping.
type StoredDelivery struct {
	core.WebhookDelivery
	OutboxID        int64
	SeriesAttempts  int
	AttemptingUntil *time.Time
	EnqueuedAt      *time.Time
}

// NewWebhooks returns an empty fake whose new deliveries are stamped by
// clock (nil: the system clock).
func NewWebhooks(clock core.Clock) *Webhooks {
	if clock == nil {
		clock = core.SystemClock{}
	}
	return &Webhooks{Memory: NewMemory(WebhookTenants{}, cloneWebhookTenants), clock: clock}
}

// NewWebhookTenant returns a tenant with no rows.
func NewWebhookTenant() *WebhookTenant {
	return &WebhookTenant{Endpoints: map[uuid.UUID]StoredWebhook{}, Deliveries: map[uuid.UUID]StoredDelivery{}}
}

func cloneWebhookTenants(ts WebhookTenants) WebhookTenants {
	out := make(WebhookTenants, len(ts))
	for id, t := range ts {
		c := &WebhookTenant{Endpoints: maps.Clone(t.Endpoints), Deliveries: make(map[uuid.UUID]StoredDelivery, len(t.Deliveries))}
		for k, d := range t.Deliveries {
			d.AttemptLog = slices.Clone(d.AttemptLog)
			c.Deliveries[k] = d
		}
		out[id] = c
	}
	return out
}

// Webhooks implements webhook.Store.
func (f *Webhooks) Webhooks(u core.UnitOfWork) webhook.Repository {
	return webhookRepo{f: f, u: UnitOf[WebhookTenants](u)}
}

// webhookRepo is the fake's webhook.Repository, and its delivery store's
// view of a unit's tenant.
type webhookRepo struct {
	f *Webhooks
	u *Unit[WebhookTenants]
}

func (r webhookRepo) t() *WebhookTenant {
	ts := r.u.State()
	t, ok := ts[r.u.TenantID()]
	if !ok { // row-level security shows an unknown tenant nothing, and keeps nothing it writes
		return NewWebhookTenant()
	}
	return t
}

// endpoint returns a copy of a stored endpoint without its secret, as
// the adapter reads one.
func endpointOut(e StoredWebhook) *core.WebhookEndpoint {
	out := e.WebhookEndpoint
	out.Secret, out.EventTypes = "", slices.Clone(e.EventTypes)
	return &out
}

func (r webhookRepo) InsertWebhook(e *core.WebhookEndpoint, secret string) {
	s := StoredWebhook{WebhookEndpoint: *e}
	s.EventTypes, s.Secret = slices.Clone(e.EventTypes), secret
	r.t().Endpoints[e.ID] = s
}

func (r webhookRepo) FindWebhooks(_ context.Context, after string, limit int) ([]*core.WebhookEndpoint, string, error) {
	cur, err := uuidCursor(after)
	if err != nil {
		return nil, "", err
	}
	var out []*core.WebhookEndpoint
	for id, e := range r.t().Endpoints {
		if cur == nil || bytes.Compare(id[:], cur[:]) > 0 {
			out = append(out, endpointOut(e))
		}
	}
	slices.SortFunc(out, func(a, b *core.WebhookEndpoint) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return cutPage(out, limit, func(e *core.WebhookEndpoint) string { return e.ID.String() })
}

// uuidCursor reads a cursor that is an ID ("" for the first page).
func uuidCursor(after string) (*uuid.UUID, error) {
	if after == "" {
		return nil, nil
	}
	id, err := uuid.Parse(after)
	if err != nil {
		return nil, core.FieldError("cursor", "is not a cursor returned by this list")
	}
	return &id, nil
}

func (r webhookRepo) FindWebhookByID(_ context.Context, id uuid.UUID) (*core.WebhookEndpoint, error) {
	e, ok := r.t().Endpoints[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	return endpointOut(e), nil
}

func (r webhookRepo) LockWebhook(ctx context.Context, id uuid.UUID) (*core.WebhookEndpoint, error) {
	return r.FindWebhookByID(ctx, id)
}

func (r webhookRepo) UpdateWebhook(e *core.WebhookEndpoint, clearFailures bool) {
	t := r.t()
	s, ok := t.Endpoints[e.ID]
	if !ok {
		return
	}
	s.URL, s.Description, s.EventTypes, s.Enabled = e.URL, e.Description, slices.Clone(e.EventTypes), e.Enabled
	s.DisabledReason, s.DisabledAt, s.UpdatedAt = e.DisabledReason, e.DisabledAt, e.UpdatedAt
	if clearFailures {
		s.Failures = core.WebhookFailures{}
	}
	t.Endpoints[e.ID] = s
}

func (r webhookRepo) DeleteWebhook(_ context.Context, id uuid.UUID) error {
	t := r.t()
	if _, ok := t.Endpoints[id]; !ok {
		return core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	delete(t.Endpoints, id)
	maps.DeleteFunc(t.Deliveries, func(_ uuid.UUID, d StoredDelivery) bool { return d.EndpointID == id })
	return nil
}

func (r webhookRepo) RotateWebhookSecret(id uuid.UUID, secret string, previousUntil, at time.Time) {
	t := r.t()
	s, ok := t.Endpoints[id]
	if !ok {
		return
	}
	s.PreviousSecret, s.PreviousUntil, s.Secret, s.UpdatedAt = s.Secret, &previousUntil, secret, at
	t.Endpoints[id] = s
}

// deliveryOut returns a copy of a stored delivery, with its attempts when
// withLog.
func deliveryOut(d StoredDelivery, withLog bool) *core.WebhookDelivery {
	out := d.WebhookDelivery
	out.Body = slices.Clone(d.Body)
	out.AttemptLog = nil
	if withLog {
		out.AttemptLog = slices.Clone(d.AttemptLog)
	}
	return &out
}

func (r webhookRepo) FindWebhookDeliveries(_ context.Context, endpointID uuid.UUID, after string, limit int) ([]*core.WebhookDelivery, string, error) {
	cur, err := uuidCursor(after)
	if err != nil {
		return nil, "", err
	}
	t := r.t()
	newestFirst := func(a, b *core.WebhookDelivery) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return bytes.Compare(b.ID[:], a.ID[:])
	}
	var from *core.WebhookDelivery
	if cur != nil {
		if d, ok := t.Deliveries[*cur]; ok {
			from = deliveryOut(d, false)
		}
	}
	var out []*core.WebhookDelivery
	for _, d := range t.Deliveries {
		if d.EndpointID == endpointID && (cur == nil || from != nil && newestFirst(from, &d.WebhookDelivery) < 0) {
			out = append(out, deliveryOut(d, false))
		}
	}
	slices.SortFunc(out, newestFirst)
	return cutPage(out, limit, func(d *core.WebhookDelivery) string { return d.ID.String() })
}

func (r webhookRepo) FindWebhookDelivery(_ context.Context, endpointID, id uuid.UUID) (*core.WebhookDelivery, error) {
	d, ok := r.t().Deliveries[id]
	if !ok || d.EndpointID != endpointID {
		return nil, core.Errorf(core.ENOTFOUND, "webhook delivery not found")
	}
	return deliveryOut(d, true), nil
}

func (r webhookRepo) LockDelivery(_ context.Context, endpointID, id uuid.UUID) (webhook.DeliveryState, error) {
	t := r.t()
	d, ok := t.Deliveries[id]
	if !ok || d.EndpointID != endpointID {
		return webhook.DeliveryState{}, core.Errorf(core.ENOTFOUND, "webhook delivery not found")
	}
	return webhook.DeliveryState{AttemptingUntil: d.AttemptingUntil, EndpointEnabled: t.Endpoints[endpointID].Enabled}, nil
}

func (r webhookRepo) RestartDelivery(_ context.Context, id uuid.UUID, at time.Time) (*core.WebhookDelivery, error) {
	t := r.t()
	d, ok := t.Deliveries[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "webhook delivery not found")
	}
	d.Status, d.SeriesAttempts, d.NextAttemptAt, d.EnqueuedAt, d.DeliveredAt = core.WebhookPending, 0, &at, nil, nil
	t.Deliveries[id] = d
	r.u.AfterCommit(r.f.wake)
	return deliveryOut(d, false), nil
}

// wake calls the listeners of ListenWebhooks.
func (f *Webhooks) wake() {
	f.mu.Lock()
	ls := slices.Clone(f.listeners)
	f.mu.Unlock()
	for _, l := range ls {
		l()
	}
}
