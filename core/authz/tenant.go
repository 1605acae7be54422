package authz

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// tenant is the loaded, immutable access state of one tenant. Nothing in it
// changes after newTenant returns, so any number of checks may read it at
// once without a lock. A rule change replaces the whole value (see
// Authorizer.Invalidate).
type tenant struct {
	dom    string
	roles  *roleGraph // g: subject -> role
	scopes *roleGraph // g2: scope parent -> child
	// perms holds, by id in roles' name table, the verdict table of that
	// name's own rules: a default role the tenant did not change points to
	// the process's shared table; a changed or custom role, or a principal
	// with direct grants, to one compiled for this tenant; nil for none.
	perms []*compiled
	// all is scopes' id of scope:all, -1 when no one has it.
	all int32
	// held remembers PermissionsOf per subject ([]core.Permission); it
	// goes with the tenant, which any change of its rules drops.
	held sync.Map
	used atomic.Uint64 // the authorizer's clock at the last check
	cost int64         // the estimated heap, set once before it is kept
}

// newTenant validates rules and builds the tenant's state: its own rules
// compiled, every default role it did not change shared from defaults.
func newTenant(id uuid.UUID, rules []core.AuthzRule, depth int, defaults *defaultRoles) (*tenant, error) {
	for i, r := range rules {
		if err := checkRule(r); err != nil {
			return nil, fmt.Errorf("authz: tenant %s rule %d: %w", id, i, err)
		}
	}
	t := &tenant{dom: id.String(), roles: newRoleGraph(id.String(), depth, false), scopes: newRoleGraph(id.String(), depth, true)}
	own := map[string][][2]string{}
	removed := map[string]map[[2]string]bool{}
	var uses []string
	for _, r := range rules {
		switch r.PType {
		case "p":
			own[r.V[0]] = append(own[r.V[0]], [2]string{r.V[1], r.V[2]})
		case core.RuleRemoved:
			if removed[r.V[0]] == nil {
				removed[r.V[0]] = map[[2]string]bool{}
			}
			removed[r.V[0]][[2]string{r.V[1], r.V[2]}] = true
		case core.RuleDefaultRole:
			uses = append(uses, r.V[0])
		case "g":
			_ = t.roles.AddLink(r.V[0], r.V[1])
		case "g2":
			_ = t.scopes.AddLink(r.V[0], r.V[1])
		}
	}
	tables := map[string]*compiled{}
	for _, role := range uses {
		if own[role] == nil && removed[role] == nil {
			if c := defaults.tables[role]; c != nil {
				tables[role] = c
			}
			continue
		}
		// Changed in this tenant: the default's rules less the removed ones,
		// plus the added ones, compiled for this tenant alone.
		var merged [][2]string
		for _, r := range defaults.rules[role] {
			if !removed[role][r] {
				merged = append(merged, r)
			}
		}
		own[role] = append(merged, own[role]...)
	}
	if len(own) > 0 {
		mine, err := compile(own)
		if err != nil {
			return nil, fmt.Errorf("authz: tenant %s: %w", id, err)
		}
		for sub, c := range mine {
			tables[sub] = c
			t.cost += c.bytes()
		}
	}
	for sub := range tables {
		t.roles.names.intern(sub)
	}
	t.roles.compact()
	t.scopes.compact()
	t.perms = make([]*compiled, t.roles.names.len())
	for sub, c := range tables {
		n, _ := t.roles.names.find(sub)
		t.perms[n] = c
	}
	t.all = -1
	if n, ok := t.scopes.names.find(core.ScopeAll); ok {
		t.all = n
	}
	t.cost += 512 + t.roles.bytes() + t.scopes.bytes() + 8*int64(len(t.perms))
	return t, nil
}

// ruleValues is how many values each rule type has.
var ruleValues = map[string]int{"p": 3, "g": 2, "g2": 2, core.RuleRemoved: 3, core.RuleDefaultRole: 1}

// checkRule rejects a malformed rule. A load fails on one rather than skipping
// it: the store validates rules on write, so a bad one is a bug that should be
// loud, not a permission that quietly goes missing.
func checkRule(r core.AuthzRule) error {
	want := ruleValues[r.PType]
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

// defaultRoles is the platform's default roles, compiled once per process
// and shared read-only by every tenant.
type defaultRoles struct {
	rules  map[string][][2]string // by role subject: (resource, action)
	tables map[string]*compiled
}

// newDefaultRoles compiles the platform's default roles.
func newDefaultRoles(roles map[string][]core.Permission) (*defaultRoles, error) {
	d := &defaultRoles{rules: make(map[string][][2]string, len(roles))}
	for name, perms := range roles {
		rs := make([][2]string, 0, len(perms))
		for _, p := range perms {
			rs = append(rs, [2]string{p.Resource, p.Action})
		}
		d.rules[core.RoleSubject(name)] = rs
	}
	var err error
	if d.tables, err = compile(d.rules); err != nil {
		return nil, fmt.Errorf("authz: default roles: %w", err)
	}
	return d, nil
}
