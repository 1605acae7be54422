package core

import "github.com/google/uuid"

// technicianActions are made by the order's technician, on their phone.
var technicianActions = map[string]bool{ActionAccept: true, ActionDecline: true, ActionStartTravel: true, ActionArrive: true,
	ActionWaitParts: true, ActionResume: true, ActionTakeToWorkshop: true, ActionComplete: true}

// dispatchActions need the dispatch permission (dispatchers, site staff).
var dispatchActions = map[string]bool{ActionDispatch: true, ActionReassign: true, ActionAssign: true, ActionReject: true}

// IsTechnicianAction reports whether only a technician makes the action.
func IsTechnicianAction(action string) bool { return technicianActions[action] }

// IsDispatchAction reports whether the action needs the dispatch
// permission rather than the update one.
func IsDispatchAction(action string) bool { return dispatchActions[action] }

// ActionCaller is who asks which actions they may take on an order: what
// their permissions allow on the order's site, and their technician
// record when they are a technician.
type ActionCaller struct {
	Technician  *uuid.UUID
	MayUpdate   bool // work_orders:update on the order
	MayDispatch bool // work_orders:dispatch on the order
}

// AllowedActions lists, in the state machine's order, the actions c may
// take on w in its current state: a technician only the technician
// actions of their own order (or accepting an order of the site that
// names no technician yet), anyone else the other actions their
// permissions allow. Reassigning, rejecting and assigning need a site.
// The server checks each action again when it is made (what it carries,
// the version).
func AllowedActions(w *WorkOrder, c ActionCaller) []string {
	out := []string{}
	for _, a := range WorkOrderActions() {
		if _, ok := transitions[a][w.State]; !ok {
			continue
		}
		switch {
		case technicianActions[a]:
			if c.Technician == nil || !c.MayUpdate {
				continue
			}
			mine := w.TechnicianID != nil && *w.TechnicianID == *c.Technician
			if !mine && (a != ActionAccept || w.TechnicianID != nil) {
				continue
			}
		case c.Technician != nil:
			continue
		case dispatchActions[a]:
			if !c.MayDispatch || (a != ActionDispatch && w.SiteID == nil) {
				continue
			}
		case !c.MayUpdate:
			continue
		}
		out = append(out, a)
	}
	return out
}
