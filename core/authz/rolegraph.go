package authz

import (
	"slices"

	"github.com/casbin/casbin/v2/log"
	"github.com/casbin/casbin/v2/rbac"
)

// roleGraph is the Casbin role manager of one tenant's g or g2 links.
//
// Casbin's default role manager keeps each name as an object with six
// sync.Maps and takes a mutex on every HasLink: about 1 KB per name, and
// pointer chasing through memory that is cold when checks spread over a
// thousand tenants. A tenant's links never change after loading (a change
// replaces the whole tenant), so the graph numbers its names and keeps the
// links as slices of those numbers: a walk hashes the two names it is asked
// about and then follows small integer slices, with no lock.
//
// It also walks in the cheap direction: g from the subject down (a subject
// has a role or two, a role has many holders), g2 from the target up (a site
// has one chain of regions above it, while a grant on a top region covers
// dozens of regions and sites below). Either way a link is found exactly
// when a chain of at most depth links leads from name1 to name2, as with
// Casbin's role manager and its maxHierarchyLevel.
//
// AddLink, DeleteLink and Clear must not run concurrently with reads; Casbin
// calls them only while the tenant's enforcer is built, before any check.
type roleGraph struct {
	dom   string
	depth int
	up    bool // walk from name2 towards name1
	ids   map[string]int32
	names []string
	out   [][]int32 // id -> ids it links to
	in    [][]int32 // id -> ids linking to it
}

var _ rbac.RoleManager = (*roleGraph)(nil)

func newRoleGraph(dom string, depth int, up bool) *roleGraph {
	g := &roleGraph{dom: dom, depth: depth, up: up}
	_ = g.Clear()
	return g
}

// inDomain reports whether the optional domain argument names this tenant.
// A link or question about any other domain does not belong here.
func (g *roleGraph) inDomain(domain []string) bool {
	return len(domain) == 0 || (len(domain) == 1 && domain[0] == g.dom)
}

// intern returns the number of name, adding it if new.
func (g *roleGraph) intern(name string) int32 {
	if id, ok := g.ids[name]; ok {
		return id
	}
	id := int32(len(g.names))
	g.ids[name] = id
	g.names = append(g.names, name)
	g.out = append(g.out, nil)
	g.in = append(g.in, nil)
	return id
}

// search walks breadth-first from a along next for at most depth links and
// reports whether it meets b. With prev it records how each name was
// reached, for path.
func (g *roleGraph) search(a, b int32, next [][]int32, prev map[int32]int32) bool {
	var seenBuf [16]uint64 // names up to 1024 need no allocation
	seen := seenBuf[:]
	if w := (len(g.names) + 63) / 64; w > len(seen) {
		seen = make([]uint64, w)
	}
	seen[a/64] |= 1 << (a % 64)
	var queueBuf [32]int32
	queue := append(queueBuf[:0], a)
	for d, level := 1, 0; d <= g.depth && level < len(queue); d++ {
		end := len(queue)
		for _, n := range queue[level:end] {
			for _, m := range next[n] {
				if seen[m/64]&(1<<(m%64)) != 0 {
					continue
				}
				seen[m/64] |= 1 << (m % 64)
				if prev != nil {
					prev[m] = n
				}
				if m == b {
					return true
				}
				queue = append(queue, m)
			}
		}
		level = end
	}
	return false
}

// hasPath reports whether a chain of at most depth links leads from name1 to
// name2; a name always reaches itself.
func (g *roleGraph) hasPath(name1, name2 string) bool {
	if name1 == name2 {
		return true
	}
	a, ok1 := g.ids[name1]
	b, ok2 := g.ids[name2]
	if !ok1 || !ok2 {
		return false
	}
	if g.up {
		return g.search(b, a, g.in, nil)
	}
	return g.search(a, b, g.out, nil)
}

// path returns the shortest chain of links from name1 to name2, both
// included, that hasPath finds, or nil when there is none.
func (g *roleGraph) path(name1, name2 string) []string {
	if name1 == name2 {
		return []string{name1}
	}
	a, ok1 := g.ids[name1]
	b, ok2 := g.ids[name2]
	if !ok1 || !ok2 {
		return nil
	}
	start, goal, next := a, b, g.out
	if g.up {
		start, goal, next = b, a, g.in
	}
	prev := map[int32]int32{}
	if !g.search(start, goal, next, prev) {
		return nil
	}
	out := []string{g.names[goal]}
	for n := goal; n != start; {
		n = prev[n]
		out = append(out, g.names[n])
	}
	if !g.up { // walked from name1, so the trace runs from name2 back
		slices.Reverse(out)
	}
	return out
}

