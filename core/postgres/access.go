package postgres

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

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

func (r identityRepo) KnownRoles(ctx context.Context, names []string) ([]string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT name FROM roles WHERE name = ANY($1)`, names)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (r identityRepo) CountRegions(ctx context.Context, ids []uuid.UUID) (int, error) {
	return r.count(ctx, `SELECT count(*) FROM regions WHERE id = ANY($1)`, ids)
}

func (r identityRepo) CountSites(ctx context.Context, ids []uuid.UUID) (int, error) {
	return r.count(ctx, `SELECT count(*) FROM sites WHERE id = ANY($1)`, ids)
}

func (r identityRepo) count(ctx context.Context, sql string, args ...any) (int, error) {
	var n int
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) }, sql, args...)
	return n, err
}

func (r identityRepo) SetRoles(subject string, roles []string) {
	r.u.write(`DELETE FROM authz_rules WHERE ptype = 'g' AND v0 = $1`, subject)
	for _, role := range roles {
		r.u.write(`INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g', $2, $3)
			ON CONFLICT DO NOTHING`, r.u.tenantID, subject, core.RoleSubject(role))
	}
}

func (r identityRepo) SetScope(subject string, sc core.Scope) {
	r.u.write(`DELETE FROM authz_rules WHERE ptype = 'g2' AND v0 = $1`, subject)
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
		r.u.write(`INSERT INTO authz_rules (tenant_id, ptype, v0, v1) VALUES ($1, 'g2', $2, $3)`, r.u.tenantID, subject, o)
	}
}

func (r identityRepo) FindRoles(ctx context.Context) ([]*core.Role, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT r.name, r.description, r.builtin, p.resource, p.action FROM roles r
		LEFT JOIN role_permissions p ON p.tenant_id = r.tenant_id AND p.role = r.name
		ORDER BY r.name, p.resource, p.action`)
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

func (r identityRepo) SaveRole(name, description string) {
	r.u.write(`INSERT INTO roles (tenant_id, name, description) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, name) DO UPDATE SET description = EXCLUDED.description`, r.u.tenantID, name, description)
}

func (r identityRepo) RoleBuiltin(ctx context.Context, name string) (bool, error) {
	var builtin bool
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&builtin) },
		`SELECT builtin FROM roles WHERE name = $1`, name)
	return builtin, translate(err, "role")
}

// FindPermissions lists a subject's permissions: a role's effective ones
// (for a built-in role, the platform's default less the tenant's removals
// plus its additions: view role_permissions), a principal's direct grants.
func (r identityRepo) FindPermissions(ctx context.Context, subject string) ([]core.Permission, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	sql := `SELECT v1, v2 FROM authz_rules WHERE ptype = 'p' AND v0 = $1 ORDER BY v1, v2`
	if name, ok := strings.CutPrefix(subject, "role:"); ok {
		subject, sql = name, `SELECT resource, action FROM role_permissions WHERE role = $1 ORDER BY resource, action`
	}
	rows, err := q.Query(ctx, sql, subject)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.Permission, error) {
		var p core.Permission
		return p, r.Scan(&p.Resource, &p.Action)
	})
}

// builtinDefaultSQL selects the platform's default permissions (resource,
// action) of the tenant's built-in role whose subject is $2.
const builtinDefaultSQL = `SELECT d.resource, d.action FROM roles r JOIN platform_role_permissions d ON d.role = r.name
	WHERE r.builtin AND 'role:' || r.name = $2`

// SetPermissions replaces the permissions a subject holds. A built-in
// role keeps only its differences from the platform's default role: 'p'
// rules for the permissions the default lacks, 'p-' rules for the
// default's permissions it does not want; so later additions to the
// platform's default reach it unless it removed them.
func (r identityRepo) SetPermissions(subject string, perms []core.Permission) {
	res, acts := make([]string, len(perms)), make([]string, len(perms))
	for i, p := range perms {
		res[i], acts[i] = p.Resource, p.Action
	}
	r.u.write(`DELETE FROM authz_rules WHERE ptype IN ('p', 'p-') AND v0 = $1`, subject)
	r.u.write(`INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2)
		SELECT $1, 'p', $2, x.res, x.act FROM unnest($3::text[], $4::text[]) AS x(res, act)
		WHERE (x.res, x.act) NOT IN (`+builtinDefaultSQL+`)
		ON CONFLICT DO NOTHING`, r.u.tenantID, subject, res, acts)
	r.u.write(`INSERT INTO authz_rules (tenant_id, ptype, v0, v1, v2)
		SELECT $1, 'p-', $2, d.resource, d.action FROM (`+builtinDefaultSQL+`) d
		WHERE (d.resource, d.action) NOT IN (SELECT * FROM unnest($3::text[], $4::text[]))`, r.u.tenantID, subject, res, acts)
}

// LoadDefaultRoles implements core.DefaultRoleSource: the platform's
// default roles, shared by every tenant.
func (s *Store) LoadDefaultRoles(ctx context.Context) (map[string][]core.Permission, error) {
	rows, err := s.pool.Query(ctx, `SELECT role, resource, action FROM platform_role_permissions ORDER BY role, resource, action`)
	if err != nil {
		return nil, err
	}
	out := map[string][]core.Permission{}
	var role string
	var p core.Permission
	_, err = pgx.ForEachRow(rows, []any{&role, &p.Resource, &p.Action}, func() error {
		out[role] = append(out[role], p)
		return nil
	})
	return out, err
}

// LoadAuthzRules implements core.AuthzRuleSource: the tenant's stored
// rules, a RuleDefaultRole per built-in role (whose permissions come from
// the platform's default roles, loaded once by LoadDefaultRoles), and the
// region tree and sites' regions as g2 parent→child links.
func (s *Store) LoadAuthzRules(ctx context.Context, tenantID uuid.UUID) ([]core.AuthzRule, error) {
	if tenantID == uuid.Nil {
		return nil, core.Errorf(core.EINTERNAL, "access rules without a tenant")
	}
	var out []core.AuthzRule
	err := core.InUnitOfWork(ctx, s, tenantID, func(u core.UnitOfWork) error {
		q, err := unitOf(u).conn(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT ptype, v0, v1, v2 FROM authz_rules
			UNION ALL SELECT 'd', 'role:' || name, '', '' FROM roles WHERE builtin
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
			switch pt {
			case "p", core.RuleRemoved:
				return core.AuthzRule{PType: pt, V: []string{a, b, c}}, nil
			case core.RuleDefaultRole:
				return core.AuthzRule{PType: pt, V: []string{a}}, nil
			}
			return core.AuthzRule{PType: pt, V: []string{a, b}}, nil
		})
		return err
	})
	return out, err
}
