package authz

import (
	"errors"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
)

// errReadOnly is returned by the adapter's write methods. Rules change only in
// the store, which then calls Invalidate; an enforcer is never edited in place,
// so a half-applied change can never be observed.
var errReadOnly = errors.New("authz: enforcer rules are read-only; change them in the store")

// errOtherDomain is returned when a link names another tenant's domain: each
// role manager holds one tenant, so such a link can only be a bug.
var errOtherDomain = errors.New("authz: link for another tenant's domain")

// rulesAdapter feeds the rules of the subject being compiled to Casbin's
// LoadPolicy. LoadPolicyArray drops exact duplicates.
type rulesAdapter struct {
	sub   string
	rules [][2]string
}

// LoadPolicy adds every rule to m as (subject, resource, action).
func (a rulesAdapter) LoadPolicy(m model.Model) error {
	for _, r := range a.rules {
		if err := persist.LoadPolicyArray([]string{"p", a.sub, r[0], r[1]}, m); err != nil {
			return err
		}
	}
	return nil
}

func (rulesAdapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (rulesAdapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (rulesAdapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (rulesAdapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }
