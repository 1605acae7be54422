package coretest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/identity"
)

// AdminPassword is the password of the admin of an IdentityEnv's tenant.
const AdminPassword = "correct-horse-battery"

// IdentityEnv is what the identity scenarios run on: a store with an
// active tenant (default roles, an admin "admin" with AdminPassword and
// tenant-wide scope, a region and a site in it).
type IdentityEnv struct {
	Units        core.UnitsOfWork
	Store        identity.Store
	Clock        *Clock
	Tenant       uuid.UUID
	Slug         string
	Admin        uuid.UUID
	Region, Site uuid.UUID
	// Suspend suspends the tenant, for the reason given.
	Suspend func(reason string)
}

// NewMemoryIdentityEnv seeds the fake with an IdentityEnv's tenant.
func NewMemoryIdentityEnv() IdentityEnv {
	f := NewIdentities()
	clock := &Clock{}
	e := IdentityEnv{Units: f, Store: f, Clock: clock, Tenant: uuid.New(), Slug: "acme", Admin: uuid.New(),
		Region: uuid.New(), Site: uuid.New()}
	t := NewIdentityTenant(core.Tenant{ID: e.Tenant, Slug: e.Slug, Name: "Acme", Locale: "zh-CN", TimeZone: "Asia/Shanghai"},
		e.Admin, AdminPassword, clock.Now())
	t.Regions[e.Region] = nil
	t.Sites[e.Site] = e.Region
	f.Write(func(ts IdentityTenants) IdentityTenants {
		ts[e.Tenant] = t
		return ts
	})
	e.Suspend = func(reason string) {
		f.Write(func(ts IdentityTenants) IdentityTenants {
			ts[e.Tenant].Status, ts[e.Tenant].StatusReason = core.TenantSuspended, reason
			return ts
		})
	}
	return e
}

// IdentityScenario is one scenario of the identity use cases.
type IdentityScenario struct {
	Name string
	Run  func(t *testing.T, e IdentityEnv)
}

func (e IdentityEnv) service(p identity.LoginPolicy) *identity.Service {
	return identity.NewService(identity.Config{Store: e.Store, Units: e.Units, Clock: e.Clock, Policy: p})
}

// do runs fn in a unit of the tenant and commits it.
func (e IdentityEnv) do(fn func(u core.UnitOfWork) error) error {
	return core.InUnitOfWork(context.Background(), e.Units, e.Tenant, fn)
}

// loginClient is where the scenarios' logins come from, unless said.
const loginClient = "198.51.100.7"

func (e IdentityEnv) login(s *identity.Service, username, password string) (string, error) {
	return e.loginFrom(s, loginClient, username, password)
}

func (e IdentityEnv) loginFrom(s *identity.Service, client, username, password string) (string, error) {
	tok, _, err := s.Login(context.Background(), e.Slug, username, password, client)
	return tok, err
}

func authenticate(s *identity.Service, token string) (*core.Principal, error) {
	tok, err := core.ParseToken(token)
	if err != nil {
		return nil, err
	}
	return s.Authenticate(context.Background(), tok)
}

func (e IdentityEnv) createUser(t *testing.T, s *identity.Service, nu core.NewUser) (*core.User, error) {
	t.Helper()
	var out *core.User
	err := e.do(func(u core.UnitOfWork) (err error) {
		out, err = s.CreateUser(context.Background(), u, nu)
		return err
	})
	return out, err
}

func (e IdentityEnv) updateUser(s *identity.Service, id uuid.UUID, up core.UserUpdate) (*core.User, error) {
	var out *core.User
	err := e.do(func(u core.UnitOfWork) (err error) {
		out, err = s.UpdateUser(context.Background(), u, id, up)
		return err
	})
	return out, err
}

func (e IdentityEnv) findUser(t *testing.T, s *identity.Service, id uuid.UUID) *core.User {
	t.Helper()
	var out *core.User
	must(t, e.do(func(u core.UnitOfWork) (err error) {
		out, err = s.FindUserByID(context.Background(), u, id)
		return err
	}))
	return out
}

func (e IdentityEnv) findUsers(t *testing.T, s *identity.Service, f core.UserFilter) []string {
	t.Helper()
	var users []*core.User
	must(t, e.do(func(u core.UnitOfWork) (err error) {
		users, _, err = s.FindUsers(context.Background(), u, f)
		return err
	}))
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	return names
}

