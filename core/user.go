package core

import (
	"net/mail"
	"regexp"
	"time"

	"github.com/google/uuid"
)

// User statuses.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

// User is a person of a tenant who logs in: agent, dispatcher, technician…
type User struct {
	ID          uuid.UUID `json:"id"`
	TenantID    uuid.UUID `json:"tenant_id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Phone       string    `json:"phone"`
	Email       string    `json:"email"`
	Status      string    `json:"status"`
	Roles       []string  `json:"roles"`
	Scope       Scope     `json:"scope"`
	// CTIExtension is set with PUT /v1/users/{id}/cti-extension.
	CTIExtension string    `json:"cti_extension" doc:"The user's phone extension; empty when none."`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// NewUser is the input for creating a user.
type NewUser struct {
	Username    string
	Password    string
	DisplayName string
	Phone       string
	Email       string
	Roles       []string
	Scope       Scope
}

var (
	usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$`)
	phonePattern    = regexp.MustCompile(`^\+?[0-9]{5,20}$`)
)

// Validate checks the fields of a new user. Roles are checked against the
// tenant's roles by the store.
func (u *NewUser) Validate() error {
	if !usernamePattern.MatchString(u.Username) {
		return FieldError("username", "must be 2-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")
	}
	if err := ValidatePassword(u.Password); err != nil {
		return err
	}
	return validateProfile(u.DisplayName, u.Phone, u.Email)
}

func validateProfile(displayName, phone, email string) error {
	if err := validText("display_name", displayName, 0, 100); err != nil {
		return err
	}
	if phone != "" && !phonePattern.MatchString(phone) {
		return FieldError("phone", "must be digits with an optional leading +, such as +8613800138000")
	}
	if email != "" {
		if len(email) > 254 {
			return FieldError("email", "must be at most 254 characters")
		}
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			return FieldError("email", "is not a valid address")
		}
	}
	return nil
}

// ValidatePassword enforces the password policy.
func ValidatePassword(p string) error {
	if err := validText("password", p, 10, 128); err != nil {
		return err
	}
	return nil
}

// UserUpdate changes a user; nil fields are left alone. Version is the
// version the caller read (optimistic concurrency).
type UserUpdate struct {
	Version     int
	DisplayName *string
	Phone       *string
	Email       *string
	Status      *string
	Password    *string
	Roles       *[]string
	Scope       *Scope
}

// Validate checks the fields that are set.
func (u *UserUpdate) Validate() error {
	dn, ph, em := "", "", ""
	if u.DisplayName != nil {
		dn = *u.DisplayName
	}
	if u.Phone != nil {
		ph = *u.Phone
	}
	if u.Email != nil {
		em = *u.Email
	}
	if err := validateProfile(dn, ph, em); err != nil {
		return err
	}
	if u.Status != nil && *u.Status != UserActive && *u.Status != UserDisabled {
		return FieldError("status", "must be active or disabled")
	}
	if u.Password != nil {
		return ValidatePassword(*u.Password)
	}
	return nil
}

// UserFilter selects users; After is the cursor.
type UserFilter struct {
	Status string
	Role   string
	Query  string
	After  string
	Limit  int
	// Within limits the list to users whose every scope grant lies inside
	// this scope (a zero Scope with All false shows only such users).
	Within Scope
}
