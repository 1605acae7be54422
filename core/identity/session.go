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
// session's token and when it expires. client names where the attempt
// comes from (the caller's address). Failures are counted per username
// and client, per client over every username and per username over every
// client (known names or not, so probing unknown names is throttled too)
// and committed, so they count even though the login fails. Past the
// policy's free failures a further attempt waits (ERATELIMIT), and past
// its limit it is locked (ELOCKED), both with RetryAfterSeconds. A client
// from which the username logged in before is familiar: only its own
// failures hold it back, so an attacker elsewhere slows and locks
// himself, and not the account's owner.
// EUNAUTHORIZED for an unknown tenant, username or a wrong password,
// alike; ESUSPENDED for a suspended tenant.
func (s *Service) Login(ctx context.Context, slug, username, password, client string) (string, time.Time, error) {
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
	var refused error // committed with the counters, returned after
	err = core.InUnitOfWork(ctx, s.units, t.ID, func(u core.UnitOfWork) error {
		repo := s.store.Identity(u)
		c, err := repo.LockLoginCounters(ctx, username, client)
		if err != nil {
			return err
		}
		type counter struct {
			key LoginKey
			a   LoginAttempts
		}
		counters := []counter{{LoginKey{username, client}, c.Pair}}
		if !c.Familiar {
			counters = append(counters, counter{LoginKey{"", client}, c.Client}, counter{LoginKey{username, ""}, c.Account})
		}
		var wait time.Duration
		for i := range counters {
			k := &counters[i]
			if k.a.LastFailureAt == nil {
				continue
			}
			if next, isLock := s.policy.NextAttempt(k.a.Failures, *k.a.LastFailureAt); now.Before(next) {
				if next.Sub(now) > wait {
					wait, refused = next.Sub(now), throttled(isLock, next.Sub(now))
				}
			} else if isLock {
				k.a.Failures = 0 // the lock has expired: start counting afresh
			}
		}
		if refused != nil {
			return nil
		}
		cr, err := repo.FindCredentials(ctx, username)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return err
		}
		if !core.CheckPasswordOrDummy(cr.PasswordHash, password) || cr.Status != core.UserActive {
			refused = errBadCredentials
			for _, k := range counters {
				repo.SaveLoginCounter(k.key, LoginAttempts{Failures: k.a.Failures + 1, LastFailureAt: &now})
			}
			return nil
		}
		repo.RememberLoginSuccess(username, client, now)
		token, expires = s.openSession(repo, t.ID, cr.UserID, now)
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

// openSession queues a new session of user and returns its token and
// when it expires.
func (s *Service) openSession(repo Repository, tenant, user uuid.UUID, now time.Time) (string, time.Time) {
	token, hash := core.NewSessionToken(tenant)
	expires := now.Add(s.policy.SessionTTL).Truncate(time.Second)
	repo.InsertSession(Session{ID: uuid.New(), UserID: user, TokenHash: hash, CreatedAt: now, ExpiresAt: expires})
	return token, expires
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
