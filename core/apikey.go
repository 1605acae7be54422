package core

import (
	"regexp"
	"time"

	"github.com/google/uuid"
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// APIKey lets a service site or an integration call the API without a
// user. Its secret is shown once on creation and stored only as a hash.
type APIKey struct {
	ID         uuid.UUID  `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Roles      []string   `json:"roles"`
	Scope      Scope      `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// NewAPIKey is the input for creating an API key.
type NewAPIKey struct {
	Name      string
	Roles     []string
	Scope     Scope
	ExpiresAt *time.Time
}

// Validate checks the fields; roles are checked by the store.
func (k *NewAPIKey) Validate(now time.Time) error {
	if err := validText("name", k.Name, 1, 100); err != nil {
		return err
	}
	if len(k.Roles) == 0 {
		return FieldError("roles", "at least one role is required")
	}
	if k.ExpiresAt != nil && !k.ExpiresAt.After(now) {
		return FieldError("expires_at", "must be in the future")
	}
	return nil
}
