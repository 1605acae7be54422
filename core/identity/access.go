package identity

import (
	"context"
	"slices"
	"sort"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// FindRoles lists the tenant's roles with their permissions.
func (s *Service) FindRoles(ctx context.Context, u core.UnitOfWork) ([]*core.Role, error) {
	return s.store.Identity(u).FindRoles(ctx)
}

// SetRolePermissions replaces a role's permissions, creating the role;
// EINVALID for a bad name or an unknown permission.
func (s *Service) SetRolePermissions(ctx context.Context, u core.UnitOfWork, name, description string, perms []core.Permission) (*core.Role, error) {
	if !validRoleName(name) {
		return nil, core.FieldError("name", "must be 2-40 lowercase letters, digits or '_'")
	}
	if err := checkPermissions(perms); err != nil {
		return nil, err
	}
	repo := s.store.Identity(u)
	before, err := repo.FindPermissions(ctx, core.RoleSubject(name))
	if err != nil {
		return nil, err
	}
	repo.SaveRole(name, description)
	repo.SetPermissions(core.RoleSubject(name), perms)
	builtin, err := repo.RoleBuiltin(ctx, name)
	if err != nil {
		return nil, err
	}
	role := &core.Role{Name: name, Description: description, Builtin: builtin, Permissions: perms}
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResRole, ResourceID: name,
		Before: permissionsOf(before), After: role})
	return role, nil
}

// permissionsOf is a list of permissions as the audit log records it.
func permissionsOf(perms []core.Permission) map[string]any {
	return map[string]any{"permissions": perms}
}

func validRoleName(s string) bool {
	if len(s) < 2 || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func checkPermissions(perms []core.Permission) error {
	for _, p := range perms {
		if !core.ValidPermission(p) {
			return core.FieldError("permissions", "unknown permission %s", p)
		}
	}
	return nil
}

// FindGrants returns the permissions granted directly to a subject.
func (s *Service) FindGrants(ctx context.Context, u core.UnitOfWork, subject string) ([]core.Permission, error) {
	return s.store.Identity(u).FindPermissions(ctx, subject)
}

// SetGrants replaces the permissions granted directly to a subject;
// EINVALID for an unknown permission.
func (s *Service) SetGrants(ctx context.Context, u core.UnitOfWork, subject string, perms []core.Permission) error {
	if err := checkPermissions(perms); err != nil {
		return err
	}
	repo := s.store.Identity(u)
	before, err := repo.FindPermissions(ctx, subject)
	if err != nil {
		return err
	}
	repo.SetPermissions(subject, perms)
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResGrants, ResourceID: subject,
		Before: permissionsOf(before), After: permissionsOf(perms)})
	return nil
}

// setRoles replaces the subject's roles; every role must exist.
func setRoles(ctx context.Context, repo Repository, subject string, roles []string) error {
	if len(roles) > 0 {
		known, err := repo.KnownRoles(ctx, roles)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if !slices.Contains(known, r) {
				return core.FieldError("roles", "unknown role %q", r)
			}
		}
	}
	repo.SetRoles(subject, roles)
	return nil
}

// setScope replaces the subject's scope grants; regions and sites must
// exist.
func setScope(ctx context.Context, repo Repository, subject string, sc core.Scope) error {
	sc = normalizeScope(sc)
	if len(sc.Regions) > 0 {
		n, err := repo.CountRegions(ctx, sc.Regions)
		if err != nil {
			return err
		}
		if n != len(sc.Regions) {
			return core.FieldError("scope.regions", "contains a region that does not exist")
		}
	}
	if len(sc.Sites) > 0 {
		n, err := repo.CountSites(ctx, sc.Sites)
		if err != nil {
			return err
		}
		if n != len(sc.Sites) {
			return core.FieldError("scope.sites", "contains a site that does not exist")
		}
	}
	repo.SetScope(subject, sc)
	return nil
}

// normalizeScope drops duplicates and sorts; the whole tenant needs no
// regions or sites besides.
func normalizeScope(sc core.Scope) core.Scope {
	out := core.Scope{All: sc.All, Regions: dedupe(sc.Regions), Sites: dedupe(sc.Sites)}
	if out.All {
		out.Regions, out.Sites = []uuid.UUID{}, []uuid.UUID{}
	}
	return out
}

func dedupe(ids []uuid.UUID) []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	out := []uuid.UUID{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}
