// Package webhook holds the use cases of tenants' webhooks: registering,
// changing, re-enabling and deleting endpoints, rotating their signing
// secrets, and showing and replaying their deliveries. It decides; the
// repository of its Store (the PostgreSQL adapter, or the in-memory fake
// of core/coretest) only reads and writes. Delivering is jobs'
// (jobs/webhook*.go).
package webhook

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Service runs the webhook use cases. Every method reads and writes
// through the unit of work it is given and leaves it open: its caller
// commits (see core.UnitOfWork).
type Service struct {
	store  Store
	egress *core.EgressGuard
	clock  core.Clock
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	// Egress checks where endpoint URLs point when they are set (nil:
	// unchecked; tests without a network). The deliverer checks again at
	// each connection.
	Egress *core.EgressGuard
	Clock  core.Clock // nil: the system clock
}

// New returns the webhook use cases.
func New(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	return &Service{store: c.Store, egress: c.Egress, clock: c.Clock}
}

// now is the clock's time at the database's precision.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// CreateWebhook registers an endpoint, enabled, with a fresh secret, which
// the result carries (and no later read does). EINVALID for a bad URL or
// event type, or a URL the egress guard refuses (a port or an address
// that is not public).
func (s *Service) CreateWebhook(ctx context.Context, u core.UnitOfWork, n core.NewWebhookEndpoint) (*core.WebhookEndpoint, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkURL(ctx, n.URL); err != nil {
		return nil, err
	}
	now := s.now()
	e := &core.WebhookEndpoint{ID: uuid.New(), URL: n.URL, Description: n.Description, EventTypes: n.EventTypes, Enabled: true,
		CreatedAt: now, UpdatedAt: now}
	secret := core.NewWebhookSecret()
	s.store.Webhooks(u).InsertWebhook(e, secret)
	e.Secret = secret
	s.record(ctx, u, audit.ActCreate, e.ID, nil, e)
	return e, nil
}

// checkURL asks the egress guard whether deliveries may go to raw.
func (s *Service) checkURL(ctx context.Context, raw string) error {
	if s.egress == nil {
		return nil
	}
	return s.egress.CheckURL(ctx, "url", raw)
}

// FindWebhooks lists endpoints by ID; returns the next cursor. EINVALID
// for a bad cursor.
func (s *Service) FindWebhooks(ctx context.Context, u core.UnitOfWork, after string, limit int) ([]*core.WebhookEndpoint, string, error) {
	return s.store.Webhooks(u).FindWebhooks(ctx, after, limit)
}

// FindWebhookByID: ENOTFOUND.
func (s *Service) FindWebhookByID(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.WebhookEndpoint, error) {
	return s.store.Webhooks(u).FindWebhookByID(ctx, id)
}

// UpdateWebhook changes the fields set. Enabling clears the failure
// record and the reason the platform disabled it for; disabling keeps the
// time it was first disabled. ENOTFOUND, EINVALID (as for create).
func (s *Service) UpdateWebhook(ctx context.Context, u core.UnitOfWork, id uuid.UUID, up core.WebhookEndpointUpdate) (*core.WebhookEndpoint, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	if up.URL != nil {
		if err := s.checkURL(ctx, *up.URL); err != nil {
			return nil, err
		}
	}
	repo := s.store.Webhooks(u)
	e, err := repo.LockWebhook(ctx, id)
	if err != nil {
		return nil, err
	}
	before := *e
	now := s.now()
	if up.URL != nil {
		e.URL = *up.URL
	}
	if up.Description != nil {
		e.Description = *up.Description
	}
	if up.EventTypes != nil {
		e.EventTypes = up.EventTypes
	}
	enabling := up.Enabled != nil && *up.Enabled
	if up.Enabled != nil {
		e.Enabled, e.DisabledReason = *up.Enabled, ""
		switch {
		case enabling:
			e.DisabledAt, e.FailedDeliveries = nil, 0
		case e.DisabledAt == nil:
			e.DisabledAt = &now
		}
	}
	e.UpdatedAt = now
	repo.UpdateWebhook(e, enabling)
	s.record(ctx, u, audit.ActUpdate, id, &before, e)
	return e, nil
}

// DeleteWebhook deletes the endpoint and its deliveries: ENOTFOUND.
func (s *Service) DeleteWebhook(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error {
	repo := s.store.Webhooks(u)
	e, err := repo.LockWebhook(ctx, id)
	if err != nil {
		return err
	}
	if err := repo.DeleteWebhook(ctx, id); err != nil {
		return err
	}
	s.record(ctx, u, audit.ActDelete, id, e, nil)
	return nil
}

// record records a change of endpoint id in the audit log (the secret,
// where there is one, redacted), without the newest delivery: the admin
// did not change that.
func (s *Service) record(ctx context.Context, u core.UnitOfWork, action string, id uuid.UUID, before, after *core.WebhookEndpoint) {
	audit.Record(ctx, s.store, u, audit.Change{Action: action, ResourceType: audit.ResWebhook, ResourceID: id.String(),
		Before: withoutLastDelivery(before), After: withoutLastDelivery(after)})
}

func withoutLastDelivery(e *core.WebhookEndpoint) *core.WebhookEndpoint {
	if e == nil || e.LastDelivery == nil {
		return e
	}
	c := *e
	c.LastDelivery = nil
	return &c
}

// RotateWebhookSecret replaces the secret; the result carries the new one.
// Attempts from now on (retries of earlier deliveries included) are signed
// with it, and with the previous one for core.WebhookSecretOverlap, so
// receivers can switch over. ENOTFOUND.
func (s *Service) RotateWebhookSecret(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (*core.WebhookEndpoint, error) {
	repo := s.store.Webhooks(u)
	e, err := repo.LockWebhook(ctx, id)
	if err != nil {
		return nil, err
	}
	before := *e
	now := s.now()
	e.Secret, e.UpdatedAt = core.NewWebhookSecret(), now
	repo.RotateWebhookSecret(id, e.Secret, now.Add(core.WebhookSecretOverlap), now)
	s.record(ctx, u, audit.ActRotateSecret, id, &before, e)
	return e, nil
}
