package authz

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aftersales/aftersales/core"
)

// ViaGrant is Decision.Via when the permission came from a rule on the
// subject itself rather than from one of its roles.
const ViaGrant = "grant"

// explain turns a verdict into a core.Decision. It adds words and the scope
// path but decides nothing: Allowed is the verdict's, as in Authorize.
func (t *tenant) explain(subject string, perm core.Permission, v verdict) core.Decision {
	d := core.Decision{Allowed: v.allowed(), PermissionRule: slices.Clone(v.rule)}
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
	switch {
	case v.scopeObject == "":
		d.Reason = fmt.Sprintf("Allowed: %s gives %s, and the target is tenant-wide.", from, perm)
	case !v.inScope:
		d.Reason = fmt.Sprintf("Denied: %s gives %s, but %s is outside the scope of %s.", from, perm, v.scopeObject, subject)
	default:
		path := t.scopes.path(subject, v.scopeObject)
		if path == nil {
			path = t.scopes.path(subject, core.ScopeAll)
		}
		d.ScopeRule = strings.Join(path, " → ")
		d.Reason = fmt.Sprintf("Allowed: %s gives %s, and %s is in scope through %s.", from, perm, v.scopeObject, d.ScopeRule)
	}
	return d
}
