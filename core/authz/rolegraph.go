package authz

import (
	"slices"

	"github.com/casbin/casbin/v2/log"
	"github.com/casbin/casbin/v2/rbac"
)

// roleGraph is one tenant's g (subject -> role) or g2 (scope parent ->
// child) links, with the interface of a Casbin role manager.
//
// Casbin's default role manager keeps each name as an object with six
// sync.Maps and takes a mutex on every HasLink: about 1 KB per name. A
// tenant's links never change after loading (a change replaces the whole
// tenant), so the graph numbers its names (names.go: a UUID-named subject,
// region or site is 17 bytes, not a string) and keeps the links in
// compressed rows of those numbers, both ways: a walk looks up the two
// names it is asked about and then follows small integer slices, with no
// lock.
//
// It also walks in the cheap direction: g from the subject down (a subject
// has a role or two, a role has many holders), g2 from the target up (a site
// has one chain of regions above it, while a grant on a top region covers
// dozens of regions and sites below). Either way a link is found exactly
// when a chain of at most depth links leads from name1 to name2, as with
// Casbin's role manager and its maxHierarchyLevel.
//
// AddLink, DeleteLink and Clear must not run concurrently with reads; a
// tenant's graphs are built and frozen before any check.
type roleGraph struct {
	dom   string
	depth int
	up    bool // walk from name2 towards name1
	names nameTable
	// edges are the links while building; freeze turns them into out and
	// in, compressed: the links of id n are to[off[n]:off[n+1]].
	edges   [][2]int32
	out, in csr
	dirty   bool
}

// bytes estimates the heap the graph takes once compacted.
func (g *roleGraph) bytes() int64 {
	return 128 + g.names.bytes() + 4*int64(len(g.out.off)+len(g.in.off)+len(g.out.to)+len(g.in.to))
}

// csr is a compressed adjacency: the neighbours of n are to[off[n]:off[n+1]].
type csr struct{ off, to []int32 }

func (c csr) of(n int32) []int32 { return c.to[c.off[n]:c.off[n+1]] }

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

