package coretest

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/identity"
)

// Identities is the in-memory fake of identity.Store (and of the units it
// needs): one database of IdentityTenants.
type Identities struct {
	*Memory[IdentityTenants]
	AuditLog
}

// IdentityTenants are the fake's identity rows by tenant.
type IdentityTenants map[uuid.UUID]*IdentityTenant

// IdentityTenant is one tenant with its identity and access rows, and the
// regions and sites scopes refer to.
type IdentityTenant struct {
	core.Tenant
	Regions  map[uuid.UUID]*uuid.UUID // region → parent (nil: a root)
	Sites    map[uuid.UUID]uuid.UUID  // site → region
	Users    map[uuid.UUID]StoredUser
	Attempts map[identity.LoginKey]identity.LoginAttempts // by lower-case username and client
	Familiar map[identity.LoginKey]bool
	Sessions map[uuid.UUID]StoredSession
	Keys     map[uuid.UUID]StoredKey
	Roles    map[string]StoredRole
	Rules    map[Rule]bool
}

// StoredUser is a user row (roles and scope are Rules).
type StoredUser struct {
	core.User
	PasswordHash string
	// InviteHash and InviteExpiresAt are a pending invitation's.
	InviteHash      []byte
	InviteExpiresAt time.Time
}

// StoredSession is a session row.
type StoredSession struct {
	identity.Session
	LastSeenAt time.Time
	RevokedAt  *time.Time
}

// StoredKey is an API key row (roles and scope are Rules).
type StoredKey struct {
	core.APIKey
	TokenHash []byte
}

// StoredRole is a role row (its permissions are Rules).
type StoredRole struct {
	Description string
	Builtin     bool
}

// Rule is an access rule as stored: "p" (subject, resource, action), "g"
// (subject, role subject) or "g2" (subject, scope object).
type Rule struct{ PType, V0, V1, V2 string }

// NewIdentities returns an empty fake.
func NewIdentities() *Identities {
	return &Identities{Memory: NewMemory(IdentityTenants{}, cloneIdentityTenants)}
}

// NewIdentityTenant returns an active tenant with the default roles and
// rules, and its admin (username "admin") with password.
func NewIdentityTenant(t core.Tenant, admin uuid.UUID, password string, at time.Time) *IdentityTenant {
	t.Status = core.TenantActive
	it := &IdentityTenant{Tenant: t, Regions: map[uuid.UUID]*uuid.UUID{}, Sites: map[uuid.UUID]uuid.UUID{},
		Users: map[uuid.UUID]StoredUser{}, Attempts: map[identity.LoginKey]identity.LoginAttempts{}, Familiar: map[identity.LoginKey]bool{}, Sessions: map[uuid.UUID]StoredSession{},
		Keys: map[uuid.UUID]StoredKey{}, Roles: map[string]StoredRole{}, Rules: map[Rule]bool{}}
	for _, name := range core.RoleNames() {
		it.Roles[name] = StoredRole{Builtin: true}
	}
	// The fake keeps each tenant's own copy of the default roles'
	// permissions (the store shares them; the services cannot tell).
	rules := core.DefaultTenantRules(admin)
	for _, name := range core.RoleNames() {
		for _, p := range core.DefaultRoles()[name] {
			rules = append(rules, core.AuthzRule{PType: "p", V: []string{core.RoleSubject(name), p.Resource, p.Action}})
		}
	}
	for _, r := range rules {
		rule := Rule{PType: r.PType, V0: r.V[0], V1: r.V[1]}
		if len(r.V) > 2 {
			rule.V2 = r.V[2]
		}
		it.Rules[rule] = true
	}
	it.Users[admin] = StoredUser{User: core.User{ID: admin, TenantID: t.ID, Username: "admin", Status: core.UserActive,
		Version: 1, CreatedAt: at, UpdatedAt: at}, PasswordHash: core.HashPassword(password)}
	return it
}

