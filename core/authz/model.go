package authz

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/aftersales/aftersales/core"
)

// A Casbin check evaluates the matcher once per policy of the section it
// enforces, at about 250 ns each; the default roles alone are ~120 policies,
// which would put one check at ~35 µs. So the model has one policy section
// per resource of core.Resources(): a rule on work_orders goes to that
// resource's section, a rule on "*" to every section, and a check enforces
// only the section of its resource (1 to 21 policies with the default
// roles). A resource section's matcher need not compare the resource: every
// rule in it names that resource or "*". Section "p" holds the "*" rules
// plus rules on resources this build does not know, compares the resource,
// and serves checks on such resources, so no rule is ever out of reach.
//
// p and g carry the tenant as a domain although each enforcer holds a single
// tenant: the rule Explain reports is then (subject, tenant, resource,
// action), as core.Decision documents, and a rule that reached the wrong
// enforcer still could not match.
//
// The matcher compares the action first, so that govaluate short-circuits
// and calls g (a role walk, memoized by Casbin) only for rules that name the
// requested action.
//
// g2 (scope links) is declared so that Casbin builds its role manager, but no
// matcher uses it: the scope check is one HasLink on that role manager after
// the permission matched, instead of one per policy.

// section is one policy type of the model and the matcher that enforces it.
type section struct {
	ptype string
	ctx   casbin.EnforceContext
}

func newSection(i int) section {
	suffix := ""
	if i > 1 {
		suffix = strconv.Itoa(i)
	}
	return section{ptype: "p" + suffix, ctx: casbin.EnforceContext{RType: "r", PType: "p" + suffix, EType: "e", MType: "m" + suffix}}
}

// fallback is the section of "*" rules and of unknown resources.
var fallback = newSection(1)

// sections maps each known resource to its section, in core.Resources order.
var sections = func() map[string]section {
	out := map[string]section{}
	for i, res := range core.Resources() {
		out[res] = newSection(i + 2)
	}
	return out
}()

// sectionOf returns the section that checks on resource enforce.
func sectionOf(resource string) section {
	if s, ok := sections[resource]; ok {
		return s
	}
	return fallback
}

// sectionsOfRule returns the sections a p rule on resource belongs to.
func sectionsOfRule(resource string) []section {
	if resource != "*" {
		return []section{sectionOf(resource)}
	}
	out := []section{fallback}
	for _, res := range core.Resources() {
		out = append(out, sections[res])
	}
	return out
}

// allSections returns the fallback section and then one per resource.
func allSections() []section {
	all := []section{fallback}
	for _, res := range core.Resources() {
		all = append(all, sections[res])
	}
	return all
}

// ModelText is the Casbin model of every tenant's enforcer, generated from
// core.Resources() (see the comment above section).
var ModelText = func() string {
	all := allSections()
	var b strings.Builder
	b.WriteString("[request_definition]\nr = sub, dom, obj, act\n\n[policy_definition]\n")
	for _, s := range all {
		fmt.Fprintf(&b, "%s = sub, dom, obj, act\n", s.ptype)
	}
	b.WriteString("\n[role_definition]\ng = _, _, _\ng2 = _, _, _\n\n")
	b.WriteString("[policy_effect]\ne = some(where (p.eft == allow))\n\n[matchers]\n")
	for _, s := range all {
		p := s.ptype
		obj := ""
		if s == fallback {
			obj = fmt.Sprintf(" && (%s.obj == r.obj || %s.obj == \"*\")", p, p)
		}
		fmt.Fprintf(&b, "%s = (%s.act == r.act || %s.act == \"*\")%s && %s.dom == r.dom && g(r.sub, %s.sub, r.dom)\n",
			s.ctx.MType, p, p, obj, p, p)
	}
	return b.String()
}()

// baseModel parses ModelText once; every tenant gets a Copy, which is much
// cheaper than parsing the text again for each of thousands of tenants.
var baseModel = sync.OnceValues(func() (model.Model, error) {
	return model.NewModelFromString(ModelText)
})
