package authz

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// memSource is an in-memory core.AuthzRuleSource. A tenant it has no rules
// for loads as an empty rule set, as a new tenant would from the store.
type memSource struct {
	mu    sync.Mutex
	rules map[uuid.UUID][]core.AuthzRule
	errs  map[uuid.UUID]error
	loads map[uuid.UUID]int
	// gate, when set, is received from before each load returns, so a test
	// can hold loads in flight.
	gate chan struct{}
}

func newMemSource() *memSource {
	return &memSource{rules: map[uuid.UUID][]core.AuthzRule{}, errs: map[uuid.UUID]error{}, loads: map[uuid.UUID]int{}}
}

func (s *memSource) LoadAuthzRules(ctx context.Context, id uuid.UUID) ([]core.AuthzRule, error) {
	s.mu.Lock()
	s.loads[id]++
	rules, err, gate := append([]core.AuthzRule(nil), s.rules[id]...), s.errs[id], s.gate
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return rules, err
}

func (s *memSource) set(id uuid.UUID, rules ...[]core.AuthzRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules[id] = concat(rules...)
}

func (s *memSource) fail(id uuid.UUID, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs[id] = err
}

func (s *memSource) loadCount(id uuid.UUID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads[id]
}

// id returns a stable UUID for a readable test name.
func id(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }

func user(name string) string   { return core.UserSubject(id(name)) }
func region(name string) string { return core.RegionObject(id(name)) }
func site(name string) string   { return core.SiteObject(id(name)) }

func p(sub, res, act string) core.AuthzRule {
	return core.AuthzRule{PType: "p", V: []string{sub, res, act}}
}

// g gives sub the role name (without the "role:" prefix).
func g(sub, role string) core.AuthzRule {
	return core.AuthzRule{PType: "g", V: []string{sub, core.RoleSubject(role)}}
}

func g2(parent, child string) core.AuthzRule {
	return core.AuthzRule{PType: "g2", V: []string{parent, child}}
}

func concat(sets ...[]core.AuthzRule) []core.AuthzRule {
	var out []core.AuthzRule
	for _, s := range sets {
		out = append(out, s...)
	}
	return out
}

// defaultRoleRules returns the p rules onboarding writes for the default roles.
func defaultRoleRules() []core.AuthzRule {
	var out []core.AuthzRule
	for _, name := range core.RoleNames() {
		for _, perm := range core.DefaultRoles()[name] {
			out = append(out, p(core.RoleSubject(name), perm.Resource, perm.Action))
		}
	}
	return out
}

func perm(res, act string) core.Permission { return core.Permission{Resource: res, Action: act} }

func atSite(name string) core.Target {
	s := id(name)
	return core.Target{SiteID: &s}
}

func inRegion(name string) core.Target {
	r := id(name)
	return core.Target{RegionID: &r}
}

// testTree is a small region tree:
//
//	country ─┬─ north ─┬─ provA ─┬─ cityA1 ── siteA1
//	         │         │         └─ cityA2 ── siteA2
//	         │         └─ provB ─── cityB1 ── siteB1
//	         └─ south ─── provC ─── cityC1 ── siteC1
func testTree() []core.AuthzRule {
	links := [][2]string{{"country", "north"}, {"country", "south"}, {"north", "provA"}, {"north", "provB"},
		{"provA", "cityA1"}, {"provA", "cityA2"}, {"provB", "cityB1"}, {"south", "provC"}, {"provC", "cityC1"}}
	var out []core.AuthzRule
	for _, l := range links {
		out = append(out, g2(region(l[0]), region(l[1])))
	}
	for _, s := range [][2]string{{"cityA1", "siteA1"}, {"cityA2", "siteA2"}, {"cityB1", "siteB1"}, {"cityC1", "siteC1"}} {
		out = append(out, g2(region(s[0]), site(s[1])))
	}
	return out
}
