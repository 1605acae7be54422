package workorder

import (
	"encoding/json"

	"github.com/aftersales/aftersales/core"
)

// outboxTypes are the events that have side effects, and the outbox
// message each one writes next to the event (with the event's payload).
var outboxTypes = map[string]string{
	"created":    core.OutboxWorkOrderCreated,
	"dispatched": core.OutboxWorkOrderDispatched,
	"assigned":   core.OutboxWorkOrderAssigned,
	"accepted":   core.OutboxWorkOrderAccepted,
	"completed":  core.OutboxWorkOrderCompleted,
}

// record appends e to the order's timeline and writes the outbox message
// its type has, if any, in the same unit.
func (s *Service) record(u core.UnitOfWork, repo Repository, e Event) {
	repo.AppendEvent(e)
	if t, ok := outboxTypes[e.Type]; ok {
		s.store.Outbox(u).Add(e.WorkOrderID, t, payloadJSON(e.Payload))
	}
}

// payloadJSON encodes a payload of plain values (strings, numbers,
// UUIDs, times and pointers to them), which cannot fail.
func payloadJSON(p map[string]any) json.RawMessage {
	raw, err := json.Marshal(p)
	if err != nil {
		panic("workorder: unencodable payload: " + err.Error())
	}
	return raw
}

// eventType is the timeline event of an action.
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
