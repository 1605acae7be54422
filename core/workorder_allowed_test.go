package core_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestAllowedActions(t *testing.T) {
	t.Parallel()
	site, mine, other := uuid.New(), uuid.New(), uuid.New()
	order := func(state string, tech *uuid.UUID, site *uuid.UUID) *core.WorkOrder {
		return &core.WorkOrder{State: state, TechnicianID: tech, SiteID: site}
	}
	dispatcher := core.ActionCaller{MayUpdate: true, MayDispatch: true}
	agent := core.ActionCaller{MayUpdate: true}
	tech := core.ActionCaller{MayUpdate: true, Technician: &mine}
	for _, c := range []struct {
		name   string
		order  *core.WorkOrder
		caller core.ActionCaller
		want   []string
	}{
		{"a queued order: the dispatcher dispatches, closes or cancels", order(core.StateCreated, nil, nil), dispatcher,
			[]string{"dispatch", "close", "cancel"}},
		{"an agent cannot dispatch it", order(core.StateCreated, nil, nil), agent, []string{"close", "cancel"}},
		{"a reader does nothing", order(core.StateCreated, nil, nil), core.ActionCaller{}, []string{}},
		{"a dispatched order: reassign, assign, reject need its site", order(core.StateDispatched, nil, &site), dispatcher,
			[]string{"reassign", "assign", "reject", "cancel"}},
		{"a technician of the site grabs an order naming nobody", order(core.StateDispatched, nil, &site), tech, []string{"accept"}},
		{"not one naming another technician", order(core.StateAssigned, &other, &site), tech, []string{}},
		{"their own: accept or decline", order(core.StateAssigned, &mine, &site), tech, []string{"accept", "decline"}},
		{"on site: the technician's steps only", order(core.StateOnSite, &mine, &site), tech,
			[]string{"wait_parts", "take_to_workshop", "complete"}},
		{"a technician without update permission: nothing", order(core.StateOnSite, &mine, &site), core.ActionCaller{Technician: &mine}, []string{}},
		{"completed: the site confirms", order(core.StateCompleted, &mine, &site), dispatcher, []string{"confirm"}},
		{"closed: nothing", order(core.StateClosed, &mine, &site), dispatcher, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, core.AllowedActions(c.order, c.caller)) })
	}
	// Every action offered is one the state machine takes from the state.
	for _, st := range core.States() {
		for _, a := range core.AllowedActions(order(st, &mine, &site), dispatcher) {
			_, err := core.NextState(st, a)
			require.NoError(t, err, "%s from %s", a, st)
		}
	}
}
