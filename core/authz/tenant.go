package authz

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/casbin/casbin/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// tenant is the loaded, immutable access state of one tenant. Nothing in it
// changes after newTenant returns except Casbin's own memo of g lookups (a
// sync.Map), so any number of checks may read it at once without a lock.
// A rule change replaces the whole value (see Authorizer.Invalidate).
type tenant struct {
	dom    string
	enf    *casbin.Enforcer
	roles  *roleGraph // g: subject -> role
	scopes *roleGraph // g2: scope parent -> child
	memo   *decisions // nil when decisions are not remembered
	// held remembers PermissionsOf per subject ([]core.Permission); it
	// goes with the tenant, which any change of its rules drops.
	held sync.Map
	used atomic.Uint64 // the authorizer's clock at the last check
	cost int64         // tenantCost, set once before it is kept
}

// newTenant validates rules and builds the tenant's enforcer.
func newTenant(id uuid.UUID, rules []core.AuthzRule, depth, remember int) (*tenant, error) {
	for i, r := range rules {
		if err := checkRule(r); err != nil {
			return nil, fmt.Errorf("authz: tenant %s rule %d: %w", id, i, err)
		}
	}
	m, err := baseModel()
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	e, err := casbin.NewEnforcer(m.Copy())
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	t := &tenant{dom: id.String(), enf: e, memo: newDecisions(remember),
		roles: newRoleGraph(id.String(), depth, false), scopes: newRoleGraph(id.String(), depth, true)}
	e.SetNamedRoleManager("g", t.roles)
	e.SetNamedRoleManager("g2", t.scopes)
	e.SetAdapter(rulesAdapter{dom: t.dom, rules: rules})
	if err := e.LoadPolicy(); err != nil {
		return nil, fmt.Errorf("authz: tenant %s: load policy: %w", id, err)
	}
	// Casbin compiles a section's matcher on its first check; do it now, so
	// that no check waits ~20 µs for it.
	for _, s := range allSections() {
		if _, err := e.Enforce(s.ctx, "", t.dom, "", ""); err != nil {
			return nil, fmt.Errorf("authz: tenant %s: compile %s: %w", id, s.ctx.MType, err)
		}
	}
	return t, nil
}

// checkRule rejects a malformed rule. A load fails on one rather than skipping
// it: the store validates rules on write, so a bad one is a bug that should be
// loud, not a permission that quietly goes missing.
func checkRule(r core.AuthzRule) error {
	want := map[string]int{"p": 3, "g": 2, "g2": 2}[r.PType]
	if want == 0 {
		return fmt.Errorf("unknown rule type %q", r.PType)
	}
	if len(r.V) != want {
		return fmt.Errorf("%s rule has %d values, want %d", r.PType, len(r.V), want)
	}
	for _, v := range r.V {
		if v == "" {
			return fmt.Errorf("%s rule has an empty value", r.PType)
		}
	}
	return nil
}
