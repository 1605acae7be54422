package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const workOrderColumns = `w.id, w.number, w.type, w.channel, w.state, w.customer_id, w.unit_id, COALESCE(w.product_line, ''),
	w.service_type, w.skills, w.description, w.address, w.lat, w.lon, w.region_id, w.site_id, w.technician_id, w.in_warranty,
	to_char(w.warranty_expires, 'YYYY-MM-DD'), w.respond_by, w.arrive_by, w.complete_by, w.responded_at, w.arrived_at,
	w.completed_at, w.closed_at, w.decision, w.service_record, w.queue_reason, w.created_by, w.version, w.created_at, w.updated_at, w.sla_flags`

func scanWorkOrder(row pgx.Row) (*core.WorkOrder, error) {
	w := &core.WorkOrder{}
	var decision, record []byte
	err := row.Scan(&w.ID, &w.Number, &w.Type, &w.Channel, &w.State, &w.CustomerID, &w.UnitID, &w.ProductLine,
		&w.ServiceType, &w.Skills, &w.Description, &w.Address, &w.Lat, &w.Lon, &w.RegionID, &w.SiteID, &w.TechnicianID, &w.InWarranty,
		&w.WarrantyExpires, &w.RespondBy, &w.ArriveBy, &w.CompleteBy, &w.RespondedAt, &w.ArrivedAt,
		&w.CompletedAt, &w.ClosedAt, &decision, &record, &w.QueueReason, &w.CreatedBy, &w.Version, &w.CreatedAt, &w.UpdatedAt, &w.SLAFlags)
	if decision != nil {
		raw := json.RawMessage(decision)
		w.Decision = &raw
	}
	if record != nil {
		raw := json.RawMessage(record)
		w.ServiceRecord = &raw
	}
	return w, err
}

// intakeFacts are what intake looks up about the tenant, customer and unit.
type intakeFacts struct {
	timezone                  string
	calendar                  []byte
	weights                   []byte
	productLine               *string
	inWarranty                *bool
	warrantyExpires           *string
	field                     bool
	respond, arrive, complete int
}

