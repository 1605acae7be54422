package authz

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aftersales/aftersales/core"
)

// verdict is the outcome of one check, in enough detail for both Authorize
// and Explain. Both take their answer from check, so they cannot disagree.
type verdict struct {
	badSubject bool
	// rule is the matched permission rule (subject, tenant, resource,
	// action), nil when no rule gives the permission. It may be shared with
	// the tenant's decisions: never change it.
	rule []string
	// scopeObject is "site:<id>" or "region:<id>", or "" for a tenant-wide
	// target; inScope says whether the subject reaches it.
	scopeObject string
	inScope     bool
}

func (v verdict) permitted() bool { return !v.badSubject && v.rule != nil }
func (v verdict) allowed() bool   { return v.permitted() && v.inScope }

// check decides whether subject may perform perm on target: first the
// permission through Casbin (or the tenant's remembered verdicts), then,
// only if it matched, the scope through the g2 role manager. The scope is checked once per request rather than inside
// the matcher, where it would run once per candidate policy.
func (t *tenant) check(subject string, perm core.Permission, target core.Target) (verdict, error) {
	v := verdict{scopeObject: scopeObjectOf(target)}
	// Only principals may be checked: HasLink treats a name as linked to
	// itself, so a role or scope name passed as a subject would otherwise
	// hold whatever that role holds, or reach that scope.
	if !strings.HasPrefix(subject, "user:") && !strings.HasPrefix(subject, "key:") {
		v.badSubject = true
		return v, nil
	}
	if perm.Resource == "" || perm.Action == "" {
		return v, nil // no rule names an empty resource or action; "*" must not match one either
	}
	rule, err := t.permission(subject, perm)
	if err != nil {
		return v, err
	}
	if rule == nil {
		return v, nil
	}
	v.rule = rule
	// scope:all first: it is one short walk, while a walk up from a target
	// the subject does not reach visits every region above it.
	v.inScope = v.scopeObject == "" || t.reaches(subject, core.ScopeAll) || t.reaches(subject, v.scopeObject)
	return v, nil
}

// permission returns the rule that gives subject perm, or nil: remembered,
// or else from Casbin's EnforceEx on the section of perm's resource.
func (t *tenant) permission(subject string, perm core.Permission) ([]string, error) {
	k := decisionKey{subject, perm.Resource, perm.Action}
	if rule, ok := t.memo.get(k); ok {
		return rule, nil
	}
	ok, rule, err := t.enf.EnforceEx(sectionOf(perm.Resource).ctx, subject, t.dom, perm.Resource, perm.Action)
	if err != nil {
		return nil, fmt.Errorf("authz: enforce %s %s: %w", subject, perm, err)
	}
	if !ok {
		rule = nil
	} else {
		// Clone: Casbin returns the policy slice of its model itself.
		rule = slices.Clone(rule)
	}
	t.memo.put(k, rule)
	return rule, nil
}

// reaches reports whether a chain of g2 links leads from subject to object.
// It asks the role manager, as Casbin's g() would, so that Explain's path
// (from the same role manager) exists exactly when this says yes.
func (t *tenant) reaches(subject, object string) bool {
	ok, err := t.scopes.HasLink(subject, object, t.dom)
	return err == nil && ok
}

// scopeObjectOf names the scope a target needs: its site when it has one
// (a site grant or a grant on any region above the site covers it), else its
// region, else none.
func scopeObjectOf(target core.Target) string {
	switch {
	case target.SiteID != nil:
		return core.SiteObject(*target.SiteID)
	case target.RegionID != nil:
		return core.RegionObject(*target.RegionID)
	}
	return ""
}

// scopeNoun turns "site:<id>" into "Site <id>" for messages.
func scopeNoun(object string) string {
	kind, id, _ := strings.Cut(object, ":")
	return strings.ToUpper(kind[:1]) + kind[1:] + " " + id
}
