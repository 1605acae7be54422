package postgres

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// FindOrderNotice implements core.OrderNoticeStore.
func (s *Store) FindOrderNotice(ctx context.Context, u core.UnitOfWork, workOrderID uuid.UUID, siteID *uuid.UUID) (*core.OrderNotice, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	n := &core.OrderNotice{}
	f := &n.Facts
	var w core.WorkOrder // its deadlines
	err = q.QueryRow(ctx, `SELECT w.number, w.address, w.description, t.locale,
			COALESCE((SELECT p.phone FROM customer_phones p WHERE p.tenant_id = w.tenant_id AND p.customer_id = w.customer_id
				ORDER BY p.phone LIMIT 1), ''),
			COALESCE(s.name, ''), COALESCE(s.phone, ''), w.respond_by, w.responded_at, w.arrive_by, w.arrived_at
		FROM work_orders w
		JOIN tenants t ON t.id = w.tenant_id
		LEFT JOIN sites s ON s.tenant_id = w.tenant_id AND s.id = $2
		WHERE w.id = $1`, workOrderID, siteID).Scan(&f.OrderNumber, &f.Address, &f.Fault, &n.Locale, &f.CustomerPhone,
		&f.SiteName, &f.SitePhone, &w.RespondBy, &w.RespondedAt, &w.ArriveBy, &w.ArrivedAt)
	if err != nil {
		return nil, translate(err, "work order")
	}
	if deadline := w.NextDeadline(); deadline != nil {
		f.Deadline = *deadline
	}
	return n, nil
}

// FindSLADispatcherPhones implements core.OrderNoticeStore. The scope
// test follows core/authz (scopeObjectOf): the site when there is one,
// else the order's region; a grant on any region above it covers it.
func (s *Store) FindSLADispatcherPhones(ctx context.Context, u core.UnitOfWork, workOrderID uuid.UUID, siteID *uuid.UUID, limit int) ([]string, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `WITH RECURSIVE target AS (
			SELECT CASE WHEN $2::uuid IS NULL THEN w.region_id ELSE s.region_id END AS region_id
			FROM work_orders w LEFT JOIN sites s ON s.tenant_id = w.tenant_id AND s.id = $2
			WHERE w.id = $1
		), above (id, parent_id) AS (
			SELECT r.id, r.parent_id FROM regions r JOIN target t ON r.id = t.region_id
			UNION
			SELECT r.id, r.parent_id FROM regions r JOIN above a ON r.id = a.parent_id
		), covering (object) AS (
			SELECT $3::text
			UNION ALL SELECT 'site:' || $2::uuid WHERE $2::uuid IS NOT NULL
			UNION ALL SELECT 'region:' || id FROM above
		)
		SELECT u.phone FROM users u
		WHERE u.status = 'active' AND u.phone <> ''
		  AND EXISTS (SELECT 1 FROM authz_rules r WHERE r.ptype = 'g' AND r.v0 = 'user:' || u.id AND r.v1 = $4)
		  AND EXISTS (SELECT 1 FROM authz_rules r WHERE r.ptype = 'g2' AND r.v0 = 'user:' || u.id
		              AND r.v1 IN (SELECT object FROM covering))
		  AND EXISTS (SELECT 1 FROM target)
		GROUP BY u.phone
		ORDER BY min(lower(u.username)), u.phone
		LIMIT $5`, workOrderID, siteID, core.ScopeAll, core.RoleSubject(core.RoleDispatcher), limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// FindCompletionFacts implements core.NotificationStore.
func (s *Store) FindCompletionFacts(ctx context.Context, u core.UnitOfWork, workOrderID uuid.UUID) (*core.AssignmentFacts, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	var tech *uuid.UUID
	if err := q.QueryRow(ctx, `SELECT technician_id FROM work_orders WHERE id = $1`, workOrderID).Scan(&tech); err != nil {
		return nil, translate(err, "work order")
	}
	if tech == nil {
		return nil, core.Errorf(core.ENOTFOUND, "work order %s has no technician", workOrderID)
	}
	return s.FindAssignmentFacts(ctx, u, workOrderID, *tech)
}