// CreateWorkOrder implements core.WorkOrderService.
func (s *Store) CreateWorkOrder(ctx context.Context, n core.NewWorkOrder, actor string) (*core.WorkOrder, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if n.ServiceType == "" {
		n.ServiceType = n.Type
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	f, err := s.intakeFacts(ctx, q, &n, now)
	if err != nil {
		return nil, err
	}
	w := &core.WorkOrder{ID: uuid.New(), Type: n.Type, Channel: n.Channel, State: core.StateCreated, CustomerID: n.CustomerID,
		UnitID: n.UnitID, ProductLine: n.ProductLine, ServiceType: n.ServiceType, Skills: nonNilStrings(n.Skills), Description: n.Description,
		Address: n.Address, Lat: n.Lat, Lon: n.Lon, InWarranty: f.inWarranty, WarrantyExpires: f.warrantyExpires,
		CreatedBy: actor, Version: 1, CreatedAt: now, UpdatedAt: now}
	if f.productLine != nil && w.ProductLine == "" {
		w.ProductLine = *f.productLine
	}
	// A provisional number; the real one is taken last, so the tenant's
	// counter row stays locked only for the commit, not the whole intake.
	w.Number = "PENDING-" + w.ID.String()
	cal, err := s.calendarOf(f.timezone, f.calendar)
	if err != nil {
		return nil, err
	}
	if err := setDeadlines(w, f, cal, now); err != nil {
		return nil, err
	}
	markOutbox(ctx)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id,
		product_line, service_type, description, address, lat, lon, in_warranty, warranty_expires, respond_by, arrive_by,
		complete_by, created_by, created_at, updated_at, skills)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULLIF($9,''),$10,$11,$12,$13,$14,$15,$16::date,$17,$18,$19,$20,$21,$21,$22)`,
		tenantOf(ctx), w.ID, w.Number, w.Type, w.Channel, w.State, w.CustomerID, w.UnitID, w.ProductLine, w.ServiceType,
		w.Description, w.Address, w.Lat, w.Lon, w.InWarranty, w.WarrantyExpires, w.RespondBy, w.ArriveBy, w.CompleteBy,
		actor, now, w.Skills)
	if err := queueEvent(b, w.ID, "created", "", core.StateCreated, actor, now, nil, nil,
		map[string]any{"channel": w.Channel, "type": w.Type}); err != nil {
		return nil, err
	}
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, translate(err, "work order")
	}
	switch {
	case n.CloseNow:
		if _, err := s.ApplyAction(ctx, w.ID, core.ActionInput{Action: core.ActionClose, Reason: "answered at intake"}, actor); err != nil {
			return nil, err
		}
	case f.field && w.Lat != nil:
		if err := s.dispatch(ctx, q, w, nil, "", actor, f.weights); err != nil {
			return nil, err
		}
	case f.field:
		if err := s.queue(ctx, q, w, "the address has no geo point; dispatch by hand", actor); err != nil {
			return nil, err
		}
	case w.Type == "purchase_lead":
		if err := s.routeToDealer(ctx, q, w, actor); err != nil {
			return nil, err
		}
	}
	return s.assignNumber(ctx, q, w.ID, now.In(cal.Location()))
}

// intakeFacts checks the customer, unit, address and service type, and
// reads the tenant's zone and calendar.
func (s *Store) intakeFacts(ctx context.Context, q querier, n *core.NewWorkOrder, now time.Time) (*intakeFacts, error) {
	f := &intakeFacts{}
	var customerOK, unitFound, stFound bool
	var owner *uuid.UUID
	var addrFound bool
	var addr *string
	var lat, lon *float64
	err := q.QueryRow(ctx, `SELECT t.timezone, COALESCE(ts.calendar, '{}'), COALESCE(ts.dispatch_weights, '{}'),
			EXISTS (SELECT 1 FROM customers WHERE id = $1),
			u.id IS NOT NULL, u.customer_id, m.product_line,
			(u.purchase_date + make_interval(months => m.warranty_months)) >= ($4 AT TIME ZONE t.timezone)::date,
			to_char(u.purchase_date + make_interval(months => m.warranty_months), 'YYYY-MM-DD'),
			st.code IS NOT NULL, COALESCE(st.field, false), COALESCE(st.respond_minutes, 0), COALESCE(st.arrive_minutes, 0),
			COALESCE(st.complete_minutes, 0),
			a.id IS NOT NULL, a.address, a.lat, a.lon
		FROM tenants t
		LEFT JOIN tenant_settings ts ON ts.tenant_id = t.id
		LEFT JOIN units u ON u.id = $2
		LEFT JOIN product_models m ON m.tenant_id = u.tenant_id AND m.id = u.model_id
		LEFT JOIN service_types st ON st.code = $3
		LEFT JOIN customer_addresses a ON a.id = $5 AND a.customer_id = $1
		WHERE t.id = app_current_tenant()`, n.CustomerID, n.UnitID, n.ServiceType, now, n.AddressID).Scan(
		&f.timezone, &f.calendar, &f.weights, &customerOK, &unitFound, &owner, &f.productLine, &f.inWarranty,
		&f.warrantyExpires, &stFound, &f.field, &f.respond, &f.arrive, &f.complete, &addrFound, &addr, &lat, &lon)
	if err != nil {
		return nil, err
	}
	switch {
	case !customerOK:
		return nil, core.FieldError("customer_id", "no such customer")
	case n.UnitID != nil && !unitFound:
		return nil, core.FieldError("unit_id", "no such unit")
	case n.UnitID != nil && *owner != n.CustomerID:
		return nil, core.FieldError("unit_id", "the unit is registered to another customer")
	case n.AddressID != nil && !addrFound:
		return nil, core.FieldError("address_id", "not an address of this customer")
	case !stFound:
		return nil, core.FieldError("service_type", "unknown service type %q", n.ServiceType)
	}
	if n.AddressID != nil {
		n.Address, n.Lat, n.Lon = *addr, lat, lon
	}
	if isField, _ := core.IsFieldType(n.Type); isField != f.field {
		return nil, core.FieldError("service_type", "service type %s does not fit a %s order", n.ServiceType, n.Type)
	}
	if n.ProductLine != "" && f.productLine != nil && *f.productLine != n.ProductLine {
		return nil, core.FieldError("product_line", "the unit belongs to product line %s", *f.productLine)
	}
	return f, nil
}

// assignNumber gives the order the next number of the tenant's month, e.g.
// WO-2611-000123. The counter row is locked by the upsert until commit, so
// concurrent intakes get distinct numbers.
// It returns the order as stored.
func (s *Store) assignNumber(ctx context.Context, q querier, id uuid.UUID, local time.Time) (*core.WorkOrder, error) {
	period := local.Format("0601")
	var w *core.WorkOrder
	b := &pgx.Batch{}
	b.Queue(`WITH c AS (
			INSERT INTO work_order_counters (tenant_id, period, last) VALUES (app_current_tenant(), $2, 1)
			ON CONFLICT (tenant_id, period) DO UPDATE SET last = work_order_counters.last + 1 RETURNING last)
		UPDATE work_orders w SET number = 'WO-' || $2 || '-' || lpad(c.last::text, 6, '0') FROM c WHERE w.id = $1
		RETURNING `+workOrderColumns, id, period).QueryRow(func(r pgx.Row) error {
		var err error
		w, err = scanWorkOrder(r)
		return err
	})
	takeDeferred(ctx, b) // the other end-of-transaction counters, in the same round trip
	if err := q.SendBatch(ctx, b).Close(); err != nil {
		return nil, translate(err, "work order")
	}
	w.SLAStatus = slaStatus(w, s.now())
	return w, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func appendEvent(ctx context.Context, q querier, id uuid.UUID, typ, from, to, actor string, at time.Time,
	lat, lon *float64, payload any) error {
	markOutbox(ctx)
	b := &pgx.Batch{}
	if err := queueEvent(b, id, typ, from, to, actor, at, lat, lon, payload); err != nil {
		return err
	}
	return q.SendBatch(ctx, b).Close()
}

// queueEvent adds an event insert to a batch, so a change and its event go
// to the server in one round trip.
func queueEvent(b *pgx.Batch, id uuid.UUID, typ, from, to, actor string, at time.Time, lat, lon *float64, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	b.Queue(`INSERT INTO work_order_events (tenant_id, work_order_id, seq, type, from_state, to_state, actor, at, lat, lon, payload)
		SELECT app_current_tenant(), $1, COALESCE(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9
		FROM work_order_events WHERE work_order_id = $1`, id, typ, from, to, actor, at, lat, lon, raw)
	if t, ok := outboxTypes[typ]; ok {
		queueOutbox(b, id, t, raw)
	}
	return nil
}
