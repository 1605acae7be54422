package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Invitation is a user's pending invitation as stored.
type Invitation struct {
	UserID    uuid.UUID
	Username  string
	Hash      []byte
	ExpiresAt time.Time
}

// errBadInvitation is all a caller learns of a token that is unknown (in
// that tenant), used or expired: which one, and whose, is not told.
var errBadInvitation = core.FieldError("token", "this invitation is unknown, already used or expired; ask for a new one")

// AcceptInvitation sets the password of the user invited with token in
// the tenant slug, once, before the invitation expires, and opens a
// session as Login does (its token and expiry). The password follows the
// same rules as a new user's. Failed attempts count against client like
// failed logins (over every username), and past the login policy's free
// failures a further attempt waits (ERATELIMIT) or is locked (ELOCKED).
// EINVALID (field token) for an unknown, used or expired invitation or an
// unknown tenant, alike; nothing is changed then. The acceptance is
// recorded in the tenant's audit log as the invitee's act.
func (s *Service) AcceptInvitation(ctx context.Context, slug, token, password, client string) (string, time.Time, error) {
	if err := core.ValidatePassword(password); err != nil {
		return "", time.Time{}, err
	}
	hash := core.InvitationHash(token)
	t, err := s.store.FindTenantBySlug(ctx, slug)
	if core.ErrorCode(err) == core.ENOTFOUND || (err == nil && hash == nil) {
		return "", time.Time{}, errBadInvitation
	} else if err != nil {
		return "", time.Time{}, err
	}
	if t.Status != core.TenantActive {
		return "", time.Time{}, core.Errorf(core.ESUSPENDED, "tenant is suspended; ask your administrator")
	}
	// Hashed before the unit: the row lock is not held through argon2id.
	passwordHash := core.HashPassword(password)
	now := s.now()
	var session string
	var expires time.Time
	var refused error // committed with the counter, returned after
	err = core.InUnitOfWork(ctx, s.units, t.ID, func(u core.UnitOfWork) error {
		repo := s.store.Identity(u)
		c, err := repo.LockLoginCounters(ctx, "", client)
		if err != nil {
			return err
		}
		a := c.Client
		if a.LastFailureAt != nil {
			if next, isLock := s.policy.NextAttempt(a.Failures, *a.LastFailureAt); now.Before(next) {
				refused = throttled(isLock, next.Sub(now))
				return nil
			} else if isLock {
				a.Failures = 0
			}
		}
		inv, err := repo.FindInvitation(ctx, hash)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return err
		}
		if err != nil || !core.SameHash(inv.Hash, hash) || !now.Before(inv.ExpiresAt) {
			refused = errBadInvitation
			repo.SaveLoginCounter(LoginKey{Client: client}, LoginAttempts{Failures: a.Failures + 1, LastFailureAt: &now})
			return nil
		}
		repo.ConsumeInvitation(inv.UserID, passwordHash, now)
		session, expires = s.openSession(repo, t.ID, inv.UserID, now)
		// Recorded as the invitee's own act, from client (the request's ID
		// from ctx's actor, when the API set one).
		who := core.ActorOf(ctx)
		who.Kind, who.ID, who.Name, who.Client = core.PrincipalUser, inv.UserID, inv.Username, client
		audit.Record(core.WithActor(ctx, who), s.store, u, audit.Change{Action: audit.ActAccept, ResourceType: audit.ResInvitation,
			ResourceID: inv.UserID.String(), Before: map[string]any{"username": inv.Username, "expires_at": inv.ExpiresAt},
			After: map[string]any{"username": inv.Username, "accepted_at": now}})
		return nil
	})
	if err != nil {
		return "", time.Time{}, err
	}
	if refused != nil {
		return "", time.Time{}, refused
	}
	return session, expires, nil
}