func (e IdentityEnv) findKey(t *testing.T, s *identity.Service, id uuid.UUID) (*core.APIKey, error) {
	t.Helper()
	var keys []*core.APIKey
	err := e.do(func(u core.UnitOfWork) (err error) {
		keys, _, err = s.FindAPIKeys(context.Background(), u, "", 500)
		return err
	})
	for _, k := range keys {
		if k.ID == id {
			return k, err
		}
	}
	if err == nil {
		t.Fatalf("API key %s not listed", id)
	}
	return nil, err
}

func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func sameIDs(t *testing.T, what string, got, want []uuid.UUID) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// IdentityScenarios are the identity use cases' scenarios; core/identity's
// tests run them on the fake, core/postgres's on PostgreSQL.
func IdentityScenarios() []IdentityScenario {
	ctx := context.Background()
	return []IdentityScenario{
		{"a login opens a session that authenticates until logout", func(t *testing.T, e IdentityEnv) {
			s := e.service(identity.DefaultLoginPolicy())
			tok, exp, err := s.Login(ctx, e.Slug, "Admin", AdminPassword, loginClient) // usernames ignore case
			must(t, err)
			if !exp.After(e.Clock.Now().Add(11 * time.Hour)) {
				t.Fatalf("session expires at %v, want in 12 hours", exp)
			}
			p, err := authenticate(s, tok)
			must(t, err)
			equal(t, "kind", p.Kind, core.PrincipalUser)
			equal(t, "user", p.ID, e.Admin)
			equal(t, "name", p.Name, "admin")
			equal(t, "tenant", p.TenantSlug, e.Slug)
			equal(t, "tenant status", p.TenantStatus, core.TenantActive)
			must(t, e.do(func(u core.UnitOfWork) error { return s.Logout(ctx, u, p) }))
			_, err = authenticate(s, tok)
			wantCode(t, err, core.EUNAUTHORIZED)
			_, err = authenticate(s, "ast_"+strings.Repeat("0", 32)+"_"+strings.Repeat("a", 43))
			wantCode(t, err, core.EUNAUTHORIZED)
		}},
		{"wrong passwords are throttled, then lock the account, the right password included", func(t *testing.T, e IdentityEnv) {
			s := e.service(identity.LoginPolicy{FreeFailures: 2, BaseDelay: time.Hour, MaxDelay: time.Hour,
				LockAfter: 3, LockFor: 2 * time.Hour, SessionTTL: time.Hour})
			for range 2 {
				_, err := e.login(s, "admin", "wrong-password-1")
				wantCode(t, err, core.EUNAUTHORIZED)
			}
			_, err := e.login(s, "admin", AdminPassword)
			wantCode(t, err, core.ERATELIMIT)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.RetryAfterSeconds < 3500 {
				t.Fatalf("want Retry-After about an hour, got %v", err)
			}
			e.Clock.Advance(time.Hour + time.Minute)
			_, err = e.login(s, "admin", "wrong-password-1") // the third: locked
			wantCode(t, err, core.EUNAUTHORIZED)
			_, err = e.login(s, "admin", AdminPassword)
			wantCode(t, err, core.ELOCKED)
			e.Clock.Advance(2*time.Hour + time.Minute) // the lock expires
			_, err = e.login(s, "admin", AdminPassword)
			must(t, err)

			// Unknown usernames are throttled alike; unknown tenants answer
			// as a wrong password does.
			for range 2 {
				_, err := e.login(s, "ghost", "whatever-123")
				wantCode(t, err, core.EUNAUTHORIZED)
			}
			_, err = e.login(s, "ghost", "whatever-123")
			wantCode(t, err, core.ERATELIMIT)
			_, _, err = s.Login(ctx, "nope", "admin", AdminPassword, loginClient)
			wantCode(t, err, core.EUNAUTHORIZED)
		}},
		{"an attacker elsewhere slows and locks himself, not the account's owner", func(t *testing.T, e IdentityEnv) {
			s := e.service(identity.LoginPolicy{FreeFailures: 2, BaseDelay: time.Hour, MaxDelay: time.Hour,
				LockAfter: 3, LockFor: 2 * time.Hour, SessionTTL: time.Hour})
			const owner, attacker, cafe = "owner-pc", "203.0.113.66", "cafe-wifi"
			_, err := e.loginFrom(s, owner, "admin", AdminPassword) // the owner's client becomes familiar
			must(t, err)
			for range 2 {
				_, err = e.loginFrom(s, attacker, "admin", "guess-123456")
				wantCode(t, err, core.EUNAUTHORIZED)
			}
			_, err = e.loginFrom(s, attacker, "admin", "guess-123456")
			wantCode(t, err, core.ERATELIMIT) // slowed
			e.Clock.Advance(time.Hour + time.Minute)
			_, err = e.loginFrom(s, attacker, "admin", "guess-123456")
			wantCode(t, err, core.EUNAUTHORIZED)
			_, err = e.loginFrom(s, attacker, "admin", AdminPassword)
			wantCode(t, err, core.ELOCKED) // locked, even with the right password
			_, err = e.loginFrom(s, attacker, "agent.li", "guess-123456")
			wantCode(t, err, core.ELOCKED) // the client is locked for every username

			_, err = e.loginFrom(s, owner, "admin", AdminPassword)
			must(t, err) // the owner, from a familiar client, gets in
			_, err = e.loginFrom(s, cafe, "admin", AdminPassword)
			wantCode(t, err, core.ELOCKED) // an unfamiliar client waits out the account's lock
			e.Clock.Advance(2*time.Hour + time.Minute)
			_, err = e.loginFrom(s, cafe, "admin", AdminPassword)
			must(t, err)
		}},
		{"a suspended tenant cannot log in, and is not told why; its sessions carry the status and the reason", func(t *testing.T, e IdentityEnv) {
			s := e.service(identity.DefaultLoginPolicy())
			tok, err := e.login(s, "admin", AdminPassword)
			must(t, err)
			e.Suspend("unpaid invoice")
			_, err = e.login(s, "admin", AdminPassword)
			wantCode(t, err, core.ESUSPENDED)
			if strings.Contains(err.Error(), "unpaid invoice") {
				t.Fatalf("the platform's reason reaches a caller who is not signed in: %v", err)
			}
			p, err := authenticate(s, tok)
			must(t, err)
			equal(t, "tenant status", p.TenantStatus, core.TenantSuspended)
			equal(t, "reason", p.TenantReason, "unpaid invoice")
		}},
		{"a new password or disabling a user revokes their sessions", func(t *testing.T, e IdentityEnv) {
			s := e.service(identity.DefaultLoginPolicy())
			u, err := e.createUser(t, s, core.NewUser{Username: "tech1", Password: "first-password-1",
				Roles: []string{core.RoleTechnician}, Scope: core.Scope{Sites: []uuid.UUID{e.Site}}})
			must(t, err)
			equal(t, "version", u.Version, 1)
			tok, err := e.login(s, "tech1", "first-password-1")
			must(t, err)
			name := "张伟"
			u, err = e.updateUser(s, u.ID, core.UserUpdate{Version: 1, DisplayName: &name})
			must(t, err)
			equal(t, "version", u.Version, 2)
			equal(t, "display name", u.DisplayName, name)
			sameStrings(t, "roles kept", u.Roles, []string{core.RoleTechnician})
			_, err = authenticate(s, tok)
			must(t, err) // a profile change keeps the sessions

			pw := "second-password-2"
			_, err = e.updateUser(s, u.ID, core.UserUpdate{Version: 1, Password: &pw})
			wantCode(t, err, core.ECONFLICT)
			_, err = e.updateUser(s, u.ID, core.UserUpdate{Version: 2, Password: &pw})
			must(t, err)
			_, err = authenticate(s, tok)
			wantCode(t, err, core.EUNAUTHORIZED)
			_, err = e.login(s, "tech1", "first-password-1")
			wantCode(t, err, core.EUNAUTHORIZED)
			tok, err = e.login(s, "tech1", pw)
			must(t, err)

			disabled := core.UserDisabled
			u, err = e.updateUser(s, u.ID, core.UserUpdate{Version: 3, Status: &disabled})
			must(t, err)
			equal(t, "status", u.Status, core.UserDisabled)
			_, err = authenticate(s, tok)
			wantCode(t, err, core.EUNAUTHORIZED)
			_, err = e.login(s, "tech1", pw)
			wantCode(t, err, core.EUNAUTHORIZED)
		}},
		{"an API key's secret is shown once, authenticates, and stops when revoked", func(t *testing.T, e IdentityEnv) {
			s := e.service(identity.DefaultLoginPolicy())
			var k *core.APIKey
			var secret string
			must(t, e.do(func(u core.UnitOfWork) (err error) {
				k, secret, err = s.CreateAPIKey(ctx, u, core.NewAPIKey{Name: "ERP bridge", Roles: []string{core.RoleIntegration},
					Scope: core.Scope{Sites: []uuid.UUID{e.Site}}}, e.Admin)
				return err
			}))
			equal(t, "prefix", k.Prefix, secret[len(secret)-6:])
			sameStrings(t, "roles", k.Roles, []string{core.RoleIntegration})
			sameIDs(t, "sites", k.Scope.Sites, []uuid.UUID{e.Site})
			listed, err := e.findKey(t, s, k.ID)
			must(t, err)
			equal(t, "listed prefix", listed.Prefix, k.Prefix)
			sameStrings(t, "listed roles", listed.Roles, []string{core.RoleIntegration})

			p, err := authenticate(s, secret)
			must(t, err)
			equal(t, "kind", p.Kind, core.PrincipalAPIKey)
			equal(t, "key", p.ID, k.ID)
			equal(t, "name", p.Name, "ERP bridge")
			wantCode(t, e.do(func(u core.UnitOfWork) error { return s.Logout(ctx, u, p) }), core.EINVALID)
			// Its use is recorded in the background.
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				if k, err := e.findKey(t, s, k.ID); err == nil && k.LastUsedAt != nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the key's last use was never recorded")
				}
			}

			var revoked *core.APIKey
			must(t, e.do(func(u core.UnitOfWork) (err error) {
				revoked, err = s.RevokeAPIKey(ctx, u, k.ID)
				return err
			}))
			if revoked.RevokedAt == nil {
				t.Fatal("revoked key without revoked_at")
			}
			e.Clock.Advance(time.Minute)
			must(t, e.do(func(u core.UnitOfWork) error {
				again, err := s.RevokeAPIKey(ctx, u, k.ID)
				if err == nil && !again.RevokedAt.Equal(*revoked.RevokedAt) {
					t.Errorf("revoking again moved revoked_at")
				}
				return err
			}))
			_, err = authenticate(s, secret)
			wantCode(t, err, core.EUNAUTHORIZED)
			wantCode(t, e.do(func(u core.UnitOfWork) error {
				_, err := s.RevokeAPIKey(ctx, u, uuid.New())
				return err
			}), core.ENOTFOUND)
			past := e.Clock.Now().Add(-time.Hour)
			for _, nk := range []core.NewAPIKey{{Name: "no roles"}, {Name: "expired", Roles: []string{core.RoleIntegration}, ExpiresAt: &past},
				{Name: "bad role", Roles: []string{"ghost"}}} {
				wantCode(t, e.do(func(u core.UnitOfWork) error {
					_, _, err := s.CreateAPIKey(ctx, u, nk, e.Admin)
					return err
				}), core.EINVALID)
			}
		}},
		{"roles, grants and scopes change what a user holds", func(t *testing.T, e IdentityEnv) {
			s := e.service(identity.DefaultLoginPolicy())
			perms := []core.Permission{{Resource: core.ResCustomers, Action: core.ActRead}, {Resource: core.ResWorkOrders, Action: core.ActRead}}
			setRole := func(name string, perms []core.Permission) (*core.Role, error) {
				var r *core.Role
				err := e.do(func(u core.UnitOfWork) (err error) {
					r, err = s.SetRolePermissions(ctx, u, name, "Night shift", perms)
					return err
				})
				return r, err
			}
			_, err := setRole("Night Shift!", perms)
			wantCode(t, err, core.EINVALID)
			_, err = setRole("night_shift", []core.Permission{{Resource: "spaceships", Action: core.ActRead}})
			wantCode(t, err, core.EINVALID)
			r, err := setRole("night_shift", perms)
			must(t, err)
			equal(t, "builtin", r.Builtin, false)
			r, err = setRole(core.RoleAnalyst, []core.Permission{{Resource: core.ResReports, Action: core.ActRead}})
			must(t, err)
			equal(t, "builtin", r.Builtin, true)
			var roles []*core.Role
			must(t, e.do(func(u core.UnitOfWork) (err error) {
				roles, err = s.FindRoles(ctx, u)
				return err
			}))
			byName := map[string]*core.Role{}
			for _, r := range roles {
				byName[r.Name] = r
			}
			if r := byName["night_shift"]; r == nil || !slices.Equal(r.Permissions, perms) || r.Description != "Night shift" {
				t.Fatalf("night_shift: got %+v", r)
			}
			if r := byName[core.RoleAnalyst]; r == nil || len(r.Permissions) != 1 || !r.Builtin {
				t.Fatalf("analyst: got %+v", r)
			}

			u, err := e.createUser(t, s, core.NewUser{Username: "night1", Password: "night-password-1",
				Roles: []string{"night_shift", core.RoleAgent}, Scope: core.Scope{Regions: []uuid.UUID{e.Region, e.Region}}})
			must(t, err)
			sameStrings(t, "roles", u.Roles, []string{core.RoleAgent, "night_shift"})
			sameIDs(t, "regions", u.Scope.Regions, []uuid.UUID{e.Region})
			got := e.findUser(t, s, u.ID)
			sameStrings(t, "stored roles", got.Roles, []string{core.RoleAgent, "night_shift"})
			sameIDs(t, "stored regions", got.Scope.Regions, []uuid.UUID{e.Region})
			for _, bad := range []core.NewUser{
				{Username: "night2", Password: "night-password-1", Roles: []string{"ghost"}},
				{Username: "night2", Password: "night-password-1", Scope: core.Scope{Regions: []uuid.UUID{uuid.New()}}},
				{Username: "night2", Password: "night-password-1", Scope: core.Scope{Sites: []uuid.UUID{uuid.New()}}},
				{Username: "n", Password: "night-password-1"},
			} {
				_, err := e.createUser(t, s, bad)
				wantCode(t, err, core.EINVALID)
			}
			_, err = e.createUser(t, s, core.NewUser{Username: "night1", Password: "night-password-1"})
			wantCode(t, err, core.ECONFLICT)

			techs := []string{core.RoleTechnician}
			sc := core.Scope{Sites: []uuid.UUID{e.Site}}
			_, err = e.updateUser(s, u.ID, core.UserUpdate{Version: 1, Roles: &techs, Scope: &sc})
			must(t, err)
			got = e.findUser(t, s, u.ID)
			sameStrings(t, "new roles", got.Roles, techs)
			sameIDs(t, "new sites", got.Scope.Sites, []uuid.UUID{e.Site})
			sameIDs(t, "no regions", got.Scope.Regions, []uuid.UUID{})
			sameStrings(t, "by role", e.findUsers(t, s, core.UserFilter{Role: core.RoleTechnician, Within: core.Scope{All: true}}), []string{"night1"})
			sameStrings(t, "everyone", e.findUsers(t, s, core.UserFilter{Within: core.Scope{All: true}}), []string{"admin", "night1"})
			sameStrings(t, "within the region", e.findUsers(t, s, core.UserFilter{Within: core.Scope{Regions: []uuid.UUID{e.Region}}}), []string{"night1"})
			sameStrings(t, "within another site", e.findUsers(t, s, core.UserFilter{Within: core.Scope{Sites: []uuid.UUID{uuid.New()}}}), nil)
			sameStrings(t, "by name", e.findUsers(t, s, core.UserFilter{Query: "NIGHT", Within: core.Scope{All: true}}), []string{"night1"})

			subject := core.UserSubject(u.ID)
			grants := func() []core.Permission {
				var g []core.Permission
				must(t, e.do(func(u core.UnitOfWork) (err error) {
					g, err = s.FindGrants(ctx, u, subject)
					return err
				}))
				return g
			}
			extra := []core.Permission{{Resource: core.ResReports, Action: core.ActRead}}
			must(t, e.do(func(u core.UnitOfWork) error { return s.SetGrants(ctx, u, subject, extra) }))
			if g := grants(); !slices.Equal(g, extra) {
				t.Fatalf("grants: got %v, want %v", g, extra)
			}
			wantCode(t, e.do(func(u core.UnitOfWork) error {
				return s.SetGrants(ctx, u, subject, []core.Permission{{Resource: core.ResReports, Action: "fly"}})
			}), core.EINVALID)
			must(t, e.do(func(u core.UnitOfWork) error { return s.SetGrants(ctx, u, subject, nil) }))
			if g := grants(); len(g) != 0 {
				t.Fatalf("grants after clearing: %v", g)
			}
		}},
	}
}
