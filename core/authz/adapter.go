package authz

import (
	"errors"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/aftersales/aftersales/core"
)

// errReadOnly is returned by the adapter's write methods. Rules change only in
// the store, which then calls Invalidate; an enforcer is never edited in place,
// so a half-applied change can never be observed.
var errReadOnly = errors.New("authz: enforcer rules are read-only; change them in the store")

// errOtherDomain is returned when a link names another tenant's domain: each
// role manager holds one tenant, so such a link can only be a bug.
var errOtherDomain = errors.New("authz: link for another tenant's domain")

// rulesAdapter feeds one tenant's loaded rules to Casbin's LoadPolicy, adding
// the tenant's domain where the model expects it. Loading through an adapter
// lets Casbin build the role links once for the whole set.
type rulesAdapter struct {
	dom   string
	rules []core.AuthzRule
}

// LoadPolicy adds every rule to m: a p rule to the section of its resource
// (every section for "*"), g and g2 as they are. LoadPolicyArray drops exact
// duplicates.
func (a rulesAdapter) LoadPolicy(m model.Model) error {
	for _, r := range a.rules {
		if r.PType != "p" {
			if err := persist.LoadPolicyArray([]string{r.PType, r.V[0], r.V[1], a.dom}, m); err != nil {
				return err
			}
			continue
		}
		for _, s := range sectionsOfRule(r.V[1]) {
			if err := persist.LoadPolicyArray([]string{s.ptype, r.V[0], a.dom, r.V[1], r.V[2]}, m); err != nil {
				return err
			}
		}
	}
	return nil
}

func (rulesAdapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (rulesAdapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (rulesAdapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (rulesAdapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }
