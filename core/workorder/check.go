package workorder

import (
	"context"

	"github.com/aftersales/aftersales/core"
)

// checkAction validates what an action carries before anything changes.
func (s *Service) checkAction(ctx context.Context, repo Repository, w *core.WorkOrder, in core.ActionInput) error {
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
		return checkAccept(ctx, repo, w, in)
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
		return checkRecord(ctx, repo, w, in.Record)
	}
	return nil
}

// checkAccept: only the order's technician accepts it, or, while the site
// has named none, an on-duty technician of the site (grabbing it).
func checkAccept(ctx context.Context, repo Repository, w *core.WorkOrder, in core.ActionInput) error {
	if in.TechnicianID == nil {
		return core.Errorf(core.EFORBIDDEN, "only a technician can accept an order")
	}
	if w.TechnicianID != nil {
		if *w.TechnicianID != *in.TechnicianID {
			return core.Errorf(core.EFORBIDDEN, "the order is assigned to another technician")
		}
		return nil
	}
	post, err := repo.Technician(ctx, *in.TechnicianID)
	if err != nil {
		return err
	}
	if w.SiteID == nil || post.SiteID != *w.SiteID || post.Status == "off" {
		return core.Errorf(core.EFORBIDDEN, "the order is not offered to this technician")
	}
	return nil
}

// checkRecord checks the unit serial against the order's unit (or the
// customer's units) and the fault codes against the tenant's catalogue.
func checkRecord(ctx context.Context, repo Repository, w *core.WorkOrder, r *core.ServiceRecord) error {
	unitID, owner, err := repo.UnitBySerial(ctx, r.UnitSerial)
	switch {
	case core.ErrorCode(err) == core.ENOTFOUND:
		return core.FieldError("record.unit_serial", "no registered unit has serial %q", r.UnitSerial)
	case err != nil:
		return err
	case owner != w.CustomerID:
		return core.FieldError("record.unit_serial", "unit %q belongs to another customer", r.UnitSerial)
	case w.UnitID != nil && *w.UnitID != unitID:
		return core.FieldError("record.unit_serial", "serial %q is not the unit of this order", r.UnitSerial)
	}
	for _, c := range []struct{ kind, code string }{
		{"symptom", r.SymptomCode}, {"cause", r.CauseCode}, {"object", r.ObjectCode}, {"action", r.ActionCode}} {
		line, err := repo.FaultCodeLine(ctx, c.kind, c.code)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return core.FieldError("record."+c.kind+"_code", "unknown %s code %q", c.kind, c.code)
		} else if err != nil {
			return err
		}
		if line != nil && w.ProductLine != "" && *line != w.ProductLine {
			return core.FieldError("record."+c.kind+"_code", "%s code %q is for product line %s, not %s", c.kind, c.code, *line, w.ProductLine)
		}
	}
	return nil
}
