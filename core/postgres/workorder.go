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
	"github.com/aftersales/aftersales/core/workorder"
)

const workOrderColumns = `w.id, w.number, w.type, w.channel, w.state, w.customer_id, w.unit_id, COALESCE(w.product_line, ''),
	w.service_type, w.skills, w.description, w.address, w.lat, w.lon, w.region_id, w.site_id, w.technician_id, w.in_warranty,
	to_char(w.warranty_expires, 'YYYY-MM-DD'), w.respond_by, w.arrive_by, w.complete_by, w.responded_at, w.arrived_at,
	w.completed_at, w.closed_at, w.decision, w.service_record, w.queue_reason, w.created_by, w.version, w.created_at, w.updated_at, w.sla_flags,
	COALESCE(w.division_code, ''), w.location_approximate`

func scanWorkOrder(row pgx.Row, extra ...any) (*core.WorkOrder, error) {
	w := &core.WorkOrder{}
	var record []byte
	err := row.Scan(append([]any{&w.ID, &w.Number, &w.Type, &w.Channel, &w.State, &w.CustomerID, &w.UnitID, &w.ProductLine,
		&w.ServiceType, &w.Skills, &w.Description, &w.Address, &w.Lat, &w.Lon, &w.RegionID, &w.SiteID, &w.TechnicianID, &w.InWarranty,
		&w.WarrantyExpires, &w.RespondBy, &w.ArriveBy, &w.CompleteBy, &w.RespondedAt, &w.ArrivedAt,
		&w.CompletedAt, &w.ClosedAt, &w.Decision, &record, &w.QueueReason, &w.CreatedBy, &w.Version, &w.CreatedAt, &w.UpdatedAt, &w.SLAFlags,
		&w.DivisionCode, &w.LocationApproximate},
		extra...)...)
	if record != nil {
		raw := json.RawMessage(record)
		w.ServiceRecord = &raw
	}
	return w, err
}

// workOrders implements workorder.Repository on a unit of work.
type workOrders struct{ u *unit }

// WorkOrders implements workorder.Store.
func (s *Store) WorkOrders(u core.UnitOfWork) workorder.Repository { return workOrders{unitOf(u)} }

// Outbox implements workorder.Store.
func (s *Store) Outbox(u core.UnitOfWork) workorder.Outbox { return outboxWriter{unitOf(u)} }

// outboxWriter writes outbox messages in the unit's transaction: they
// commit or roll back with the change and cost no round trip of their
// own; the relays are woken after the commit.
type outboxWriter struct{ u *unit }

func (o outboxWriter) Add(aggregate uuid.UUID, typ string, payload json.RawMessage) {
	o.u.wroteOutbox = true
	o.u.write(`INSERT INTO outbox (tenant_id, aggregate_id, type, payload) VALUES (app_current_tenant(), $1, $2, $3)`,
		aggregate, typ, payload)
}