func cloneIdentityTenants(ts IdentityTenants) IdentityTenants {
	out := make(IdentityTenants, len(ts))
	for id, t := range ts {
		c := *t
		c.Regions, c.Sites, c.Users, c.Attempts = maps.Clone(t.Regions), maps.Clone(t.Sites), maps.Clone(t.Users), maps.Clone(t.Attempts)
		c.Sessions, c.Keys, c.Roles, c.Rules = maps.Clone(t.Sessions), maps.Clone(t.Keys), maps.Clone(t.Roles), maps.Clone(t.Rules)
		c.Familiar = maps.Clone(t.Familiar)
		out[id] = &c
	}
	return out
}

// Identity implements identity.Store.
func (f *Identities) Identity(u core.UnitOfWork) identity.Repository {
	return identityRepo{u: UnitOf[IdentityTenants](u)}
}

// FindTenantBySlug implements identity.Store.
func (f *Identities) FindTenantBySlug(_ context.Context, slug string) (*core.Tenant, error) {
	var out *core.Tenant
	f.Read(func(ts IdentityTenants) {
		for _, t := range ts {
			if t.Slug == slug {
				tc := t.Tenant
				out = &tc
			}
		}
	})
	if out == nil {
		return nil, core.Errorf(core.ENOTFOUND, "tenant %s not found", slug)
	}
	return out, nil
}

// FindPrincipal implements identity.Store.
func (f *Identities) FindPrincipal(_ context.Context, tok core.Token, now time.Time) (*core.Principal, error) {
	var p *core.Principal
	f.Read(func(ts IdentityTenants) {
		t, ok := ts[tok.TenantID]
		if !ok {
			return
		}
		base := core.Principal{Kind: tok.Kind, TenantID: t.ID, TenantSlug: t.Slug, TenantStatus: t.Status,
			TenantReason: t.StatusReason, Locale: t.Locale, TimeZone: t.TimeZone}
		switch tok.Kind {
		case core.PrincipalUser:
			for _, s := range t.Sessions {
				u := t.Users[s.UserID]
				if bytes.Equal(s.TokenHash, tok.Hash) && s.RevokedAt == nil && s.ExpiresAt.After(now) && u.Status == core.UserActive {
					seen := s.LastSeenAt
					base.ID, base.SessionID, base.Name, base.DisplayName, base.LastUsedAt = u.ID, s.ID, u.Username, u.DisplayName, &seen
					p = &base
				}
			}
		case core.PrincipalAPIKey:
			for _, k := range t.Keys {
				if bytes.Equal(k.TokenHash, tok.Hash) && k.RevokedAt == nil && (k.ExpiresAt == nil || k.ExpiresAt.After(now)) {
					base.ID, base.Name, base.LastUsedAt = k.ID, k.Name, k.LastUsedAt
					p = &base
				}
			}
		}
	})
	if p == nil {
		return nil, core.Errorf(core.ENOTFOUND, "credential not found")
	}
	return p, nil
}

// identityRepo implements identity.Repository on a Memory unit.
type identityRepo struct{ u *Unit[IdentityTenants] }

func (r identityRepo) t() *IdentityTenant {
	t, ok := r.u.State()[r.u.TenantID()]
	if !ok {
		panic("coretest: unknown tenant " + r.u.TenantID().String())
	}
	return t
}

func (r identityRepo) LockLoginCounters(_ context.Context, username, client string) (identity.LoginCounters, error) {
	t, user := r.t(), strings.ToLower(username)
	return identity.LoginCounters{Pair: t.Attempts[identity.LoginKey{Username: user, Client: client}],
		Client: t.Attempts[identity.LoginKey{Client: client}], Account: t.Attempts[identity.LoginKey{Username: user}],
		Familiar: t.Familiar[identity.LoginKey{Username: user, Client: client}]}, nil
}

func (r identityRepo) findUser(username string) (StoredUser, bool) {
	for _, u := range r.t().Users {
		if strings.EqualFold(u.Username, username) {
			return u, true
		}
	}
	return StoredUser{}, false
}

func (r identityRepo) FindCredentials(_ context.Context, username string) (identity.Credentials, error) {
	u, ok := r.findUser(username)
	if !ok {
		return identity.Credentials{}, core.Errorf(core.ENOTFOUND, "user not found")
	}
	return identity.Credentials{UserID: u.ID, PasswordHash: u.PasswordHash, Status: u.Status}, nil
}

