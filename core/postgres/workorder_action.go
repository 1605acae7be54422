package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

// ApplyAction implements core.WorkOrderService. The order row is locked
// first, so concurrent actions on one order are serialised and the loser
// sees the winner's state (409).
func (s *Store) ApplyAction(ctx context.Context, id uuid.UUID, in core.ActionInput, actor string) (*core.WorkOrder, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	w, err := scanWorkOrder(q.QueryRow(ctx, `SELECT `+workOrderColumns+` FROM work_orders w WHERE w.id = $1 FOR UPDATE`, id))
	if err != nil {
		return nil, translate(err, "work order")
	}
	if in.Version != 0 && in.Version != w.Version {
		e := staleVersion("work order", w.Version, in.Version)
		e.Fields = map[string]string{"state": w.State}
		return nil, e
	}
	next, err := core.NextState(w.State, in.Action)
	if err != nil {
		return nil, err
	}
	if err := s.checkAction(ctx, w, in); err != nil {
		return nil, err
	}
	now := s.now()
	from := w.State
	set := map[string]any{}
	payload := map[string]any{}
	if in.Reason != "" {
		payload["reason"] = in.Reason
	}
	switch in.Action {
	case core.ActionDispatch:
		return s.finish(ctx, id, s.dispatch(ctx, q, w, in.SiteID, in.Reason, actor, nil))
	case core.ActionReassign, core.ActionReject:
		if err := s.release(ctx, q, w); err != nil {
			return nil, err
		}
		set["state"], set["site_id"], set["technician_id"] = core.StateCreated, nil, nil
		if in.Action == core.ActionReject || in.SiteID == nil {
			if _, err := q.Exec(ctx, `UPDATE work_orders SET excluded_sites = array_append(excluded_sites, $2) WHERE id = $1`, id, *w.SiteID); err != nil {
				return nil, err
			}
		}
		payload["from_site"] = w.SiteID
		countTaken(ctx, *w.SiteID, w.UpdatedAt, -1) // the site gives the order back
		if err := s.update(ctx, q, w, set, in.Action+"ed", from, next, actor, now, nil, nil, payload); err != nil {
			return nil, err
		}
		w.State, w.SiteID, w.TechnicianID = core.StateCreated, nil, nil
		return s.finish(ctx, id, s.dispatch(ctx, q, w, in.SiteID, in.Reason, actor, nil))
	case core.ActionAssign:
		return s.finish(ctx, id, s.assign(ctx, q, w, *in.TechnicianID, in.Reason, actor))
	case core.ActionAccept:
		if w.TechnicianID == nil { // grabbed from the site's pool
			if err := s.addWorkload(ctx, q, *in.TechnicianID, 1); err != nil {
				return nil, err
			}
			set["technician_id"] = *in.TechnicianID
		}
		set["responded_at"] = now
	case core.ActionDecline:
		if err := s.release(ctx, q, w); err != nil {
			return nil, err
		}
		set["technician_id"] = nil
		payload["technician_id"] = w.TechnicianID
	case core.ActionArrive:
		set["arrived_at"] = now
		if w.TechnicianID != nil {
			if _, err := q.Exec(ctx, `UPDATE technicians SET lat = $2, lon = $3, location_at = $4 WHERE id = $1`,
				*w.TechnicianID, *in.Lat, *in.Lon, now); err != nil {
				return nil, err
			}
		}
	case core.ActionComplete:
		rec, err := json.Marshal(in.Record)
		if err != nil {
			return nil, err
		}
		set["service_record"], set["completed_at"] = rec, now
		if err := s.release(ctx, q, w); err != nil {
			return nil, err
		}
		payload["parts"] = len(in.Record.Parts)
	case core.ActionClose:
		set["closed_at"] = now
	case core.ActionCancel:
		if err := s.release(ctx, q, w); err != nil {
			return nil, err
		}
	}
	set["state"] = next
	if err := s.update(ctx, q, w, set, eventType(in.Action), from, next, actor, now, in.Lat, in.Lon, payload); err != nil {
		return nil, err
	}
	return s.FindWorkOrderByID(ctx, id)
}

func eventType(action string) string {
	switch action {
	case core.ActionStartTravel:
		return "en_route"
	case core.ActionArrive:
		return "arrived"
	case core.ActionWaitParts:
		return "waiting_parts"
	case core.ActionResume:
		return "resumed"
	case core.ActionTakeToWorkshop:
		return "taken_to_workshop"
	case core.ActionAccept:
		return "accepted"
	case core.ActionDecline:
		return "declined"
	case core.ActionComplete:
		return "completed"
	case core.ActionConfirm:
		return "confirmed"
	case core.ActionClose:
		return "closed"
	case core.ActionCancel:
		return "cancelled"
	}
	return action
}