func (r workOrders) IntakeFacts(ctx context.Context, n *core.NewWorkOrder, at time.Time) (*workorder.IntakeFacts, error) {
	f := &workorder.IntakeFacts{}
	var weights []byte
	var addr *string
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&f.TimeZone, &f.Calendar, &weights, &f.CustomerFound, &f.UnitFound, &f.UnitOwner, &f.ProductLine,
			&f.InWarranty, &f.WarrantyExpires, &f.ServiceTypeFound, &f.Field, &f.RespondMinutes, &f.ArriveMinutes,
			&f.CompleteMinutes, &f.AddressFound, &addr, &f.Lat, &f.Lon,
			&f.DivisionCode, &f.LocationApproximate)
	}, `SELECT t.timezone, COALESCE(ts.calendar, '{}'), COALESCE(ts.dispatch_weights, '{}'),
			EXISTS (SELECT 1 FROM customers WHERE id = $1),
			u.id IS NOT NULL, u.customer_id, m.product_line,
			(u.purchase_date + make_interval(months => m.warranty_months)) >= ($4 AT TIME ZONE t.timezone)::date,
			to_char(u.purchase_date + make_interval(months => m.warranty_months), 'YYYY-MM-DD'),
			st.code IS NOT NULL, COALESCE(st.field, false), COALESCE(st.respond_minutes, 0), COALESCE(st.arrive_minutes, 0),
			COALESCE(st.complete_minutes, 0),
			a.id IS NOT NULL, a.address, a.lat, a.lon,
			COALESCE(a.district_code, a.city_code, a.province_code, ''), COALESCE(a.location_approximate, false)
		FROM tenants t
		LEFT JOIN tenant_settings ts ON ts.tenant_id = t.id
		LEFT JOIN units u ON u.id = $2
		LEFT JOIN product_models m ON m.tenant_id = u.tenant_id AND m.id = u.model_id
		LEFT JOIN service_types st ON st.code = $3
		LEFT JOIN customer_addresses a ON a.id = $5 AND a.customer_id = $1
		WHERE t.id = app_current_tenant()`, n.CustomerID, n.UnitID, n.ServiceType, at, n.AddressID)
	if err != nil {
		return nil, translate(err, "tenant")
	}
	if addr != nil {
		f.Address = *addr
	}
	if f.Weights, err = decodeWeights(weights); err != nil {
		return nil, err
	}
	return f, nil
}

func (r workOrders) InsertWorkOrder(w *core.WorkOrder) {
	r.u.write(`INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id,
		product_line, service_type, description, address, lat, lon, in_warranty, warranty_expires, respond_by, arrive_by,
		complete_by, created_by, created_at, updated_at, skills, division_code, location_approximate)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULLIF($9,''),$10,$11,$12,$13,$14,$15,$16::date,$17,$18,$19,$20,$21,$21,$22,
			NULLIF($23,''),$24)`,
		r.u.tenantID, w.ID, w.Number, w.Type, w.Channel, w.State, w.CustomerID, w.UnitID, w.ProductLine, w.ServiceType,
		w.Description, w.Address, w.Lat, w.Lon, w.InWarranty, w.WarrantyExpires, w.RespondBy, w.ArriveBy, w.CompleteBy,
		w.CreatedBy, w.CreatedAt, w.Skills, w.DivisionCode, w.LocationApproximate)
}

func (r workOrders) LockWorkOrder(ctx context.Context, id uuid.UUID) (*workorder.Locked, error) {
	l := &workorder.Locked{}
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		var err error
		l.WorkOrder, err = scanWorkOrder(row, &l.AutoUrged, &l.UrgeCount, &l.LastUrgedAt)
		return err
	}, `SELECT `+workOrderColumns+`, w.auto_urged, w.urge_count, w.last_urged_at FROM work_orders w WHERE w.id = $1 FOR UPDATE`, id)
	if err != nil {
		return nil, translate(err, "work order")
	}
	return l, nil
}

func (r workOrders) FindWorkOrderByID(ctx context.Context, id uuid.UUID) (*core.WorkOrder, error) {
	var w *core.WorkOrder
	err := r.u.queryRow(ctx, func(row pgx.Row) error {
		var err error
		w, err = scanWorkOrder(row)
		return err
	}, `SELECT `+workOrderColumns+` FROM work_orders w WHERE w.id = $1`, id)
	return w, translate(err, "work order")
}

