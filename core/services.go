package core

import (
	"context"
	"time"
)

// The services below are implemented by the PostgreSQL store. A method that
// works on a tenant's rows takes the unit of work it runs in (UnitOfWork)
// and sees only that tenant's rows.

// Role is a named set of permissions within a tenant.
type Role struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Builtin     bool         `json:"builtin"`
	Permissions []Permission `json:"permissions"`
}

// PlatformService manages platform administrators. It is not tenant-bound.
type PlatformService interface {
	// CreatePlatformAdmin creates an admin and returns its token.
	CreatePlatformAdmin(ctx context.Context, name string) (string, error)
	// EnsurePlatformAdmin creates admin `name` and returns its token only
	// when no platform admin exists yet; "" otherwise.
	EnsurePlatformAdmin(ctx context.Context, name string) (string, error)
	// AuthenticatePlatform resolves a platform token.
	AuthenticatePlatform(ctx context.Context, token Token) (*Principal, error)
}

// IdempotentResponse is a stored response to a request with an
// Idempotency-Key.
type IdempotentResponse struct {
	RequestHash []byte
	Status      int
	Headers     map[string]string
	Body        []byte
}

// IdempotencyStore keeps responses by key in the request's unit of work,
// so that the stored response commits with the change it describes.
type IdempotencyStore interface {
	// ClaimIdempotencyKey locks the key for this request; it returns the
	// stored response if the key was used before (waiting for a concurrent
	// holder to finish), or nil if the caller should run the request.
	ClaimIdempotencyKey(ctx context.Context, u UnitOfWork, p *Principal, key string) (*IdempotentResponse, error)
	// SaveIdempotentResponse stores the response under the claimed key.
	SaveIdempotentResponse(ctx context.Context, u UnitOfWork, p *Principal, key string, r *IdempotentResponse) error
}

// Clock tells the time; tests use a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Housekeeper deletes what has outlived its use: expired sessions, old
// idempotency records, stale login-failure counters.
type Housekeeper interface {
	// PurgeExpired returns how many rows it removed. Not tenant-bound: it
	// runs per tenant internally.
	PurgeExpired(ctx context.Context, now time.Time) (int64, error)
}