// reach returns the names reachable from name within depth links along
// next, in walk order, excluding name itself.
func (g *roleGraph) reach(name string, next [][]int32) []string {
	a, ok := g.ids[name]
	if !ok {
		return nil
	}
	seen := map[int32]bool{a: true}
	var out []string
	frontier := []int32{a}
	for d := 1; d <= g.depth && len(frontier) > 0; d++ {
		var ahead []int32
		for _, n := range frontier {
			for _, m := range next[n] {
				if !seen[m] {
					seen[m] = true
					out = append(out, g.names[m])
					ahead = append(ahead, m)
				}
			}
		}
		frontier = ahead
	}
	return out
}

// HasLink reports whether a chain of at most depth links leads from name1
// to name2 (a name always reaches itself).
func (g *roleGraph) HasLink(name1, name2 string, domain ...string) (bool, error) {
	return g.inDomain(domain) && g.hasPath(name1, name2), nil
}

// AddLink records name1 -> name2. Casbin drops duplicate rules before
// building links, and a duplicate would only be walked past anyway.
func (g *roleGraph) AddLink(name1, name2 string, domain ...string) error {
	if !g.inDomain(domain) {
		return errOtherDomain
	}
	a, b := g.intern(name1), g.intern(name2)
	g.out[a] = append(g.out[a], b)
	g.in[b] = append(g.in[b], a)
	return nil
}

// DeleteLink removes name1 -> name2.
func (g *roleGraph) DeleteLink(name1, name2 string, domain ...string) error {
	if !g.inDomain(domain) {
		return errOtherDomain
	}
	a, ok1 := g.ids[name1]
	b, ok2 := g.ids[name2]
	if ok1 && ok2 {
		g.out[a] = slices.DeleteFunc(g.out[a], func(n int32) bool { return n == b })
		g.in[b] = slices.DeleteFunc(g.in[b], func(n int32) bool { return n == a })
	}
	return nil
}

// BuildRelationship is AddLink under Casbin's deprecated name.
func (g *roleGraph) BuildRelationship(name1, name2 string, domain ...string) error {
	return g.AddLink(name1, name2, domain...)
}

// Clear drops every link.
func (g *roleGraph) Clear() error {
	g.ids, g.names, g.out, g.in = map[string]int32{}, nil, nil, nil
	return nil
}

// GetRoles returns the names name links to directly.
func (g *roleGraph) GetRoles(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.namesOf(name, g.out), nil
}

// GetUsers returns the names linking directly to name.
func (g *roleGraph) GetUsers(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.namesOf(name, g.in), nil
}

// namesOf returns the names next links name to directly.
func (g *roleGraph) namesOf(name string, next [][]int32) []string {
	a, ok := g.ids[name]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(next[a]))
	for _, n := range next[a] {
		out = append(out, g.names[n])
	}
	return out
}

// GetImplicitRoles returns every name name reaches within depth links.
func (g *roleGraph) GetImplicitRoles(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.reach(name, g.out), nil
}

// GetImplicitUsers returns every name that reaches name within depth links.
func (g *roleGraph) GetImplicitUsers(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.reach(name, g.in), nil
}

// GetDomains returns the tenant's domain if name has a link in it.
func (g *roleGraph) GetDomains(name string) ([]string, error) {
	if _, ok := g.ids[name]; ok {
		return []string{g.dom}, nil
	}
	return nil, nil
}

// GetAllDomains returns the tenant's domain.
func (g *roleGraph) GetAllDomains() ([]string, error) { return []string{g.dom}, nil }

// DeleteDomain drops every link when domain is the tenant's.
func (g *roleGraph) DeleteDomain(domain string) error {
	if domain != g.dom {
		return errOtherDomain
	}
	return g.Clear()
}

// Match compares names exactly: the model uses no name or domain patterns.
func (g *roleGraph) Match(str, pattern string) bool { return str == pattern }

// AddMatchingFunc and AddDomainMatchingFunc are never called for this model
// (Casbin adds one only for a keyMatch on domains); patterns are not
// supported, so they do nothing.
func (g *roleGraph) AddMatchingFunc(string, rbac.MatchingFunc)       {}
func (g *roleGraph) AddDomainMatchingFunc(string, rbac.MatchingFunc) {}

// PrintRoles and SetLogger: the graph logs nothing.
func (g *roleGraph) PrintRoles() error    { return nil }
func (g *roleGraph) SetLogger(log.Logger) {}