func (r workOrders) UpdateWorkOrder(id uuid.UUID, c workorder.Change) {
	args := []any{id}
	var sets []string
	set := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, col+" = $"+strconv.Itoa(len(args)))
	}
	if c.Bump {
		sets = append(sets, "version = version + 1")
	}
	if c.Bump || c.Touch {
		set("updated_at", c.At)
	}
	if c.State != "" {
		set("state", c.State)
	}
	switch {
	case c.SiteID != nil:
		set("site_id", *c.SiteID)
		sets = append(sets, "region_id = (SELECT region_id FROM sites WHERE id = $"+strconv.Itoa(len(args))+")")
	case c.ClearSite:
		sets = append(sets, "site_id = NULL")
	}
	switch {
	case c.TechnicianID != nil:
		set("technician_id", *c.TechnicianID)
	case c.ClearTech:
		sets = append(sets, "technician_id = NULL")
	}
	for _, t := range []struct {
		col string
		at  *time.Time
	}{{"responded_at", c.RespondedAt}, {"arrived_at", c.ArrivedAt}, {"completed_at", c.CompletedAt}, {"closed_at", c.ClosedAt},
		{"last_urged_at", c.LastUrgedAt}} {
		if t.at != nil {
			set(t.col, *t.at)
		}
	}
	if c.ServiceRecord != nil {
		set("service_record", []byte(c.ServiceRecord))
	}
	if c.Decision != nil {
		set("decision", c.Decision)
	}
	if c.QueueReason != nil {
		set("queue_reason", *c.QueueReason)
	}
	if c.AddSLAFlag != "" {
		args = append(args, c.AddSLAFlag)
		sets = append(sets, "sla_flags = array_append(sla_flags, $"+strconv.Itoa(len(args))+")")
	}
	if c.AddAutoUrged != "" {
		args = append(args, c.AddAutoUrged)
		sets = append(sets, "auto_urged = array_append(auto_urged, $"+strconv.Itoa(len(args))+")")
	}
	if c.Urged {
		sets = append(sets, "urge_count = urge_count + 1")
	}
	if len(sets) == 0 {
		return
	}
	r.u.write(`UPDATE work_orders SET `+strings.Join(sets, ", ")+` WHERE id = $1`, args...)
}

func (r workOrders) AppendEvent(e workorder.Event) {
	r.u.write(eventSQL, eventArgs(e)...)
}

// eventSQL appends an event with the order's next sequence number.
const eventSQL = `INSERT INTO work_order_events (tenant_id, work_order_id, seq, type, from_state, to_state, actor, at, lat, lon, payload)
	SELECT app_current_tenant(), $1, COALESCE(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9
	FROM work_order_events WHERE work_order_id = $1`

func eventArgs(e workorder.Event) []any {
	payload := e.Payload
	if payload == nil {
		payload = map[string]any{}
	}
	return []any{e.WorkOrderID, e.Type, e.From, e.To, e.Actor, e.At, e.Lat, e.Lon, payload}
}

func (r workOrders) NumberWorkOrder(ctx context.Context, id uuid.UUID, period string) (*core.WorkOrder, error) {
	var w *core.WorkOrder
	b := &pgx.Batch{}
	b.Queue(`WITH c AS (
			INSERT INTO work_order_counters (tenant_id, period, last) VALUES (app_current_tenant(), $2, 1)
			ON CONFLICT (tenant_id, period) DO UPDATE SET last = work_order_counters.last + 1 RETURNING last)
		UPDATE work_orders w SET number = 'WO-' || $2 || '-' || lpad(c.last::text, 6, '0') FROM c WHERE w.id = $1
		RETURNING `+workOrderColumns, id, period).QueryRow(func(row pgx.Row) error {
		var err error
		w, err = scanWorkOrder(row)
		return err
	})
	// The end-of-unit counters in the same round trip: the counter row
	// above is locked from here to the commit only.
	if r.u.deferred != nil {
		b.QueuedQueries = append(b.QueuedQueries, r.u.deferred.QueuedQueries...)
		r.u.deferred = nil
	}
	if err := r.u.read(ctx, b); err != nil {
		return nil, translate(err, "work order")
	}
	return w, nil
}

