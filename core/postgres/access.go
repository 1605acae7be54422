package postgres

import (
	"context"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// setRoles replaces the subject's roles; every role must exist.
func (s *Store) setRoles(ctx context.Context, q querier, subject string, roles []string) error {
	if len(roles) > 0 {
		var known []string
		rows, err := q.Query(ctx, `SELECT name FROM roles WHERE name = ANY($1)`, roles)
		if err != nil {
			return err
		}
		if known, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		for _, r := range roles {
			if !contains(known, r) {
				return core.FieldError("roles", "unknown role %q", r)
			}
		}
	}
	if _, err := q.Exec(ctx, `DELETE FROM authz_rules WHERE ptype = 'g' AND v0 = $1`, subject); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := q.Exec(ctx, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g', $2, $3)
			ON CONFLICT DO NOTHING`, tenantOf(ctx), subject, core.RoleSubject(r)); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

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

// setScope replaces the subject's scope grants; regions and sites must exist.
func (s *Store) setScope(ctx context.Context, q querier, subject string, sc core.Scope) error {
	sc = normalizeScope(sc)
	if len(sc.Regions) > 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM regions WHERE id = ANY($1)`, sc.Regions).Scan(&n); err != nil {
			return err
		}
		if n != len(sc.Regions) {
			return core.FieldError("scope.regions", "contains a region that does not exist")
		}
	}
	if len(sc.Sites) > 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM sites WHERE id = ANY($1)`, sc.Sites).Scan(&n); err != nil {
			return err
		}
		if n != len(sc.Sites) {
			return core.FieldError("scope.sites", "contains a site that does not exist")
		}
	}
	if _, err := q.Exec(ctx, `DELETE FROM authz_rules WHERE ptype = 'g2' AND v0 = $1`, subject); err != nil {
		return err
	}
	var objs []string
	if sc.All {
		objs = append(objs, core.ScopeAll)
	}
	for _, id := range sc.Regions {
		objs = append(objs, core.RegionObject(id))
	}
	for _, id := range sc.Sites {
		objs = append(objs, core.SiteObject(id))
	}
	for _, o := range objs {
		if _, err := q.Exec(ctx, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g2', $2, $3)`,
			tenantOf(ctx), subject, o); err != nil {
			return err
		}
	}
	return nil
}

// subjectAccess is the roles and scope of one subject.
type subjectAccess struct {
	Roles []string
	Scope core.Scope
}

// loadAccessOf sets the roles and scope of each item, in one query.
func loadAccessOf[T any](ctx context.Context, q querier, items []T, subject func(T) string, set func(T, *subjectAccess)) error {
	subjects := make([]string, len(items))
	for i, it := range items {
		subjects[i] = subject(it)
	}
	acc, err := findAccess(ctx, q, subjects)
	for i, it := range items {
		if a := acc[subjects[i]]; a != nil {
			set(it, a)
		}
	}
	return err
}