// freeze builds the compressed links from edges (and drops duplicates).
// Reads call it when links changed since; a loaded tenant's graphs are
// frozen before any check, so checks never write.
func (g *roleGraph) freeze() {
	n := g.names.len()
	if !g.dirty && len(g.out.off) == n+1 {
		return
	}
	slices.SortFunc(g.edges, func(a, b [2]int32) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	g.edges = slices.Compact(g.edges)
	g.out = build(n, g.edges, 0)
	g.in = build(n, g.edges, 1)
	g.edges = slices.Clip(g.edges)
	g.dirty = false
}

// compact drops the building list once the graph is frozen for good.
func (g *roleGraph) compact() {
	g.freeze()
	g.edges = nil
	g.names.compact()
}

// build returns the adjacency of edges from side from (0: out, 1: in).
func build(n int, edges [][2]int32, from int) csr {
	c := csr{off: make([]int32, n+1), to: make([]int32, len(edges))}
	for _, e := range edges {
		c.off[e[from]+1]++
	}
	for i := 1; i <= n; i++ {
		c.off[i] += c.off[i-1]
	}
	fill := slices.Clone(c.off[:n])
	for _, e := range edges {
		c.to[fill[e[from]]] = e[1-from]
		fill[e[from]]++
	}
	return c
}

// next returns the adjacency a walk from name1 towards name2 follows.
func (g *roleGraph) next(forward bool) csr {
	if forward {
		return g.out
	}
	return g.in
}

// search walks breadth-first from a along next for at most depth links and
// reports whether it meets b. With prev it records how each name was
// reached, for path.
func (g *roleGraph) search(a, b int32, next csr, prev map[int32]int32) bool {
	var seenBuf [16]uint64 // names up to 1024 need no allocation
	seen := seenBuf[:]
	if w := (g.names.len() + 63) / 64; w > len(seen) {
		seen = make([]uint64, w)
	}
	seen[a/64] |= 1 << (a % 64)
	var queueBuf [32]int32
	queue := append(queueBuf[:0], a)
	for d, level := 1, 0; d <= g.depth && level < len(queue); d++ {
		end := len(queue)
		for _, n := range queue[level:end] {
			for _, m := range next.of(n) {
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

// linked reports whether a chain of at most depth links leads from id a to
// id b; an id always reaches itself.
func (g *roleGraph) linked(a, b int32) bool {
	if a == b {
		return true
	}
	if g.up {
		return g.search(b, a, g.in, nil)
	}
	return g.search(a, b, g.out, nil)
}

// hasPath reports whether a chain of at most depth links leads from name1 to
// name2; a name always reaches itself.
func (g *roleGraph) hasPath(name1, name2 string) bool {
	if name1 == name2 {
		return true
	}
	g.freeze()
	a, ok1 := g.names.find(name1)
	b, ok2 := g.names.find(name2)
	return ok1 && ok2 && g.linked(a, b)
}

// path returns the shortest chain of links from name1 to name2, both
// included, that hasPath finds, or nil when there is none.
func (g *roleGraph) path(name1, name2 string) []string {
	if name1 == name2 {
		return []string{name1}
	}
	g.freeze()
	a, ok1 := g.names.find(name1)
	b, ok2 := g.names.find(name2)
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
	out := []string{g.names.name(goal)}
	for n := goal; n != start; {
		n = prev[n]
		out = append(out, g.names.name(n))
	}
	if !g.up { // walked from name1, so the trace runs from name2 back
		slices.Reverse(out)
	}
	return out
}

// walk calls fn with id a and then each id reachable from a within depth
// links along next, breadth-first, until fn returns true; it reports
// whether fn did.
func (g *roleGraph) walk(a int32, next csr, fn func(int32) bool) bool {
	if fn(a) {
		return true
	}
	var seenBuf [16]uint64
	seen := seenBuf[:]
	if w := (g.names.len() + 63) / 64; w > len(seen) {
		seen = make([]uint64, w)
	}
	seen[a/64] |= 1 << (a % 64)
	var queueBuf [16]int32
	queue := append(queueBuf[:0], a)
	for d, level := 1, 0; d <= g.depth && level < len(queue); d++ {
		end := len(queue)
		for _, n := range queue[level:end] {
			for _, m := range next.of(n) {
				if seen[m/64]&(1<<(m%64)) != 0 {
					continue
				}
				seen[m/64] |= 1 << (m % 64)
				if fn(m) {
					return true
				}
				queue = append(queue, m)
			}
		}
		level = end
	}
	return false
}

// reach returns the names reachable from name within depth links along
// next, in walk order, excluding name itself.
func (g *roleGraph) reach(name string, forward bool) []string {
	g.freeze()
	a, ok := g.names.find(name)
	if !ok {
		return nil
	}
	var out []string
	g.walk(a, g.next(forward), func(n int32) bool {
		if n != a {
			out = append(out, g.names.name(n))
		}
		return false
	})
	return out
}

// HasLink reports whether a chain of at most depth links leads from name1
// to name2 (a name always reaches itself).
func (g *roleGraph) HasLink(name1, name2 string, domain ...string) (bool, error) {
	return g.inDomain(domain) && g.hasPath(name1, name2), nil
}

// AddLink records name1 -> name2.
func (g *roleGraph) AddLink(name1, name2 string, domain ...string) error {
	if !g.inDomain(domain) {
		return errOtherDomain
	}
	g.edges = append(g.edges, [2]int32{g.names.intern(name1), g.names.intern(name2)})
	g.dirty = true
	return nil
}

// DeleteLink removes name1 -> name2.
func (g *roleGraph) DeleteLink(name1, name2 string, domain ...string) error {
	if !g.inDomain(domain) {
		return errOtherDomain
	}
	a, ok1 := g.names.find(name1)
	b, ok2 := g.names.find(name2)
	if ok1 && ok2 {
		g.edges = slices.DeleteFunc(g.edges, func(e [2]int32) bool { return e == [2]int32{a, b} })
		g.dirty = true
	}
	return nil
}

// BuildRelationship is AddLink under Casbin's deprecated name.
func (g *roleGraph) BuildRelationship(name1, name2 string, domain ...string) error {
	return g.AddLink(name1, name2, domain...)
}

// Clear drops every link.
func (g *roleGraph) Clear() error {
	g.names = newNameTable()
	g.edges, g.dirty = nil, true
	g.freeze()
	return nil
}

// GetRoles returns the names name links to directly.
func (g *roleGraph) GetRoles(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.namesOf(name, true), nil
}

// GetUsers returns the names linking directly to name.
func (g *roleGraph) GetUsers(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.namesOf(name, false), nil
}

// namesOf returns the names name links to directly (forward) or that link
// to it.
func (g *roleGraph) namesOf(name string, forward bool) []string {
	g.freeze()
	a, ok := g.names.find(name)
	if !ok {
		return nil
	}
	ids := g.next(forward).of(a)
	out := make([]string, 0, len(ids))
	for _, n := range ids {
		out = append(out, g.names.name(n))
	}
	return out
}

// GetImplicitRoles returns every name name reaches within depth links.
func (g *roleGraph) GetImplicitRoles(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.reach(name, true), nil
}

// GetImplicitUsers returns every name that reaches name within depth links.
func (g *roleGraph) GetImplicitUsers(name string, domain ...string) ([]string, error) {
	if !g.inDomain(domain) {
		return nil, nil
	}
	return g.reach(name, false), nil
}

// GetDomains returns the tenant's domain if name has a link in it.
func (g *roleGraph) GetDomains(name string) ([]string, error) {
	if _, ok := g.names.find(name); ok {
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

// AddMatchingFunc and AddDomainMatchingFunc: patterns are not supported, so
// they do nothing.
func (g *roleGraph) AddMatchingFunc(string, rbac.MatchingFunc)       {}
func (g *roleGraph) AddDomainMatchingFunc(string, rbac.MatchingFunc) {}

// PrintRoles and SetLogger: the graph logs nothing.
func (g *roleGraph) PrintRoles() error    { return nil }
func (g *roleGraph) SetLogger(log.Logger) {}
