package identity

import (
	"context"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

var errBadCredentials = core.Errorf(core.EUNAUTHORIZED, "unknown tenant, username or password")

// Login checks a user's password and opens a session; it returns the
// session's token and when it expires. Failures are counted per tenant
// and username (known or not, so probing unknown names is throttled too)
// and committed, so they count even though the login fails; past the
// policy's free failures a further attempt waits (ERATELIMIT), and past
// its limit the account is locked (ELOCKED), both with RetryAfterSeconds.
// EUNAUTHORIZED for an unknown tenant, username or a wrong password,
// alike; ESUSPENDED for a suspended tenant.
func (s *Service) Login(ctx context.Context, slug, username, password string) (string, time.Time, error) {
	t, err := s.store.FindTenantBySlug(ctx, slug)
	if core.ErrorCode(err) == core.ENOTFOUND {
		core.CheckPasswordOrDummy("", password) // as slow as a known tenant
		return "", time.Time{}, errBadCredentials
	} else if err != nil {
		return "", time.Time{}, err
	}
	if t.Status != core.TenantActive {
		// The caller is not authenticated yet: the platform's reason
		// (which its own users see once signed in) is not told here.
		return "", time.Time{}, core.Errorf(core.ESUSPENDED, "tenant is suspended; ask your administrator")
	}
	now := s.now()
	var token string
	var expires time.Time
	var refused error // committed with the counter, returned after
	err = core.InUnitOfWork(ctx, s.units, t.ID, func(u core.UnitOfWork) error {
		repo := s.store.Identity(u)
		a, err := repo.LockLoginAttempts(ctx, username)
		if err != nil {
			return err
		}
		if a.LastFailureAt != nil {
			if next, isLock := s.policy.NextAttempt(a.Failures, *a.LastFailureAt); now.Before(next) {
				refused = throttled(isLock, next.Sub(now))
				return nil
			} else if isLock {
				a.Failures = 0 // the lock has expired: start counting afresh
			}
		}
		c, err := repo.FindCredentials(ctx, username)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return err
		}
		if !core.CheckPasswordOrDummy(c.PasswordHash, password) || c.Status != core.UserActive {
			refused = errBadCredentials
			repo.RecordLoginFailure(username, a.Failures+1, now)
			return nil
		}
		repo.ClearLoginFailures(username)
		var hash []byte
		token, hash = core.NewSessionToken(t.ID)
		expires = now.Add(s.policy.SessionTTL).Truncate(time.Second)
		repo.InsertSession(Session{ID: uuid.New(), UserID: c.UserID, TokenHash: hash, CreatedAt: now, ExpiresAt: expires})
		return nil
	})
	if err != nil {
		return "", time.Time{}, err
	}
	if refused != nil {
		return "", time.Time{}, refused
	}
	return token, expires, nil
}

func throttled(locked bool, wait time.Duration) error {
	code, msg := core.ERATELIMIT, "too many failed logins; wait before trying again"
	if locked {
		code, msg = core.ELOCKED, "account locked after repeated failed logins; try again later"
	}
	return &core.Error{Code: code, Message: msg, RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
}

// Logout revokes the principal's session; EINVALID for an API key.
func (s *Service) Logout(_ context.Context, u core.UnitOfWork, p *core.Principal) error {
	if p.Kind != core.PrincipalUser {
		return core.Errorf(core.EINVALID, "only a login session can log out; revoke API keys instead")
	}
	s.store.Identity(u).RevokeSession(p.SessionID, s.now())
	return nil
}

// Authenticate resolves a session token or API key; EUNAUTHORIZED if it
// is unknown, expired or revoked. A suspended tenant's principal is
// returned with TenantStatus set; the caller refuses it. The last use of
// the credential is recorded at most once a minute, off the request path.
func (s *Service) Authenticate(ctx context.Context, t core.Token) (*core.Principal, error) {
	if t.Kind != core.PrincipalUser && t.Kind != core.PrincipalAPIKey {
		return nil, core.Errorf(core.EUNAUTHORIZED, "not a tenant token")
	}
	now := s.now()
	p, err := s.store.FindPrincipal(ctx, t, now)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.Errorf(core.EUNAUTHORIZED, "unknown, expired or revoked token")
	} else if err != nil {
		return nil, err
	}
	if p.LastUsedAt == nil || now.Sub(*p.LastUsedAt) > time.Minute {
		s.touch(ctx, p, now)
	}
	return p, nil
}

// touch records the last use of a session or key in its own unit, in the
// background: a failure is only logged.
func (s *Service) touch(ctx context.Context, p *core.Principal, now time.Time) {
	ctx = context.WithoutCancel(ctx)
	go func() {
		err := core.InUnitOfWork(ctx, s.units, p.TenantID, func(u core.UnitOfWork) error {
			if p.Kind == core.PrincipalAPIKey {
				s.store.Identity(u).TouchAPIKey(p.ID, now)
			} else {
				s.store.Identity(u).TouchSession(p.SessionID, now)
			}
			return nil
		})
		if err != nil {
			s.log.Warn("recording last use failed", "err", err)
		}
	}()
}