// uuidPattern matches a UUID's text, so that only UUIDs are cast.
const uuidPattern = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`

// eventsSQL reads a timeline with names, as they are called now: the
// actor's (a user, an API key, the technician whose phone sent an SMS
// reply), those of the sites and technicians the payload names by ID, and
// whom an SMS went to (a technician or customer with the phone).
const eventsSQL = `SELECT e.seq, e.type, e.from_state, e.to_state, e.actor, e.at, e.lat, e.lon, e.payload,
		COALESCE(NULLIF(u.display_name, ''), u.username, k.name, st.name, ''),
		(SELECT jsonb_object_agg(p.key, p.name) FROM (
			SELECT p.key, CASE WHEN p.key = 'to'
				THEN (SELECT name FROM technicians WHERE phone = p.value
				      UNION ALL SELECT c.name FROM customer_phones cp JOIN customers c ON c.id = cp.customer_id
				      WHERE cp.phone = p.value LIMIT 1)
				ELSE COALESCE((SELECT name FROM sites WHERE id = p.id), (SELECT name FROM technicians WHERE id = p.id)) END AS name
			FROM (SELECT key, value, CASE WHEN value ~ '^` + uuidPattern + `$' THEN value::uuid END AS id
			      FROM jsonb_each_text(CASE WHEN jsonb_typeof(e.payload) = 'object' THEN e.payload ELSE '{}' END)) p
			WHERE p.key IN ('site_id', 'from_site', 'technician_id', 'previous', 'to')) p
		 WHERE p.name IS NOT NULL)
	FROM work_order_events e
	LEFT JOIN users u ON u.id = CASE WHEN e.actor ~ '^user:` + uuidPattern + `$' THEN substr(e.actor, 6)::uuid END
	LEFT JOIN api_keys k ON k.id = CASE WHEN e.actor ~ '^key:` + uuidPattern + `$' THEN substr(e.actor, 5)::uuid END
	LEFT JOIN LATERAL (SELECT name FROM technicians WHERE e.actor LIKE 'sms:%' AND phone = substr(e.actor, 5) LIMIT 1) st ON true
	WHERE e.work_order_id = $1 ORDER BY e.seq`

func (r workOrders) FindWorkOrderEvents(ctx context.Context, id uuid.UUID) ([]*core.WorkOrderEvent, error) {
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, eventsSQL, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.WorkOrderEvent, error) {
		e := &core.WorkOrderEvent{}
		err := r.Scan(&e.Seq, &e.Type, &e.FromState, &e.ToState, &e.Actor, &e.At, &e.Lat, &e.Lon, &e.Payload, &e.ActorName, &e.Names)
		if len(e.Names) == 0 {
			e.Names = nil
		}
		return e, err
	})
}

func (r workOrders) ExcludedSites(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	var ex []uuid.UUID
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ex) },
		`SELECT excluded_sites FROM work_orders WHERE id = $1`, id)
	return ex, translate(err, "work order")
}

func (r workOrders) ExcludeSite(id, site uuid.UUID) {
	r.u.write(`UPDATE work_orders SET excluded_sites = array_append(excluded_sites, $2) WHERE id = $1`, id, site)
}

func (r workOrders) Technician(ctx context.Context, id uuid.UUID) (workorder.TechnicianPost, error) {
	var p workorder.TechnicianPost
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&p.SiteID, &p.Status, &p.Name) },
		`SELECT site_id, status, name FROM technicians WHERE id = $1`, id)
	return p, translate(err, "technician")
}

func (r workOrders) AddWorkload(tech uuid.UUID, delta int) {
	r.u.write(`UPDATE technicians SET open_workload = GREATEST(open_workload + $2, 0) WHERE id = $1`, tech, delta)
}

func (r workOrders) MoveTechnician(tech uuid.UUID, lat, lon float64, at time.Time) {
	r.u.write(`UPDATE technicians SET lat = $2, lon = $3, location_at = $4 WHERE id = $1`, tech, lat, lon, at)
}

func (r workOrders) Site(ctx context.Context, id uuid.UUID) (workorder.SitePost, error) {
	var p workorder.SitePost
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&p.Status, &p.Name) }, `SELECT status, name FROM sites WHERE id = $1`, id)
	return p, translate(err, "site")
}

func (r workOrders) UnitBySerial(ctx context.Context, serial string) (id, customer uuid.UUID, err error) {
	err = r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&id, &customer) },
		`SELECT id, customer_id FROM units WHERE serial = $1`, serial)
	return id, customer, translate(err, "unit")
}

func (r workOrders) FaultCodeLine(ctx context.Context, kind, code string) (*string, error) {
	var line *string
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&line) },
		`SELECT product_line FROM fault_codes WHERE kind = $1 AND code = $2`, kind, code)
	return line, translate(err, "fault code")
}
