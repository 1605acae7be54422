package authz

import (
	"strings"

	"github.com/aftersales/aftersales/core"
)

// verdict is the outcome of one check, in enough detail for both Authorize
// and Explain. Both take their answer from check, so they cannot disagree.
type verdict struct {
	badSubject bool
	// rule is the matched permission rule (subject, resource, action), nil
	// when no rule gives the permission. It is shared with the tenant's or
	// the process's verdict tables: never change it.
	rule []string
	// target is the checked target; inScope says whether the subject
	// reaches its site or region (always true for a tenant-wide one).
	target  core.Target
	inScope bool
}

func (v verdict) permitted() bool { return !v.badSubject && v.rule != nil }
func (v verdict) allowed() bool   { return v.permitted() && v.inScope }

// scopeObject is "site:<id>" or "region:<id>" of the target, or "".
func (v verdict) scopeObject() string { return scopeObjectOf(v.target) }

// check decides whether subject may perform perm on target: first the
// permission, from the verdict tables of the subject and of every name it
// reaches through g links (its roles, and their roles), then, only if it
// matched, the scope through the g2 links. The scope is checked once per
// request rather than once per candidate rule.
func (t *tenant) check(subject string, perm core.Permission, target core.Target) (verdict, error) {
	v := verdict{target: target}
	// Only principals may be checked: a name reaches itself, so a role or
	// scope name passed as a subject would otherwise hold whatever that
	// role holds, or reach that scope.
	if !strings.HasPrefix(subject, "user:") && !strings.HasPrefix(subject, "key:") {
		v.badSubject = true
		return v, nil
	}
	if perm.Resource == "" || perm.Action == "" {
		return v, nil // no rule names an empty resource or action; "*" must not match one either
	}
	v.rule = t.permission(subject, perm)
	if v.rule == nil {
		return v, nil
	}
	// scope:all first: it is one short walk, while a walk up from a target
	// the subject does not reach visits every region above it.
	v.inScope = true
	if target.SiteID != nil || target.RegionID != nil {
		v.inScope = t.inScope(subject, target)
	}
	return v, nil
}

// permission returns the rule that gives subject perm, or nil: the first
// found walking from the subject through its roles.
func (t *tenant) permission(subject string, perm core.Permission) []string {
	n, ok := t.roles.names.find(subject)
	if !ok {
		return nil
	}
	var rule []string
	t.roles.walk(n, t.roles.out, func(m int32) bool {
		if c := t.perms[m]; c != nil {
			rule = c.lookup(perm.Resource, perm.Action)
		}
		return rule != nil
	})
	return rule
}

// inScope reports whether a chain of g2 links leads from subject to
// scope:all or to the target's site (else region).
func (t *tenant) inScope(subject string, target core.Target) bool {
	s, ok := t.scopes.names.find(subject)
	if !ok {
		return false
	}
	if t.all >= 0 && t.scopes.linked(s, t.all) {
		return true
	}
	k := nameKey{kind: kindRegion}
	if target.SiteID != nil {
		k = nameKey{kind: kindSite, id: *target.SiteID}
	} else {
		k.id = *target.RegionID
	}
	o, ok := t.scopes.names.findKey(k)
	return ok && t.scopes.linked(s, o)
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
