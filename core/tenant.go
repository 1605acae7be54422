package core

import (
	"context"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Tenant statuses.
const (
	TenantActive    = "active"
	TenantSuspended = "suspended"
)

// Locales the portal and SMS templates speak.
const (
	LocaleZhCN = "zh-CN"
	LocaleEn   = "en"
)

// Tenant is a manufacturer running its service network on the platform.
type Tenant struct {
	ID           uuid.UUID `json:"id"`
	Slug         string    `json:"slug"`
	Name         string    `json:"name"`
	Locale       string    `json:"locale"`
	TimeZone     string    `json:"timezone"`
	Status       string    `json:"status"`
	StatusReason string    `json:"status_reason,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// NewTenant is the input of onboarding: the tenant and its first admin.
type NewTenant struct {
	Slug     string
	Name     string
	Locale   string
	TimeZone string
	Admin    NewUser
}

var slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}[a-z0-9]$`)

// Validate checks the tenant fields (not the admin; see NewUser.Validate).
func (t *NewTenant) Validate() error {
	if !slugPattern.MatchString(t.Slug) {
		return FieldError("slug", "must be 3-40 lowercase letters, digits or hyphens, starting with a letter")
	}
	if err := validText("name", t.Name, 1, 200); err != nil {
		return err
	}
	if t.Locale != LocaleZhCN && t.Locale != LocaleEn {
		return FieldError("locale", "must be zh-CN or en")
	}
	if t.TimeZone == "" || len(t.TimeZone) > 64 {
		return FieldError("timezone", "must be an IANA time zone such as Asia/Shanghai")
	}
	if _, err := time.LoadLocation(t.TimeZone); err != nil || t.TimeZone == "Local" {
		return FieldError("timezone", "unknown time zone %q; use an IANA name such as Asia/Shanghai", t.TimeZone)
	}
	return nil
}

// validText checks a required or optional free-text field: valid UTF-8, no
// control characters, and a length in runes between min and max.
func validText(field, s string, min, max int) error {
	if !utf8.ValidString(s) {
		return FieldError(field, "is not valid UTF-8")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return FieldError(field, "is required")
		}
		return FieldError(field, "must be at least %d characters", min)
	}
	if n > max {
		return FieldError(field, "must be at most %d characters", max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return FieldError(field, "must not contain control characters")
		}
	}
	return nil
}

// TenantFilter selects tenants for listing; After is the cursor.
type TenantFilter struct {
	Status string
	After  string
	Limit  int
}

// TenantStore persists tenants. Only platform administration calls it.
type TenantStore interface {
	// CreateTenant writes the tenant, its admin user (bound to it), its
	// roles, its rules and the default service types in the platform unit
	// u, as given. ECONFLICT if the slug is taken.
	CreateTenant(ctx context.Context, u UnitOfWork, t *Tenant, admin *User, passwordHash string, roles map[string][]Permission, rules []AuthzRule, invite ...Invitation) error
	// ReinviteAdmin replaces the pending invitation (if any) of the tenant's
	// first active user without a password (its invited admin) with inv,
	// in the platform unit u, and returns that user's ID and username;
	// ENOTFOUND when the tenant has no such user (its admin set their
	// password).
	ReinviteAdmin(ctx context.Context, u UnitOfWork, tenant uuid.UUID, inv Invitation) (uuid.UUID, string, error)
	// FindTenants lists tenants ordered by slug; returns the next cursor.
	FindTenants(ctx context.Context, f TenantFilter) ([]*Tenant, string, error)
	// FindTenantByID returns ENOTFOUND if missing.
	FindTenantByID(ctx context.Context, id uuid.UUID) (*Tenant, error)
	// FindTenantBySlug returns ENOTFOUND if missing.
	FindTenantBySlug(ctx context.Context, slug string) (*Tenant, error)
	// SetTenantStatus suspends or resumes a tenant in the platform unit
	// u; ENOTFOUND.
	SetTenantStatus(ctx context.Context, u UnitOfWork, id uuid.UUID, status, reason string) (*Tenant, error)
}