func (r identityRepo) SaveLoginCounter(k identity.LoginKey, a identity.LoginAttempts) {
	k.Username = strings.ToLower(k.Username)
	r.t().Attempts[k] = a
}

func (r identityRepo) RememberLoginSuccess(username, client string, _ time.Time) {
	k := identity.LoginKey{Username: strings.ToLower(username), Client: client}
	delete(r.t().Attempts, k)
	delete(r.t().Attempts, identity.LoginKey{Client: client})
	r.t().Familiar[k] = true
}

func (r identityRepo) InsertSession(s identity.Session) {
	r.t().Sessions[s.ID] = StoredSession{Session: s, LastSeenAt: s.CreatedAt}
}

func (r identityRepo) RevokeSession(id uuid.UUID, at time.Time) {
	if s, ok := r.t().Sessions[id]; ok && s.RevokedAt == nil {
		s.RevokedAt = &at
		r.t().Sessions[id] = s
	}
}

func (r identityRepo) RevokeUserSessions(user uuid.UUID, at time.Time) {
	for id, s := range r.t().Sessions {
		if s.UserID == user && s.RevokedAt == nil {
			s.RevokedAt = &at
			r.t().Sessions[id] = s
		}
	}
}

func (r identityRepo) TouchSession(id uuid.UUID, at time.Time) {
	if s, ok := r.t().Sessions[id]; ok {
		s.LastSeenAt = at
		r.t().Sessions[id] = s
	}
}

func (r identityRepo) TouchAPIKey(id uuid.UUID, at time.Time) {
	if k, ok := r.t().Keys[id]; ok {
		k.LastUsedAt = &at
		r.t().Keys[id] = k
	}
}

func (r identityRepo) InsertUser(_ context.Context, u *core.User, passwordHash string) (*core.User, error) {
	if _, taken := r.findUser(u.Username); taken {
		return nil, core.Errorf(core.ECONFLICT, "user %s already exists", u.Username)
	}
	stored := *u
	stored.TenantID = r.u.TenantID()
	stored.Roles, stored.Scope = nil, core.Scope{}
	r.t().Users[u.ID] = StoredUser{User: stored, PasswordHash: passwordHash}
	out := stored
	return &out, nil
}

func (r identityRepo) FindUsers(_ context.Context, f core.UserFilter) ([]*core.User, string, error) {
	t := r.t()
	visible := r.visible(f.Within)
	var out []*core.User
	for _, su := range t.Users {
		u := su.User
		switch {
		case strings.ToLower(u.Username) <= strings.ToLower(f.After):
		case f.Status != "" && u.Status != f.Status:
		case f.Role != "" && !t.Rules[Rule{PType: "g", V0: core.UserSubject(u.ID), V1: core.RoleSubject(f.Role)}]:
		case f.Query != "" && !containsFold(u.Username, f.Query) && !containsFold(u.DisplayName, f.Query):
		case !f.Within.All && !r.inside(core.UserSubject(u.ID), visible):
		default:
			r.withAccess(&u)
			out = append(out, &u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Username) < strings.ToLower(out[j].Username) })
	limit := clampLimit(f.Limit)
	if len(out) <= limit {
		return out, "", nil
	}
	out = out[:limit]
	return out, strings.ToLower(out[limit-1].Username), nil
}

func containsFold(s, part string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(part))
}

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, 500)
}

// visible are the scope objects inside sc: its regions' subtrees and the
// sites in them, and its sites.
func (r identityRepo) visible(sc core.Scope) map[string]bool {
	t := r.t()
	regions := map[uuid.UUID]bool{}
	for _, id := range sc.Regions {
		if _, ok := t.Regions[id]; ok {
			regions[id] = true
		}
	}
	for grew := true; grew; {
		grew = false
		for id, parent := range t.Regions {
			if parent != nil && regions[*parent] && !regions[id] {
				regions[id], grew = true, true
			}
		}
	}
	out := map[string]bool{}
	for id := range regions {
		out[core.RegionObject(id)] = true
	}
	for id, region := range t.Sites {
		if regions[region] || slices.Contains(sc.Sites, id) {
			out[core.SiteObject(id)] = true
		}
	}
	return out
}

