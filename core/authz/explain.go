package authz

import (
	"fmt"
	"strings"

	"github.com/aftersales/aftersales/core"
)

// ViaGrant is Decision.Via when the permission came from a rule on the
// subject itself rather than from one of its roles.
const ViaGrant = "grant"

// explain turns a verdict into a core.Decision. It adds words and the scope
// path but decides nothing: Allowed is the verdict's, as in Authorize.
func (t *tenant) explain(subject string, perm core.Permission, v verdict) core.Decision {
	d := core.Decision{Allowed: v.allowed()}
	if v.rule != nil {
		d.PermissionRule = []string{v.rule[0], t.dom, v.rule[1], v.rule[2]}
	}
	switch {
	case v.badSubject:
		d.Reason = fmt.Sprintf("Denied: %q is not a user or an API key.", subject)
		return d
	case v.rule == nil:
		d.Reason = fmt.Sprintf("Denied: no rule of %s or of its roles gives %s.", subject, perm)
		return d
	}
	d.Via = ViaGrant
	from := "a direct grant"
	if v.rule[0] != subject {
		d.Via, from = v.rule[0], v.rule[0]
	}
	object := v.scopeObject()
	switch {
	case object == "":
		d.Reason = fmt.Sprintf("Allowed: %s gives %s, and the target is tenant-wide.", from, perm)
	case !v.inScope:
		d.Reason = fmt.Sprintf("Denied: %s gives %s, but %s is outside the scope of %s.", from, perm, object, subject)
	default:
		path := t.scopes.path(subject, object)
		if path == nil {
			path = t.scopes.path(subject, core.ScopeAll)
		}
		d.ScopeRule = strings.Join(path, " → ")
		d.Reason = fmt.Sprintf("Allowed: %s gives %s, and %s is in scope through %s.", from, perm, object, d.ScopeRule)
	}
	return d
}
