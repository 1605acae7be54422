package authz

import (
	"fmt"
	"slices"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/aftersales/aftersales/core"
)

// ModelText is the Casbin model that decides whether one subject's own
// permission rules give a resource and action. Roles of roles and scope are
// not in it: the tenant's role graph finds the subjects a check must ask
// about (the principal and every role it reaches), and scope is one walk of
// the region graph after the permission matched (see check.go).
const ModelText = `[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = p.sub == r.sub && (p.act == r.act || p.act == "*") && (p.obj == r.obj || p.obj == "*")
`

// baseModel parses ModelText once per process; every compile gets a Copy.
var baseModel = sync.OnceValues(func() (model.Model, error) {
	return model.NewModelFromString(ModelText)
})

// otherValue stands for every resource or action that no rule names and
// that is not known to this build: the matcher compares values only for
// equality with a rule's, so all such values get the same verdict as it.
// PostgreSQL text cannot hold a NUL, so no stored rule names it.
const otherValue = "\x00"

// knownObjs and knownActs are the request values every table has a row or
// column for: core.Resources() and "*", core.Actions() (with "*"), and
// otherValue last.
var (
	knownObjs  = append(append(core.Resources(), "*"), otherValue)
	knownActs  = append(core.Actions(), otherValue)
	objIndex   = indexOf(knownObjs)
	actIndex   = indexOf(knownActs)
	otherObj   = int32(len(knownObjs) - 1)
	otherAct   = int32(len(knownActs) - 1)
	knownCells = len(knownObjs) * len(knownActs)
)

func indexOf(vals []string) map[string]int32 {
	out := make(map[string]int32, len(vals))
	for i, v := range vals {
		out[v] = int32(i)
	}
	return out
}

// compiled is the verdict table of one subject's own rules (a role's
// permissions or a principal's direct grants): for every class of request
// (resource × action, with "*" and "anything else" as classes of their
// own) the rule Casbin matched, computed once by Casbin's EnforceEx when
// the subject is compiled. A check is then a table lookup. It is never
// changed after compile returns, so the default roles' tables are shared
// by every tenant of the process.
type compiled struct {
	rules [][]string // the subject's rules as (subject, resource, action)
	// cells holds, per (resource class, action class), the index of the
	// matched rule in rules, or -1. Rows are knownObjs then extraObjs,
	// columns knownActs then extraActs.
	cells []int16
	// extraObjs and extraActs are resources and actions that the rules
	// name but this build does not know (nil almost always).
	extraObjs, extraActs map[string]int32
}

// cols is the width of a row of cells.
func (c *compiled) cols() int { return len(knownActs) + len(c.extraActs) }

// lookup returns the rule that gives obj and act, or nil.
func (c *compiled) lookup(obj, act string) []string {
	oi, ok := objIndex[obj]
	if !ok {
		if oi, ok = c.extraObjs[obj]; !ok {
			oi = otherObj
		}
	}
	ai, ok := actIndex[act]
	if !ok {
		if ai, ok = c.extraActs[act]; !ok {
			ai = otherAct
		}
	}
	if i := c.cells[int(oi)*c.cols()+int(ai)]; i >= 0 {
		return c.rules[i]
	}
	return nil
}

// bytes estimates the heap the table takes.
func (c *compiled) bytes() int64 {
	n := int64(96 + 2*len(c.cells) + 24*len(c.rules))
	return n + int64(48*(len(c.extraObjs)+len(c.extraActs)))
}

// compile builds the verdict tables of several subjects, each from its
// rules as (resource, action). One Casbin enforcer serves them all, holding
// one subject's rules at a time, so that each question scans only that
// subject's few rules.
func compile(rules map[string][][2]string) (map[string]*compiled, error) {
	m, err := baseModel()
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	e, err := casbin.NewEnforcer(m.Copy())
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	out := make(map[string]*compiled, len(rules))
	for sub, rs := range rules {
		e.SetAdapter(rulesAdapter{sub: sub, rules: rs})
		if err := e.LoadPolicy(); err != nil {
			return nil, fmt.Errorf("authz: load policy of %s: %w", sub, err)
		}
		c, err := compileOne(e, sub, rs)
		if err != nil {
			return nil, err
		}
		out[sub] = c
	}
	return out, nil
}

// compileOne fills one subject's table by asking e, which holds the
// subject's rules, about every request class they can match. A request
// whose resource no rule names (when none names "*"), or whose action no
// rule names (when none names "*"), cannot match, and its cell is left at
// -1 without asking.
func compileOne(e *casbin.Enforcer, sub string, rules [][2]string) (*compiled, error) {
	c := &compiled{}
	objs, acts := slices.Clone(knownObjs), slices.Clone(knownActs)
	namedObj, namedAct := map[string]bool{}, map[string]bool{}
	for _, r := range rules {
		namedObj[r[0]], namedAct[r[1]] = true, true
		if _, ok := objIndex[r[0]]; !ok && !slices.Contains(objs, r[0]) {
			c.extraObjs = addExtra(c.extraObjs, r[0], len(objs))
			objs = append(objs, r[0])
		}
		if _, ok := actIndex[r[1]]; !ok && !slices.Contains(acts, r[1]) {
			c.extraActs = addExtra(c.extraActs, r[1], len(acts))
			acts = append(acts, r[1])
		}
	}
	c.cells = make([]int16, len(objs)*len(acts))
	for i := range c.cells {
		c.cells[i] = -1
	}
	index := map[[2]string]int16{}
	for oi, obj := range objs {
		if !namedObj["*"] && !namedObj[obj] {
			continue
		}
		for ai, act := range acts {
			if !namedAct["*"] && !namedAct[act] {
				continue
			}
			ok, rule, err := e.EnforceEx(sub, obj, act)
			if err != nil {
				return nil, fmt.Errorf("authz: enforce %s %s:%s: %w", sub, obj, act, err)
			}
			if !ok {
				continue
			}
			k := [2]string{rule[1], rule[2]}
			i, seen := index[k]
			if !seen {
				i = int16(len(c.rules))
				index[k] = i
				c.rules = append(c.rules, slices.Clone(rule))
			}
			c.cells[oi*len(acts)+ai] = i
		}
	}
	return c, nil
}

func addExtra(m map[string]int32, v string, i int) map[string]int32 {
	if m == nil {
		m = map[string]int32{}
	}
	m[v] = int32(i)
	return m
}