// inside: the subject has scope grants, all of them visible.
func (r identityRepo) inside(subject string, visible map[string]bool) bool {
	n := 0
	for rule := range r.t().Rules {
		if rule.PType == "g2" && rule.V0 == subject {
			if !visible[rule.V1] {
				return false
			}
			n++
		}
	}
	return n > 0
}

// access returns a subject's roles and scope, sorted as the adapter sorts
// them.
func (r identityRepo) access(subject string) ([]string, core.Scope) {
	roles := []string{}
	sc := core.Scope{Regions: []uuid.UUID{}, Sites: []uuid.UUID{}}
	for rule := range r.t().Rules {
		if rule.V0 != subject {
			continue
		}
		kind, id, _ := strings.Cut(rule.V1, ":")
		switch {
		case rule.PType == "g":
			roles = append(roles, strings.TrimPrefix(rule.V1, "role:"))
		case rule.PType != "g2":
		case rule.V1 == core.ScopeAll:
			sc.All = true
		case kind == "region":
			sc.Regions = append(sc.Regions, uuid.MustParse(id))
		case kind == "site":
			sc.Sites = append(sc.Sites, uuid.MustParse(id))
		}
	}
	sort.Strings(roles)
	byString := func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) }
	slices.SortFunc(sc.Regions, byString)
	slices.SortFunc(sc.Sites, byString)
	return roles, sc
}

func (r identityRepo) withAccess(u *core.User) { u.Roles, u.Scope = r.access(core.UserSubject(u.ID)) }

func (r identityRepo) FindUserByID(ctx context.Context, id uuid.UUID) (*core.User, error) {
	u, err := r.LockUser(ctx, id)
	if err != nil {
		return nil, err
	}
	r.withAccess(u)
	return u, nil
}

func (r identityRepo) LockUser(_ context.Context, id uuid.UUID) (*core.User, error) {
	su, ok := r.t().Users[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "user not found")
	}
	u := su.User
	return &u, nil
}

func (r identityRepo) UpdateUser(_ context.Context, up *core.User, passwordHash string) (*core.User, error) {
	su, ok := r.t().Users[up.ID]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "user not found")
	}
	su.DisplayName, su.Phone, su.Email, su.Status = up.DisplayName, up.Phone, up.Email, up.Status
	su.Version++
	su.UpdatedAt = up.UpdatedAt
	if passwordHash != "" {
		su.PasswordHash = passwordHash
	}
	r.t().Users[up.ID] = su
	u := su.User
	r.withAccess(&u)
	return &u, nil
}

func (r identityRepo) InsertAPIKey(_ context.Context, k *core.APIKey, tokenHash []byte, _ uuid.UUID) (*core.APIKey, error) {
	stored := *k
	stored.Roles, stored.Scope = nil, core.Scope{}
	r.t().Keys[k.ID] = StoredKey{APIKey: stored, TokenHash: tokenHash}
	return &stored, nil
}

func (r identityRepo) withKeyAccess(k *core.APIKey) {
	k.Roles, k.Scope = r.access(core.APIKeySubject(k.ID))
}

