package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const workOrderColumns = `w.id, w.number, w.type, w.channel, w.state, w.customer_id, w.unit_id, COALESCE(w.product_line, ''),
	w.service_type, w.description, w.address, w.lat, w.lon, w.region_id, w.site_id, w.technician_id, w.in_warranty,
	to_char(w.warranty_expires, 'YYYY-MM-DD'), w.respond_by, w.arrive_by, w.complete_by, w.responded_at, w.arrived_at,
	w.completed_at, w.closed_at, w.decision, w.service_record, w.queue_reason, w.created_by, w.version, w.created_at, w.updated_at`

func scanWorkOrder(row pgx.Row) (*core.WorkOrder, error) {
	w := &core.WorkOrder{}
	var decision, record []byte
	err := row.Scan(&w.ID, &w.Number, &w.Type, &w.Channel, &w.State, &w.CustomerID, &w.UnitID, &w.ProductLine,
		&w.ServiceType, &w.Description, &w.Address, &w.Lat, &w.Lon, &w.RegionID, &w.SiteID, &w.TechnicianID, &w.InWarranty,
		&w.WarrantyExpires, &w.RespondBy, &w.ArriveBy, &w.CompleteBy, &w.RespondedAt, &w.ArrivedAt,
		&w.CompletedAt, &w.ClosedAt, &decision, &record, &w.QueueReason, &w.CreatedBy, &w.Version, &w.CreatedAt, &w.UpdatedAt)
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
		UnitID: n.UnitID, ProductLine: n.ProductLine, ServiceType: n.ServiceType, Description: n.Description,
		Address: n.Address, Lat: n.Lat, Lon: n.Lon, InWarranty: f.inWarranty, WarrantyExpires: f.warrantyExpires,
		CreatedBy: actor, Version: 1, CreatedAt: now, UpdatedAt: now}
	if f.productLine != nil && w.ProductLine == "" {
		w.ProductLine = *f.productLine
	}
	loc, _ := time.LoadLocation(f.timezone)
	if w.Number, err = nextNumber(ctx, q, now.In(loc)); err != nil {
		return nil, err
	}
	if err := s.setDeadlines(w, f, now); err != nil {
		return nil, err
	}
	if _, err := q.Exec(ctx, `INSERT INTO work_orders (tenant_id, id, number, type, channel, state, customer_id, unit_id,
		product_line, service_type, description, address, lat, lon, in_warranty, warranty_expires, respond_by, arrive_by,
		complete_by, created_by, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULLIF($9,''),$10,$11,$12,$13,$14,$15,$16::date,$17,$18,$19,$20,$21,$21)`,
		tenantOf(ctx), w.ID, w.Number, w.Type, w.Channel, w.State, w.CustomerID, w.UnitID, w.ProductLine, w.ServiceType,
		w.Description, w.Address, w.Lat, w.Lon, w.InWarranty, w.WarrantyExpires, w.RespondBy, w.ArriveBy, w.CompleteBy,
		actor, now); err != nil {
		return nil, translate(err, "work order")
	}
	if err := appendEvent(ctx, q, w.ID, "created", "", core.StateCreated, actor, now, nil, nil,
		map[string]any{"channel": w.Channel, "type": w.Type}); err != nil {
		return nil, err
	}
	switch {
	case n.CloseNow:
		return s.ApplyAction(ctx, w.ID, core.ActionInput{Action: core.ActionClose, Reason: "answered at intake"}, actor)
	case f.field && w.Lat != nil:
		if err := s.dispatch(ctx, q, w, nil, "", actor); err != nil {
			return nil, err
		}
	case f.field:
		if err := s.queue(ctx, q, w, "the address has no geo point; dispatch by hand", actor); err != nil {
			return nil, err
		}
	}
	return s.FindWorkOrderByID(ctx, w.ID)
}

// intakeFacts checks the customer, unit, address and service type, and
// reads the tenant's zone and calendar.
func (s *Store) intakeFacts(ctx context.Context, q querier, n *core.NewWorkOrder, now time.Time) (*intakeFacts, error) {
	f := &intakeFacts{}
	err := q.QueryRow(ctx, `SELECT t.timezone, COALESCE(ts.calendar, '{}') FROM tenants t
		LEFT JOIN tenant_settings ts ON ts.tenant_id = t.id WHERE t.id = $1`, tenantOf(ctx)).Scan(&f.timezone, &f.calendar)
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1)`, n.CustomerID).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return nil, core.FieldError("customer_id", "no such customer")
	}
	if n.UnitID != nil {
		var owner uuid.UUID
		err := q.QueryRow(ctx, `SELECT u.customer_id, m.product_line,
				(u.purchase_date + make_interval(months => m.warranty_months)) >= ($2 AT TIME ZONE $3)::date,
				to_char(u.purchase_date + make_interval(months => m.warranty_months), 'YYYY-MM-DD')
			FROM units u JOIN product_models m ON m.tenant_id = u.tenant_id AND m.id = u.model_id WHERE u.id = $1`,
			*n.UnitID, now, f.timezone).Scan(&owner, &f.productLine, &f.inWarranty, &f.warrantyExpires)
		if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
			return nil, core.FieldError("unit_id", "no such unit")
		} else if err != nil {
			return nil, err
		}
		if owner != n.CustomerID {
			return nil, core.FieldError("unit_id", "the unit is registered to another customer")
		}
	}
	if n.AddressID != nil {
		err := q.QueryRow(ctx, `SELECT address, lat, lon FROM customer_addresses WHERE id = $1 AND customer_id = $2`,
			*n.AddressID, n.CustomerID).Scan(&n.Address, &n.Lat, &n.Lon)
		if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
			return nil, core.FieldError("address_id", "not an address of this customer")
		} else if err != nil {
			return nil, err
		}
	}
	err = q.QueryRow(ctx, `SELECT field, respond_minutes, arrive_minutes, complete_minutes FROM service_types WHERE code = $1`,
		n.ServiceType).Scan(&f.field, &f.respond, &f.arrive, &f.complete)
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return nil, core.FieldError("service_type", "unknown service type %q", n.ServiceType)
	} else if err != nil {
		return nil, err
	}
	if isField, _ := core.IsFieldType(n.Type); isField != f.field {
		return nil, core.FieldError("service_type", "service type %s does not fit a %s order", n.ServiceType, n.Type)
	}
	if n.ProductLine != "" && f.productLine != nil && *f.productLine != n.ProductLine {
		return nil, core.FieldError("product_line", "the unit belongs to product line %s", *f.productLine)
	}
	return f, nil
}

// nextNumber returns the next order number of the tenant's month, e.g.
// WO-2611-000123. The counter row is locked by the upsert, so concurrent
// intakes get distinct numbers.
func nextNumber(ctx context.Context, q querier, local time.Time) (string, error) {
	period := local.Format("0601")
	var n int
	err := q.QueryRow(ctx, `INSERT INTO work_order_counters (tenant_id, period, last) VALUES (app_current_tenant(), $1, 1)
		ON CONFLICT (tenant_id, period) DO UPDATE SET last = work_order_counters.last + 1 RETURNING last`, period).Scan(&n)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("WO-%s-%06d", period, n), nil
}

func appendEvent(ctx context.Context, q querier, id uuid.UUID, typ, from, to, actor string, at time.Time,
	lat, lon *float64, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO work_order_events (tenant_id, work_order_id, seq, type, from_state, to_state, actor, at, lat, lon, payload)
		SELECT app_current_tenant(), $1, COALESCE(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9
		FROM work_order_events WHERE work_order_id = $1`, id, typ, from, to, actor, at, lat, lon, raw)
	return err
}
