package identity

import "time"

// LoginPolicy slows repeated failed logins down and then locks the account.
type LoginPolicy struct {
	FreeFailures int           // failures before any delay
	BaseDelay    time.Duration // delay after the first counted failure, doubling
	MaxDelay     time.Duration
	LockAfter    int           // failures that lock the account
	LockFor      time.Duration // how long a lock lasts
	SessionTTL   time.Duration
}

// DefaultLoginPolicy: 3 free failures, then 1 s, 2 s, 4 s… up to 30 s between
// attempts; 10 failures lock the account for 15 minutes.
func DefaultLoginPolicy() LoginPolicy {
	return LoginPolicy{FreeFailures: 3, BaseDelay: time.Second, MaxDelay: 30 * time.Second,
		LockAfter: 10, LockFor: 15 * time.Minute, SessionTTL: 12 * time.Hour}
}

// NextAttempt returns when the next login attempt is allowed after
// `failures` consecutive failures, the last at `last`, and whether the
// account is locked (rather than merely slowed down).
func (p LoginPolicy) NextAttempt(failures int, last time.Time) (time.Time, bool) {
	if failures >= p.LockAfter {
		return last.Add(p.LockFor), true
	}
	if failures < p.FreeFailures {
		return time.Time{}, false
	}
	d := p.BaseDelay << (failures - p.FreeFailures)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return last.Add(d), false
}
