package postgres

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

// FindComplaintNotice implements complaint.NoticeStore. The scope test
// follows core/authz as FindSLADispatcherPhones does: a grant on the
// owner site, on any region above the owner's region, or tenant-wide.
func (s *Store) FindComplaintNotice(ctx context.Context, u core.UnitOfWork, id uuid.UUID, notify []string, limit int) (*complaint.Notice, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	n := &complaint.Notice{}
	f := &n.Facts
	var kind string
	var measures *string
	err = q.QueryRow(ctx, `SELECT c.number, c.category, c.escalation_level, c.due_at, c.work_order_id, c.owner_kind, t.locale,
			cu.name, COALESCE((SELECT p.phone FROM customer_phones p WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.customer_id
				ORDER BY p.phone LIMIT 1), ''),
			COALESCE(s.name, ''), c.handling->>'measures'
		FROM complaints c
		JOIN tenants t ON t.id = c.tenant_id
		JOIN customers cu ON cu.tenant_id = c.tenant_id AND cu.id = c.customer_id
		LEFT JOIN sites s ON s.tenant_id = c.tenant_id AND s.id = COALESCE(c.owner_site_id, c.site_id)
		WHERE c.id = $1`, id).Scan(&f.ComplaintNumber, &f.Category, &f.Level, &n.DueAt, &n.WorkOrderID, &kind, &n.Locale,
		&f.CustomerName, &n.CustomerPhone, &f.SiteName, &measures)
	if err != nil {
		return nil, translate(err, "complaint")
	}
	f.CustomerPhone = n.CustomerPhone
	if measures != nil {
		f.Measures = *measures
	}
	if n.DueAt != nil {
		f.Deadline = *n.DueAt
	}
	site, region, quality := kind == complaint.OwnerSite, kind == complaint.OwnerRegion, kind == complaint.OwnerDepartment
	for _, who := range notify {
		switch who {
		case complaint.NotifyRegionManager, complaint.NotifyNextLevel:
			region = true
		case complaint.NotifyQuality:
			quality = true
		}
	}
	rows, err := q.Query(ctx, `WITH RECURSIVE c AS (
			SELECT owner_site_id, owner_region_id FROM complaints WHERE id = $1
		), above (id, parent_id) AS (
			SELECT r.id, r.parent_id FROM regions r JOIN c ON r.id = c.owner_region_id
			UNION
			SELECT r.id, r.parent_id FROM regions r JOIN above a ON r.id = a.parent_id
		), covering (object) AS (
			SELECT $2::text
			UNION ALL SELECT 'site:' || owner_site_id FROM c WHERE owner_site_id IS NOT NULL
			UNION ALL SELECT 'region:' || id FROM above
		), wanted (role, scoped) AS (
			SELECT $3::text, true WHERE $6
			UNION ALL SELECT $4::text, true WHERE $7
			UNION ALL SELECT $5::text, false WHERE $8
		)
		SELECT u.phone FROM users u
		WHERE u.status = 'active' AND u.phone <> ''
		  AND EXISTS (SELECT 1 FROM wanted w JOIN authz_rules r ON r.ptype = 'g' AND r.v0 = 'user:' || u.id AND r.v1 = w.role
		              WHERE NOT w.scoped OR EXISTS (SELECT 1 FROM authz_rules g WHERE g.ptype = 'g2' AND g.v0 = 'user:' || u.id
		                                            AND g.v1 IN (SELECT object FROM covering)))
		GROUP BY u.phone
		ORDER BY min(lower(u.username)), u.phone
		LIMIT $9`, id, core.ScopeAll, core.RoleSubject(core.RoleSiteManager), core.RoleSubject(core.RoleRegionManager),
		core.RoleSubject(core.RoleQualityAuditor), site, region, quality, limit)
	if err != nil {
		return nil, err
	}
	if n.ManagerPhones, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, err
	}
	n.ManagerPhones = slices.Compact(n.ManagerPhones)
	return n, nil
}
