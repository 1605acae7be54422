package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the identity use cases their repository within a unit of
// work, and the two reads that come before a request has a unit. The
// PostgreSQL adapter implements it; so does the in-memory fake of
// core/coretest.
type Store interface {
	// Audit records the changes the use cases make.
	audit.Store
	Identity(u core.UnitOfWork) Repository
	// FindTenantBySlug reads a tenant outside any unit, for Login;
	// ENOTFOUND when there is none.
	FindTenantBySlug(ctx context.Context, slug string) (*core.Tenant, error)
	// FindPrincipal resolves a session token or API key of t's tenant
	// that is live at now (not revoked or expired; a session's user
	// active), with the tenant's status and the credential's last use
	// (LastUsedAt), outside any unit: Authenticate runs on every request,
	// and the adapter answers it in one round trip. ENOTFOUND when there
	// is no such credential.
	FindPrincipal(ctx context.Context, t core.Token, now time.Time) (*core.Principal, error)
}

// Repository reads and writes one tenant's users, sessions, API keys and
// access rules within a unit of work. Methods without a context queue
// their write: it reaches the database with the unit's next read or its
// commit, and its error, if any, is returned there.
type Repository interface {
	// LockLoginCounters reads the failed-login counters that concern a
	// login as username (case-insensitive) from client — the pair's, the
	// client's over every username and the username's over every client
	// — and whether the client is familiar (a login as username from it
	// succeeded before), and locks them to the end of the unit; a counter
	// never written reads as the zero value.
	LockLoginCounters(ctx context.Context, username, client string) (LoginCounters, error)
	// FindCredentials reads the user a username (case-insensitive) logs
	// in as; ENOTFOUND when there is none.
	FindCredentials(ctx context.Context, username string) (Credentials, error)
	// SaveLoginCounter writes one counter.
	SaveLoginCounter(k LoginKey, a LoginAttempts)
	// RememberLoginSuccess records that username logged in from client at
	// at: the pair's counter is cleared and the client becomes familiar;
	// the client's counter over every username is cleared.
	RememberLoginSuccess(username, client string, at time.Time)
	InsertSession(s Session)
	// FindInvitation reads the active user whose pending invitation's
	// token hash is hash, locked to the end of the unit; ENOTFOUND when
	// there is none.
	FindInvitation(ctx context.Context, hash []byte) (Invitation, error)
	// ConsumeInvitation sets the user's password hash and clears their
	// invitation, so it cannot be used again.
	ConsumeInvitation(user uuid.UUID, passwordHash string, at time.Time)
	// RevokeSession revokes a session, unless revoked already.
	RevokeSession(id uuid.UUID, at time.Time)
	// RevokeUserSessions revokes every live session of a user.
	RevokeUserSessions(user uuid.UUID, at time.Time)
	// TouchSession and TouchAPIKey record a credential's last use.
	TouchSession(id uuid.UUID, at time.Time)
	TouchAPIKey(id uuid.UUID, at time.Time)

	// InsertUser stores a new user and returns it as stored (without roles
	// and scope); ECONFLICT when the username is taken.
	InsertUser(ctx context.Context, u *core.User, passwordHash string) (*core.User, error)
	// FindUsers lists users with their roles and scope, ordered by
	// username (case-insensitive), one page of at most f.Limit (clamped to
	// 1-500; 0: 50); returns the next cursor.
	FindUsers(ctx context.Context, f core.UserFilter) ([]*core.User, string, error)
	// FindUserByID reads a user with roles and scope; ENOTFOUND.
	FindUserByID(ctx context.Context, id uuid.UUID) (*core.User, error)
	// LockUser reads a user under a row lock held to the end of the unit
	// (without roles and scope); ENOTFOUND.
	LockUser(ctx context.Context, id uuid.UUID) (*core.User, error)
	// UpdateUser writes u's profile and status (and the password hash,
	// unless ""), bumps the version, sets updated_at to u.UpdatedAt and
	// returns the user as stored, with roles and scope; ENOTFOUND.
	UpdateUser(ctx context.Context, u *core.User, passwordHash string) (*core.User, error)

	// InsertAPIKey stores a new key with the hash of its secret and
	// returns it as stored (without roles and scope).
	InsertAPIKey(ctx context.Context, k *core.APIKey, tokenHash []byte, createdBy uuid.UUID) (*core.APIKey, error)
	// FindAPIKeys lists keys with roles and scope in ID order, one page
	// after the cursor (an ID; EINVALID otherwise).
	FindAPIKeys(ctx context.Context, after string, limit int) ([]*core.APIKey, string, error)
	// RevokeAPIKey revokes a key at at, unless revoked already, and
	// returns it with roles and scope; ENOTFOUND.
	RevokeAPIKey(ctx context.Context, id uuid.UUID, at time.Time) (*core.APIKey, error)

	// KnownRoles returns those of names that are the tenant's roles.
	KnownRoles(ctx context.Context, names []string) ([]string, error)
	// CountRegions and CountSites count those of ids that exist.
	CountRegions(ctx context.Context, ids []uuid.UUID) (int, error)
	CountSites(ctx context.Context, ids []uuid.UUID) (int, error)
	// SetRoles replaces the roles of a subject (core.UserSubject…).
	SetRoles(subject string, roles []string)
	// SetScope replaces the scope grants of a subject.
	SetScope(subject string, sc core.Scope)
	// FindRoles lists the tenant's roles with their permissions, by name.
	FindRoles(ctx context.Context) ([]*core.Role, error)
	// SaveRole creates a role or replaces its description.
	SaveRole(name, description string)
	// RoleBuiltin tells whether a role is one onboarding created.
	RoleBuiltin(ctx context.Context, name string) (bool, error)
	// FindPermissions lists the permissions a subject (a role's or a
	// principal's) holds directly, ordered by resource and action.
	FindPermissions(ctx context.Context, subject string) ([]core.Permission, error)
	// SetPermissions replaces the permissions a subject holds directly.
	SetPermissions(subject string, perms []core.Permission)
}

// LoginAttempts is a failed-login counter.
type LoginAttempts struct {
	Failures      int
	LastFailureAt *time.Time // nil: no failure counted
}

// LoginKey names a failed-login counter: a username (case-insensitive)
// from a client; "" for either stands for any (every username from a
// client, a username from every unfamiliar client).
type LoginKey struct {
	Username, Client string
}

// LoginCounters are the counters that concern one login attempt.
type LoginCounters struct {
	Pair, Client, Account LoginAttempts
	// Familiar: a login as the username from the client succeeded before.
	Familiar bool
}

// Credentials are what Login checks a password against.
type Credentials struct {
	UserID       uuid.UUID
	PasswordHash string
	Status       string
}

// Session is a login session; only the hash of its token is stored.
type Session struct {
	ID, UserID uuid.UUID
	TokenHash  []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
}