// findAccess loads the roles and scope of several subjects in one query
// (a page of users or keys costs one round trip, not two per row).
func findAccess(ctx context.Context, q querier, subjects []string) (map[string]*subjectAccess, error) {
	out := make(map[string]*subjectAccess, len(subjects))
	for _, sub := range subjects {
		out[sub] = &subjectAccess{Roles: []string{}, Scope: core.Scope{Regions: []uuid.UUID{}, Sites: []uuid.UUID{}}}
	}
	if len(subjects) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT v0, ptype, v1 FROM authz_rules WHERE ptype IN ('g', 'g2') AND v0 = ANY($1)
		ORDER BY v0, ptype, v1`, subjects)
	if err != nil {
		return nil, err
	}
	var sub, ptype, obj string
	_, err = pgx.ForEachRow(rows, []any{&sub, &ptype, &obj}, func() error {
		a := out[sub]
		if ptype == "g" {
			a.Roles = append(a.Roles, strings.TrimPrefix(obj, "role:"))
			return nil
		}
		kind, id, _ := strings.Cut(obj, ":")
		switch {
		case obj == core.ScopeAll:
			a.Scope.All = true
		case kind == "region":
			a.Scope.Regions = append(a.Scope.Regions, uuid.MustParse(id))
		case kind == "site":
			a.Scope.Sites = append(a.Scope.Sites, uuid.MustParse(id))
		}
		return nil
	})
	return out, err
}

// FindRoles implements core.AccessService.
func (s *Store) FindRoles(ctx context.Context) ([]*core.Role, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT r.name, r.description, r.builtin, a.v1, a.v2 FROM roles r
		LEFT JOIN authz_rules a ON a.tenant_id = r.tenant_id AND a.ptype = 'p' AND a.v0 = 'role:' || r.name
		ORDER BY r.name, a.v1, a.v2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Role
	for rows.Next() {
		var name, desc string
		var builtin bool
		var res, act *string
		if err := rows.Scan(&name, &desc, &builtin, &res, &act); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, &core.Role{Name: name, Description: desc, Builtin: builtin, Permissions: []core.Permission{}})
		}
		if res != nil {
			r := out[len(out)-1]
			r.Permissions = append(r.Permissions, core.Permission{Resource: *res, Action: *act})
		}
	}
	return out, rows.Err()
}

// SetRolePermissions implements core.AccessService.
func (s *Store) SetRolePermissions(ctx context.Context, name, description string, perms []core.Permission) (*core.Role, error) {
	if !rolePattern(name) {
		return nil, core.FieldError("name", "must be 2-40 lowercase letters, digits or '_'")
	}
	for _, p := range perms {
		if !core.ValidPermission(p) {
			return nil, core.FieldError("permissions", "unknown permission %s", p)
		}
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := q.Exec(ctx, `INSERT INTO roles (tenant_id, name, description) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, name) DO UPDATE SET description = EXCLUDED.description`, tenantOf(ctx), name, description); err != nil {
		return nil, translate(err, "role")
	}
	if err := replacePermissions(ctx, q, core.RoleSubject(name), perms); err != nil {
		return nil, err
	}
	var builtin bool
	_ = q.QueryRow(ctx, `SELECT builtin FROM roles WHERE name = $1`, name).Scan(&builtin)
	return &core.Role{Name: name, Description: description, Builtin: builtin, Permissions: perms}, nil
}

func rolePattern(s string) bool {
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

func replacePermissions(ctx context.Context, q querier, subject string, perms []core.Permission) error {
	if _, err := q.Exec(ctx, `DELETE FROM authz_rules WHERE ptype = 'p' AND v0 = $1`, subject); err != nil {
		return err
	}
	for _, p := range perms {
		if _, err := q.Exec(ctx, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2) VALUES ($1, 'p', $2, $3, $4)
			ON CONFLICT DO NOTHING`, tenantOf(ctx), subject, p.Resource, p.Action); err != nil {
			return err
		}
	}
	return nil
}

// FindGrants implements core.AccessService.
func (s *Store) FindGrants(ctx context.Context, subject string) ([]core.Permission, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT v1, v2 FROM authz_rules WHERE ptype = 'p' AND v0 = $1 ORDER BY v1, v2`, subject)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.Permission, error) {
		var p core.Permission
		return p, r.Scan(&p.Resource, &p.Action)
	})
}

// SetGrants implements core.AccessService.
func (s *Store) SetGrants(ctx context.Context, subject string, perms []core.Permission) error {
	for _, p := range perms {
		if !core.ValidPermission(p) {
			return core.FieldError("permissions", "unknown permission %s", p)
		}
	}
	q, err := s.q(ctx)
	if err != nil {
		return err
	}
	return replacePermissions(ctx, q, subject, perms)
}

// LoadAuthzRules implements core.AuthzRuleSource: stored rules plus the
// region tree as g2 parent→child links.
func (s *Store) LoadAuthzRules(ctx context.Context, tenantID uuid.UUID) ([]core.AuthzRule, error) {
	var out []core.AuthzRule
	err := s.InTenant(ctx, tenantID, func(ctx context.Context) error {
		q, err := s.q(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT ptype, v0, v1, v2 FROM authz_rules
			UNION ALL SELECT 'g2', 'region:' || parent_id, 'region:' || id, '' FROM regions WHERE parent_id IS NOT NULL
			UNION ALL SELECT 'g2', 'region:' || region_id, 'site:' || id, '' FROM sites`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.AuthzRule, error) {
			var pt, a, b, c string
			if err := r.Scan(&pt, &a, &b, &c); err != nil {
				return core.AuthzRule{}, err
			}
			if pt == "p" {
				return core.AuthzRule{PType: pt, V: []string{a, b, c}}, nil
			}
			return core.AuthzRule{PType: pt, V: []string{a, b}}, nil
		})
		return err
	})
	return out, err
}
