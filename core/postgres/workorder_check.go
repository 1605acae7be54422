package postgres

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// checkAction validates what an action carries before anything changes.
func (s *Store) checkAction(ctx context.Context, w *core.WorkOrder, in core.ActionInput) error {
	needReason := func() error {
		if in.Reason == "" {
			return core.FieldError("reason", "is required to %s", in.Action)
		}
		if len(in.Reason) > 1000 {
			return core.FieldError("reason", "must be at most 1000 characters")
		}
		return nil
	}
	switch in.Action {
	case core.ActionDispatch:
		if in.SiteID != nil {
			return needReason() // a dispatcher's override says why
		}
	case core.ActionReassign, core.ActionReject, core.ActionCancel, core.ActionDecline:
		return needReason()
	case core.ActionAssign:
		if in.TechnicianID == nil {
			return core.FieldError("technician_id", "is required")
		}
	case core.ActionAccept:
		if in.TechnicianID == nil {
			return core.Errorf(core.EFORBIDDEN, "only a technician can accept an order")
		}
		if w.TechnicianID != nil && *w.TechnicianID != *in.TechnicianID {
			return core.Errorf(core.EFORBIDDEN, "the order is assigned to another technician")
		}
		if w.TechnicianID == nil {
			q, err := s.q(ctx)
			if err != nil {
				return err
			}
			var site uuid.UUID
			var status string
			if err := q.QueryRow(ctx, `SELECT site_id, status FROM technicians WHERE id = $1`, *in.TechnicianID).Scan(&site, &status); err != nil {
				return translate(err, "technician")
			}
			if w.SiteID == nil || site != *w.SiteID || status == "off" {
				return core.Errorf(core.EFORBIDDEN, "the order is not offered to this technician")
			}
		}
	case core.ActionArrive:
		if in.Lat == nil || in.Lon == nil {
			return core.FieldError("lat", "arrival needs the technician's location (lat, lon)")
		}
		return core.ValidateLatLon(*in.Lat, *in.Lon)
	case core.ActionComplete:
		if in.Record == nil {
			return core.FieldError("record", "the service record is required to complete an order")
		}
		if err := in.Record.Validate(); err != nil {
			return err
		}
		return s.checkRecord(ctx, w, in.Record)
	}
	return nil
}

// checkRecord checks the unit serial against the order's unit (or the
// customer's units) and the fault codes against the tenant's catalogue.
func (s *Store) checkRecord(ctx context.Context, w *core.WorkOrder, r *core.ServiceRecord) error {
	q, err := s.q(ctx)
	if err != nil {
		return err
	}
	var unitID uuid.UUID
	var owner uuid.UUID
	err = q.QueryRow(ctx, `SELECT id, customer_id FROM units WHERE serial = $1`, r.UnitSerial).Scan(&unitID, &owner)
	switch {
	case core.ErrorCode(translate(err, "")) == core.ENOTFOUND:
		return core.FieldError("record.unit_serial", "no registered unit has serial %q", r.UnitSerial)
	case err != nil:
		return err
	case owner != w.CustomerID:
		return core.FieldError("record.unit_serial", "unit %q belongs to another customer", r.UnitSerial)
	case w.UnitID != nil && *w.UnitID != unitID:
		return core.FieldError("record.unit_serial", "serial %q is not the unit of this order", r.UnitSerial)
	}
	for kind, code := range map[string]string{"symptom": r.SymptomCode, "cause": r.CauseCode, "object": r.ObjectCode, "action": r.ActionCode} {
		var line *string
		err := q.QueryRow(ctx, `SELECT product_line FROM fault_codes WHERE kind = $1 AND code = $2`, kind, code).Scan(&line)
		if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
			return core.FieldError("record."+kind+"_code", "unknown %s code %q", kind, code)
		} else if err != nil {
			return err
		}
		if line != nil && w.ProductLine != "" && *line != w.ProductLine {
			return core.FieldError("record."+kind+"_code", "%s code %q is for product line %s, not %s", kind, code, *line, w.ProductLine)
		}
	}
	return nil
}