func (s *Store) finish(ctx context.Context, id uuid.UUID, err error) (*core.WorkOrder, error) {
	if err != nil {
		return nil, err
	}
	return s.FindWorkOrderByID(ctx, id)
}

// update writes the columns in set, bumps the version and appends the event.
func (s *Store) update(ctx context.Context, q querier, w *core.WorkOrder, set map[string]any, event, from, to, actor string,
	now time.Time, lat, lon *float64, payload map[string]any, extra ...stmt) error {
	markOutbox(ctx)
	b := &pgx.Batch{}
	if err := queueUpdate(b, w, set, event, from, to, actor, now, lat, lon, payload, extra...); err != nil {
		return err
	}
	return translate(q.SendBatch(ctx, b).Close(), "work order")
}

// queueUpdate adds an update of w, its extra statements and its event to b.
func queueUpdate(b *pgx.Batch, w *core.WorkOrder, set map[string]any, event, from, to, actor string,
	now time.Time, lat, lon *float64, payload map[string]any, extra ...stmt) error {
	sql := `UPDATE work_orders SET version = version + 1, updated_at = $2`
	args := []any{w.ID, now}
	for _, col := range []string{"state", "site_id", "technician_id", "responded_at", "arrived_at", "completed_at", "closed_at", "service_record"} {
		if v, ok := set[col]; ok {
			args = append(args, v)
			sql += ", " + col + " = $" + strconv.Itoa(len(args))
		}
	}
	b.Queue(sql+` WHERE id = $1`, args...)
	for _, x := range extra {
		b.Queue(x.sql, x.args...)
	}
	return queueEvent(b, w.ID, event, from, to, actor, now, lat, lon, payload)
}

// stmt is a statement sent along with an update, in the same round trip.
type stmt struct {
	sql  string
	args []any
}

// assign names the technician of the order's site.
func (s *Store) assign(ctx context.Context, q querier, w *core.WorkOrder, tech uuid.UUID, reason, actor string) error {
	var site uuid.UUID
	var status string
	err := q.QueryRow(ctx, `SELECT site_id, status FROM technicians WHERE id = $1`, tech).Scan(&site, &status)
	if core.ErrorCode(translate(err, "")) == core.ENOTFOUND {
		return core.FieldError("technician_id", "no such technician")
	} else if err != nil {
		return err
	}
	if w.SiteID == nil || site != *w.SiteID {
		return core.FieldError("technician_id", "the technician does not belong to the order's site")
	}
	if status == "off" {
		return core.FieldError("technician_id", "the technician is off duty")
	}
	return s.assignKnown(ctx, q, w, tech, reason, actor)
}

// assignKnown assigns a technician already checked to belong to the site.
func (s *Store) assignKnown(ctx context.Context, q querier, w *core.WorkOrder, tech uuid.UUID, reason, actor string) error {
	markOutbox(ctx)
	b := &pgx.Batch{}
	if err := s.queueAssign(b, w, tech, reason, actor); err != nil {
		return err
	}
	return translate(q.SendBatch(ctx, b).Close(), "work order")
}

// queueAssign adds the assignment of tech to b and applies it to w.
func (s *Store) queueAssign(b *pgx.Batch, w *core.WorkOrder, tech uuid.UUID, reason, actor string) error {
	extra := []stmt{{workloadSQL, []any{tech, 1}}}
	if w.TechnicianID != nil {
		extra = append(extra, stmt{workloadSQL, []any{*w.TechnicianID, -1}})
	}
	from := w.State
	payload := map[string]any{"technician_id": tech, "previous": w.TechnicianID}
	if reason != "" {
		payload["reason"] = reason
	}
	if err := queueUpdate(b, w, map[string]any{"state": core.StateAssigned, "technician_id": tech}, "assigned",
		from, core.StateAssigned, actor, s.now(), nil, nil, payload, extra...); err != nil {
		return err
	}
	w.State, w.TechnicianID = core.StateAssigned, &tech
	return nil
}

// release takes the order off its technician's workload.
func (s *Store) release(ctx context.Context, q querier, w *core.WorkOrder) error {
	if w.TechnicianID == nil {
		return nil
	}
	return s.addWorkload(ctx, q, *w.TechnicianID, -1)
}

const workloadSQL = `UPDATE technicians SET open_workload = GREATEST(open_workload + $2, 0) WHERE id = $1`

func (s *Store) addWorkload(ctx context.Context, q querier, tech uuid.UUID, d int) error {
	_, err := q.Exec(ctx, workloadSQL, tech, d)
	return err
}