func (r identityRepo) FindAPIKeys(_ context.Context, after string, limit int) ([]*core.APIKey, string, error) {
	var cur uuid.UUID
	if after != "" {
		id, err := uuid.Parse(after)
		if err != nil {
			return nil, "", core.FieldError("cursor", "is not a cursor returned by this list")
		}
		cur = id
	}
	var out []*core.APIKey
	for _, sk := range r.t().Keys {
		if k := sk.APIKey; after == "" || k.ID.String() > cur.String() {
			r.withKeyAccess(&k)
			out = append(out, &k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	limit = clampLimit(limit)
	if len(out) <= limit {
		return out, "", nil
	}
	out = out[:limit]
	return out, out[limit-1].ID.String(), nil
}

func (r identityRepo) RevokeAPIKey(_ context.Context, id uuid.UUID, at time.Time) (*core.APIKey, error) {
	sk, ok := r.t().Keys[id]
	if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "API key not found")
	}
	if sk.RevokedAt == nil {
		sk.RevokedAt = &at
		r.t().Keys[id] = sk
	}
	k := sk.APIKey
	r.withKeyAccess(&k)
	return &k, nil
}

func (r identityRepo) KnownRoles(_ context.Context, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		if _, ok := r.t().Roles[n]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}

func (r identityRepo) CountRegions(_ context.Context, ids []uuid.UUID) (int, error) {
	n := 0
	for _, id := range ids {
		if _, ok := r.t().Regions[id]; ok {
			n++
		}
	}
	return n, nil
}

func (r identityRepo) CountSites(_ context.Context, ids []uuid.UUID) (int, error) {
	n := 0
	for _, id := range ids {
		if _, ok := r.t().Sites[id]; ok {
			n++
		}
	}
	return n, nil
}

// replace drops the subject's rules of a type and adds rules.
func (r identityRepo) replace(ptype, subject string, rules []Rule) {
	for rule := range r.t().Rules {
		if rule.PType == ptype && rule.V0 == subject {
			delete(r.t().Rules, rule)
		}
	}
	for _, rule := range rules {
		r.t().Rules[rule] = true
	}
}

func (r identityRepo) SetRoles(subject string, roles []string) {
	var rules []Rule
	for _, role := range roles {
		rules = append(rules, Rule{PType: "g", V0: subject, V1: core.RoleSubject(role)})
	}
	r.replace("g", subject, rules)
}

func (r identityRepo) SetScope(subject string, sc core.Scope) {
	var rules []Rule
	if sc.All {
		rules = append(rules, Rule{PType: "g2", V0: subject, V1: core.ScopeAll})
	}
	for _, id := range sc.Regions {
		rules = append(rules, Rule{PType: "g2", V0: subject, V1: core.RegionObject(id)})
	}
	for _, id := range sc.Sites {
		rules = append(rules, Rule{PType: "g2", V0: subject, V1: core.SiteObject(id)})
	}
	r.replace("g2", subject, rules)
}

func (r identityRepo) FindRoles(ctx context.Context) ([]*core.Role, error) {
	var out []*core.Role
	for name, role := range r.t().Roles {
		perms, _ := r.FindPermissions(ctx, core.RoleSubject(name))
		out = append(out, &core.Role{Name: name, Description: role.Description, Builtin: role.Builtin, Permissions: perms})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (r identityRepo) SaveRole(name, description string) {
	role := r.t().Roles[name]
	role.Description = description
	r.t().Roles[name] = role
}

func (r identityRepo) RoleBuiltin(_ context.Context, name string) (bool, error) {
	role, ok := r.t().Roles[name]
	if !ok {
		return false, core.Errorf(core.ENOTFOUND, "role not found")
	}
	return role.Builtin, nil
}

func (r identityRepo) FindPermissions(_ context.Context, subject string) ([]core.Permission, error) {
	out := []core.Permission{}
	for rule := range r.t().Rules {
		if rule.PType == "p" && rule.V0 == subject {
			out = append(out, core.Permission{Resource: rule.V1, Action: rule.V2})
		}
	}
	slices.SortFunc(out, func(a, b core.Permission) int {
		if c := strings.Compare(a.Resource, b.Resource); c != 0 {
			return c
		}
		return strings.Compare(a.Action, b.Action)
	})
	return out, nil
}

func (r identityRepo) SetPermissions(subject string, perms []core.Permission) {
	var rules []Rule
	for _, p := range perms {
		rules = append(rules, Rule{PType: "p", V0: subject, V1: p.Resource, V2: p.Action})
	}
	r.replace("p", subject, rules)
}

func (r identityRepo) FindInvitation(_ context.Context, hash []byte) (identity.Invitation, error) {
	for _, u := range r.t().Users {
		if u.InviteHash != nil && string(u.InviteHash) == string(hash) && u.Status == core.UserActive {
			return identity.Invitation{UserID: u.ID, Username: u.Username, Hash: u.InviteHash, ExpiresAt: u.InviteExpiresAt}, nil
		}
	}
	return identity.Invitation{}, core.Errorf(core.ENOTFOUND, "invitation not found")
}

func (r identityRepo) ConsumeInvitation(user uuid.UUID, passwordHash string, at time.Time) {
	su := r.t().Users[user]
	su.PasswordHash, su.InviteHash, su.InviteExpiresAt = passwordHash, nil, time.Time{}
	su.Version++
	su.UpdatedAt = at
	r.t().Users[user] = su
}
