package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

// complaintColumns are read by scanComplaint, in its order.
const complaintColumns = `c.id, c.number, c.customer_id, c.work_order_id, c.unit_id, c.site_id, c.technician_id, c.category,
	c.severity, c.channel, c.description, c.state, c.owner_kind, c.owner_site_id, c.owner_region_id, c.owner_department,
	c.deadline_days, c.due_at, c.waiting_since, c.pauses, c.escalation_level, c.next_escalation_at, c.handling,
	c.confirmed_via, c.closed_at, c.created_by, c.version, c.created_at, c.updated_at`

func scanComplaint(row pgx.Row) (*complaint.Complaint, error) {
	c := &complaint.Complaint{}
	err := row.Scan(&c.ID, &c.Number, &c.CustomerID, &c.WorkOrderID, &c.UnitID, &c.SiteID, &c.TechnicianID, &c.Category,
		&c.Severity, &c.Channel, &c.Description, &c.State, &c.Owner.Kind, &c.Owner.SiteID, &c.Owner.RegionID, &c.Owner.Department,
		&c.DeadlineDays, &c.DueAt, &c.WaitingSince, &c.Pauses, &c.EscalationLevel, &c.NextEscalation, &c.Handling,
		&c.ConfirmedVia, &c.ClosedAt, &c.CreatedBy, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	if c.Pauses == nil {
		c.Pauses = []complaint.Pause{}
	}
	return c, err
}

type complaints struct{ u *unit }

// Complaints implements complaint.Store.
func (s *Store) Complaints(u core.UnitOfWork) complaint.Repository { return complaints{unitOf(u)} }

// DueEscalations implements complaint.Store through the SECURITY DEFINER
// function complaint_escalations_due (migration 00045).
func (s *Store) DueEscalations(ctx context.Context, now time.Time, limit int) ([]complaint.DueEscalation, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, complaint_id FROM complaint_escalations_due($1, $2)`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (complaint.DueEscalation, error) {
		var d complaint.DueEscalation
		return d, r.Scan(&d.TenantID, &d.ComplaintID)
	})
}

// Settings implements complaint.Repository.
func (r complaints) Settings(ctx context.Context) (*complaint.Settings, string, []byte, error) {
	var raw []byte
	var tz string
	var cal []byte
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&tz, &cal, &raw) },
		`SELECT t.timezone, COALESCE(ts.calendar, '{}'), (SELECT settings FROM complaint_settings)
		FROM tenants t LEFT JOIN tenant_settings ts ON ts.tenant_id = t.id WHERE t.id = app_current_tenant()`)
	if err != nil {
		return nil, "", nil, translate(err, "tenant")
	}
	if raw == nil {
		return nil, tz, cal, nil
	}
	var s complaint.Settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, "", nil, err
	}
	return &s, tz, cal, nil
}

// SaveSettings implements complaint.Repository.
func (r complaints) SaveSettings(s complaint.Settings) {
	r.u.write(`INSERT INTO complaint_settings (tenant_id, settings) VALUES (app_current_tenant(), $1)
		ON CONFLICT (tenant_id) DO UPDATE SET settings = EXCLUDED.settings`, s)
}

// Facts implements complaint.Repository in one round trip.
func (r complaints) Facts(ctx context.Context, n *complaint.NewComplaint) (*complaint.Facts, error) {
	f := &complaint.Facts{}
	var orderCustomer, unitCustomer *uuid.UUID
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&f.CustomerFound, &f.OrderFound, &orderCustomer, &f.OrderUnit, &f.OrderSite, &f.OrderTechnician,
			&f.UnitFound, &unitCustomer, &f.SiteFound, &f.SiteRegion, &f.OwnerSiteFound, &f.OwnerSiteRegion,
			&f.OwnerRegionFound, &f.TechnicianFound)
	}, `SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1),
		w.id IS NOT NULL, w.customer_id, w.unit_id, w.site_id, w.technician_id,
		EXISTS (SELECT 1 FROM units WHERE id = $3), (SELECT customer_id FROM units WHERE id = $3),
		s.id IS NOT NULL, s.region_id,
		os.id IS NOT NULL, os.region_id,
		EXISTS (SELECT 1 FROM regions WHERE id = $6),
		EXISTS (SELECT 1 FROM technicians WHERE id = $7)
		FROM (SELECT 1) one
		LEFT JOIN work_orders w ON w.id = $2
		LEFT JOIN sites s ON s.id = COALESCE($4, w.site_id)
		LEFT JOIN sites os ON os.id = $5`,
		n.CustomerID, n.WorkOrderID, n.UnitID, n.SiteID, n.Owner.SiteID, n.Owner.RegionID, n.TechnicianID)
	if orderCustomer != nil {
		f.OrderCustomer = *orderCustomer
	}
	if unitCustomer != nil {
		f.UnitCustomer = *unitCustomer
	}
	return f, err
}

// Insert implements complaint.Repository.
func (r complaints) Insert(c *complaint.Complaint) {
	r.u.write(`INSERT INTO complaints (tenant_id, id, number, customer_id, work_order_id, unit_id, site_id, technician_id,
		category, severity, channel, description, state, owner_kind, owner_site_id, owner_region_id, owner_department,
		deadline_days, due_at, waiting_since, pauses, escalation_level, next_escalation_at, handling, confirmed_via, closed_at,
		created_by, version, created_at, updated_at)
		VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
		$20, $21, $22, $23, $24, $25, $26, $27, $28, $29)`,
		c.ID, c.Number, c.CustomerID, c.WorkOrderID, c.UnitID, c.SiteID, c.TechnicianID, c.Category, c.Severity, c.Channel,
		c.Description, c.State, c.Owner.Kind, c.Owner.SiteID, c.Owner.RegionID, c.Owner.Department, c.DeadlineDays, c.DueAt,
		c.WaitingSince, c.Pauses, c.EscalationLevel, c.NextEscalation, c.Handling, c.ConfirmedVia, c.ClosedAt, c.CreatedBy,
		c.Version, c.CreatedAt, c.UpdatedAt)
}

// Update implements complaint.Repository.
func (r complaints) Update(c *complaint.Complaint) {
	r.u.write(`UPDATE complaints SET state = $2, owner_kind = $3, owner_site_id = $4, owner_region_id = $5,
		owner_department = $6, due_at = $7, waiting_since = $8, pauses = $9, escalation_level = $10, next_escalation_at = $11,
		handling = $12, confirmed_via = $13, closed_at = $14, version = $15, updated_at = $16, work_order_id = $17 WHERE id = $1`,
		c.ID, c.State, c.Owner.Kind, c.Owner.SiteID, c.Owner.RegionID, c.Owner.Department, c.DueAt, c.WaitingSince, c.Pauses,
		c.EscalationLevel, c.NextEscalation, c.Handling, c.ConfirmedVia, c.ClosedAt, c.Version, c.UpdatedAt, c.WorkOrderID)
}

// AppendEvent implements complaint.Repository: the next seq of the case.
func (r complaints) AppendEvent(e complaint.CaseEvent) {
	p := e.Payload
	if p == nil {
		p = map[string]any{}
	}
	r.u.write(`INSERT INTO complaint_events (tenant_id, complaint_id, seq, type, from_state, to_state, actor, at, payload)
		VALUES (app_current_tenant(), $1, (SELECT COALESCE(max(seq), 0) + 1 FROM complaint_events WHERE complaint_id = $1),
		$2, $3, $4, $5, $6, $7)`, e.ComplaintID, e.Type, e.From, e.To, e.Actor, e.At, p)
}

// OutboxAdd implements complaint.Repository.
func (r complaints) OutboxAdd(aggregate uuid.UUID, typ string, payload json.RawMessage) {
	outboxWriter(r).Add(aggregate, typ, payload)
}

// Number implements complaint.Repository: TS-YYMM-000001.
func (r complaints) Number(ctx context.Context, id uuid.UUID, period string) (string, error) {
	var n string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) }, `WITH k AS (
			INSERT INTO complaint_counters (tenant_id, period, last) VALUES (app_current_tenant(), $2, 1)
			ON CONFLICT (tenant_id, period) DO UPDATE SET last = complaint_counters.last + 1 RETURNING last)
		UPDATE complaints c SET number = 'TS-' || $2 || '-' || lpad(k.last::text, 6, '0') FROM k WHERE c.id = $1 RETURNING c.number`,
		id, period)
	return n, translate(err, "complaint")
}

// Lock implements complaint.Repository.
func (r complaints) Lock(ctx context.Context, id uuid.UUID) (*complaint.Complaint, error) {
	return r.one(ctx, `SELECT `+complaintColumns+` FROM complaints c WHERE c.id = $1 FOR UPDATE`, id)
}

// LockAwaitingAnswer implements complaint.Repository.
func (r complaints) LockAwaitingAnswer(ctx context.Context, customerID uuid.UUID) (*complaint.Complaint, error) {
	return r.one(ctx, `SELECT `+complaintColumns+` FROM complaints c WHERE c.customer_id = $1 AND c.state = 'resolution_proposed'
		ORDER BY c.updated_at DESC, c.id DESC LIMIT 1 FOR UPDATE`, customerID)
}

// FindByID implements complaint.Repository.
func (r complaints) FindByID(ctx context.Context, id uuid.UUID) (*complaint.Complaint, error) {
	return r.one(ctx, `SELECT `+complaintColumns+` FROM complaints c WHERE c.id = $1`, id)
}

func (r complaints) one(ctx context.Context, sql string, id uuid.UUID) (*complaint.Complaint, error) {
	var c *complaint.Complaint
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		var err error
		c, err = scanComplaint(row)
		return err
	}, sql, id)
	return c, translate(err, "complaint")
}

// FindEvents implements complaint.Repository.
func (r complaints) FindEvents(ctx context.Context, id uuid.UUID) ([]*complaint.CaseEvent, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT complaint_id, seq, type, from_state, to_state, actor, at, payload
		FROM complaint_events WHERE complaint_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*complaint.CaseEvent, error) {
		e := &complaint.CaseEvent{}
		return e, row.Scan(&e.ComplaintID, &e.Seq, &e.Type, &e.From, &e.To, &e.Actor, &e.At, &e.Payload)
	})
}

// Find implements complaint.Repository: newest first, keyset paginated on
// (created_at, id), each filter served by its index (migration 00045).
func (r complaints) Find(ctx context.Context, f complaint.Filter, now time.Time) ([]*complaint.Complaint, string, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	at, id, err := decodeCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit)
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{complaintReachSQL("c", f.Within, arg)}
	if at != nil {
		where = append(where, "(c.created_at, c.id) < ("+arg(*at)+", "+arg(*id)+")")
	}
	if f.State != "" {
		where = append(where, "c.state = "+arg(f.State))
	}
	switch len(f.Categories) {
	case 0:
	case 1:
		where = append(where, "c.category = "+arg(f.Categories[0]))
	default:
		where = append(where, "c.category = ANY("+arg(f.Categories)+")")
	}
	if f.OwnerSite != nil {
		where = append(where, "c.owner_site_id = "+arg(*f.OwnerSite))
	}
	if f.OwnerRegion != nil {
		where = append(where, "c.owner_region_id IN "+regionSubtreeSQL(arg([]uuid.UUID{*f.OwnerRegion})))
	}
	if f.Department != "" {
		where = append(where, "c.owner_kind = 'department' AND c.owner_department = "+arg(f.Department))
	}
	if f.CustomerID != nil {
		where = append(where, "c.customer_id = "+arg(*f.CustomerID))
	}
	if f.Overdue {
		where = append(where, "c.state NOT IN ('confirmed', 'closed') AND c.due_at < "+arg(now))
	}
	sql := `SELECT ` + complaintColumns + ` FROM complaints c WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY c.created_at DESC, c.id DESC LIMIT ` + arg(limit+1)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*complaint.Complaint, error) { return scanComplaint(row) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(c *complaint.Complaint) string { return encodeCursor(c.CreatedAt, c.ID) })
	return out, next, nil
}

// complaintReachSQL is the condition on the complaints row aliased c for
// being in r: owned by a site of r.Sites, or by a site or region whose
// region lies in r.Regions' subtrees.
func complaintReachSQL(c string, r complaint.Reach, arg func(any) string) string {
	return ownerReachSQL(r.All, r.Sites, r.Regions, c+".owner_site_id", c+".owner_region_id", arg)
}
