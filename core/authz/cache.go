package authz

import (
	"sync"
	"sync/atomic"
)

// decisions remembers the permission verdicts of one tenant: for a subject,
// resource and action, the rule Casbin matched (nil for none).
//
// A Casbin check costs 5-15 µs, much of it fixed overhead of the enforcer
// (copying its function map, matching the matcher text against a regexp,
// evaluating through interfaces), while the same user asks the same
// questions on every page. Verdicts can be kept without care for
// staleness because they live in the tenant value: a rule change replaces
// the tenant, and its decisions with it.
//
// Casbin's CachedEnforcer does the same, but takes an exclusive lock even to
// read, keys entries by a ~130-byte string, caches only the yes or no (so
// Explain would need a second, uncached path), and never forgets. Here reads
// take no lock, the key is the three strings, the rule is kept so Authorize
// and Explain share one path, and the entries are bounded: at the bound the
// tenant's memory is simply cleared, which costs a few misses and needs no
// bookkeeping on hits.
type decisions struct {
	m   sync.Map // decisionKey -> []string
	n   atomic.Int64
	max int64
}

type decisionKey struct{ subject, resource, action string }

// newDecisions returns a memory of at most max verdicts, or nil (remember
// nothing) when max is not positive.
func newDecisions(max int) *decisions {
	if max <= 0 {
		return nil
	}
	return &decisions{max: int64(max)}
}

// get returns the remembered rule and whether there was one.
func (d *decisions) get(k decisionKey) ([]string, bool) {
	if d == nil {
		return nil, false
	}
	v, ok := d.m.Load(k)
	if !ok {
		return nil, false
	}
	return v.([]string), true
}

// put remembers rule, which must not be changed afterwards.
func (d *decisions) put(k decisionKey, rule []string) {
	if d == nil {
		return
	}
	if d.n.Add(1) > d.max {
		// The count is approximate under concurrency; the bound only needs
		// to hold roughly.
		d.m.Clear()
		d.n.Store(1)
	}
	d.m.Store(k, rule)
}
