package coretest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	callog "github.com/aftersales/aftersales/core/call"
)

// CallEnv is what the call log's scenarios run on: two tenants; in
// Tenant, agents with extensions "8001" and "8002", and a customer with
// phone CustomerPhone and an address in Region.
type CallEnv struct {
	Units         core.UnitsOfWork
	Store         callog.Store
	Clock         *Clock
	Tenant, Other uuid.UUID
	Agents        [2]uuid.UUID
	Customer      uuid.UUID
	Region        uuid.UUID
}

// CustomerPhone is the call scenarios' customer's number as callers give
// it.
const CustomerPhone = "13800138000"

// NewMemoryCallEnv seeds the fake with a CallEnv.
func NewMemoryCallEnv() CallEnv {
	f := NewCalls()
	e := CallEnv{Units: f, Store: f, Clock: &Clock{}, Tenant: uuid.New(), Other: uuid.New(),
		Agents: [2]uuid.UUID{uuid.New(), uuid.New()}, Customer: uuid.New(), Region: uuid.New()}
	f.AddTenant(e.Tenant)
	f.AddTenant(e.Other)
	phone, _ := core.NormalizePhone(CustomerPhone, core.DefaultPhoneCountry)
	f.Write(func(s CallState) CallState {
		t := s[e.Tenant]
		t.Extensions["8001"], t.Extensions["8002"] = e.Agents[0], e.Agents[1]
		t.Phones[phone] = e.Customer
		t.Regions[e.Customer] = []uuid.UUID{e.Region}
		return s
	})
	return e
}

// CallScenario is one scenario of the call log.
type CallScenario struct {
	Name string
	Run  func(t *testing.T, e CallEnv)
}

type callBundle struct {
	CallEnv
	t *testing.T
	s *callog.Service
}

func (e CallEnv) setup(t *testing.T) *callBundle {
	return &callBundle{CallEnv: e, t: t, s: callog.NewService(callog.Config{Store: e.Store, Clock: e.Clock})}
}

func (b *callBundle) record(tenant uuid.UUID, events ...core.CallEvent) {
	b.t.Helper()
	must(b.t, core.InUnitOfWork(context.Background(), b.Units, tenant, func(u core.UnitOfWork) error {
		return b.s.RecordCallEvents(context.Background(), u, events)
	}))
}

func (b *callBundle) list(tenant uuid.UUID, v core.Viewer, self *uuid.UUID, f callog.Filter) ([]*callog.Call, string) {
	b.t.Helper()
	var out []*callog.Call
	var next string
	must(b.t, core.InUnitOfWork(context.Background(), b.Units, tenant, func(u core.UnitOfWork) (err error) {
		out, next, err = b.s.FindCalls(context.Background(), u, v, self, f)
		return err
	}))
	return out, next
}

// inboundCall is the events of an answered inbound call of the customer
// at extension 8001, starting at t0.
func inboundCall(id string, t0 time.Time) []core.CallEvent {
	return []core.CallEvent{
		{Type: core.CallQueued, CallID: id, Caller: CustomerPhone, Called: "4008", Queue: "repair", At: t0},
		{Type: core.CallRinging, CallID: id, Caller: CustomerPhone, Called: "4008", AgentExtension: "8001", At: t0.Add(10 * time.Second)},
		{Type: core.CallAnswered, CallID: id, Caller: CustomerPhone, Called: "4008", AgentExtension: "8001", At: t0.Add(15 * time.Second)},
		{Type: core.CallEnded, CallID: id, Caller: CustomerPhone, Called: "4008", RecordingURL: "https://pbx.example/rec/" + id,
			At: t0.Add(135 * time.Second)},
	}
}

// CallScenarios are the call log's scenarios.
func CallScenarios() []CallScenario {
	return []CallScenario{
		{"an inbound call is logged with its agent, customer, times and outcome", func(t *testing.T, e CallEnv) {
			b := e.setup(t)
			t0 := b.Clock.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			b.record(b.Tenant, inboundCall("c1", t0)...)
			got, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{})
			expect(t, len(got) == 1, "one call, got %d", len(got))
			c := got[0]
			expect(t, c.PBXCallID == "c1" && c.Direction == callog.Inbound && c.Queue == "repair", "call %+v", c)
			expect(t, c.AgentUserID != nil && *c.AgentUserID == b.Agents[0] && c.AgentExtension == "8001", "agent %+v", c)
			expect(t, c.CustomerID != nil && *c.CustomerID == b.Customer, "customer %v", c.CustomerID)
			expect(t, c.OfferedAt.Equal(t0) && c.AnsweredAt != nil && c.EndedAt != nil, "times %+v", c)
			expect(t, c.Outcome == callog.OutcomeAnswered && c.DurationSeconds == 120, "outcome %s %d", c.Outcome, c.DurationSeconds)
			expect(t, c.RecordingURL == "https://pbx.example/rec/c1", "recording %q", c.RecordingURL)
		}},
		{"replayed and reordered events give the same call, never two", func(t *testing.T, e CallEnv) {
			b := e.setup(t)
			t0 := b.Clock.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			ev := inboundCall("c2", t0)
			b.record(b.Tenant, ev[3], ev[1])
			b.record(b.Tenant, ev[2], ev[0], ev[3], ev[1])
			b.record(b.Tenant, ev...)
			got, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{})
			expect(t, len(got) == 1, "one call, got %d", len(got))
			c := got[0]
			expect(t, c.OfferedAt.Equal(t0) && c.Outcome == callog.OutcomeAnswered && c.DurationSeconds == 120 && c.Queue == "repair",
				"call %+v", c)
		}},
		{"unanswered calls are missed at an agent, abandoned in a queue", func(t *testing.T, e CallEnv) {
			b := e.setup(t)
			t0 := b.Clock.Now().Add(-time.Hour)
			b.record(b.Tenant,
				core.CallEvent{Type: core.CallRinging, CallID: "m", Caller: "13900139000", AgentExtension: "8002", At: t0},
				core.CallEvent{Type: core.CallEnded, CallID: "m", At: t0.Add(20 * time.Second)},
				core.CallEvent{Type: core.CallQueued, CallID: "a", Caller: "13900139001", Queue: "install", At: t0.Add(time.Minute)},
				core.CallEvent{Type: core.CallEnded, CallID: "a", At: t0.Add(2 * time.Minute)})
			missed, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{Outcome: callog.OutcomeMissed})
			expect(t, len(missed) == 1 && missed[0].PBXCallID == "m" && missed[0].CustomerID == nil, "missed %v", missed)
			ab, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{Outcome: callog.OutcomeAbandoned})
			expect(t, len(ab) == 1 && ab[0].PBXCallID == "a" && ab[0].AgentUserID == nil, "abandoned %v", ab)
		}},
		{"an order created during the call is linked to it, once", func(t *testing.T, e CallEnv) {
			b := e.setup(t)
			t0 := b.Clock.Now().Add(-time.Minute)
			ev := inboundCall("c3", t0)
			b.record(b.Tenant, ev[0], ev[1], ev[2])
			order := uuid.New()
			for range 2 {
				must(t, core.InUnitOfWork(context.Background(), b.Units, b.Tenant, func(u core.UnitOfWork) error {
					id, err := b.s.LinkActiveCall(context.Background(), u, b.Agents[0], callog.LinkWorkOrder, order, nil)
					expect(t, err != nil || id != nil, "no active call found")
					return err
				}))
			}
			got, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{WorkOrder: &order})
			expect(t, len(got) == 1 && len(got[0].Links) == 1 && got[0].Links[0].Ref == order, "linked %v", got)
			// The other agent has no call: nothing linked.
			must(t, core.InUnitOfWork(context.Background(), b.Units, b.Tenant, func(u core.UnitOfWork) error {
				id, err := b.s.LinkActiveCall(context.Background(), u, b.Agents[1], callog.LinkWorkOrder, uuid.New(), nil)
				expect(t, id == nil, "agent 2 has no call, got %v", id)
				return err
			}))
			err := core.InUnitOfWork(context.Background(), b.Units, b.Tenant, func(u core.UnitOfWork) error {
				return b.s.Link(context.Background(), u, got[0].ID, "invoice", uuid.New(), nil)
			})
			expect(t, core.ErrorCode(err) == core.EINVALID, "unknown kind: %v", err)
		}},
		{"search by number, agent, period and outcome pages newest first", func(t *testing.T, e CallEnv) {
			b := e.setup(t)
			t0 := b.Clock.Now().Add(-10 * time.Hour)
			for i, id := range []string{"p1", "p2", "p3", "p4", "p5"} {
				b.record(b.Tenant, inboundCall(id, t0.Add(time.Duration(i)*time.Hour))...)
			}
			b.record(b.Tenant, core.CallEvent{Type: core.CallRinging, CallID: "x", Caller: "02166668888", AgentExtension: "8002", At: t0})
			page, next := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{Agent: &b.Agents[0], Limit: 2})
			expect(t, len(page) == 2 && page[0].PBXCallID == "p5" && page[1].PBXCallID == "p4" && next != "", "page 1 %v", page)
			page, next = b.list(b.Tenant, core.TenantWide, nil, callog.Filter{Agent: &b.Agents[0], Limit: 2, After: next})
			expect(t, len(page) == 2 && page[0].PBXCallID == "p3", "page 2 %v", page)
			page, next = b.list(b.Tenant, core.TenantWide, nil, callog.Filter{Agent: &b.Agents[0], Limit: 2, After: next})
			expect(t, len(page) == 1 && page[0].PBXCallID == "p1" && next == "", "page 3 %v %q", page, next)
			byNum, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{Number: "6666-8888"})
			expect(t, len(byNum) == 1 && byNum[0].PBXCallID == "x", "by number %v", byNum)
			from, to := t0.Add(90*time.Minute), t0.Add(3*time.Hour+time.Second)
			period, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{From: &from, To: &to})
			expect(t, len(period) == 2 && period[0].PBXCallID == "p4" && period[1].PBXCallID == "p3", "period %v", period)
			ringing, _ := b.list(b.Tenant, core.TenantWide, nil, callog.Filter{Outcome: callog.OutcomeRinging})
			expect(t, len(ringing) == 1 && ringing[0].PBXCallID == "x", "ringing %v", ringing)
			err := core.InUnitOfWork(context.Background(), b.Units, b.Tenant, func(u core.UnitOfWork) error {
				_, _, err := b.s.FindCalls(context.Background(), u, core.TenantWide, nil, callog.Filter{Number: "1a"})
				return err
			})
			expect(t, core.ErrorCode(err) == core.EINVALID, "short number: %v", err)
		}},
		{"agent states follow the calls and what agents set; the board counts waiting calls per queue", func(t *testing.T, e CallEnv) {
			b := e.setup(t)
			ctx := context.Background()
			state := func() *callog.AgentState {
				var st *callog.AgentState
				must(t, core.InUnitOfWork(ctx, b.Units, b.Tenant, func(u core.UnitOfWork) (err error) {
					st, err = b.s.FindAgentState(ctx, u, b.Agents[0])
					return err
				}))
				return st
			}
			set := func(s string) error {
				return core.InUnitOfWork(ctx, b.Units, b.Tenant, func(u core.UnitOfWork) error {
					_, err := b.s.SetAgentState(ctx, u, b.Agents[0], s)
					return err
				})
			}
			expect(t, state().State == callog.StateOffline, "never set: %+v", state())
			must(t, set(callog.StateAvailable))
			expect(t, core.ErrorCode(set(callog.StateOnCall)) == core.EINVALID, "on_call is not the agent's to set")
			expect(t, state().State == callog.StateAvailable, "available: %+v", state())
			t0 := b.Clock.Now().Add(time.Second)
			ev := inboundCall("st", t0)
			b.record(b.Tenant, ev[0], ev[1], ev[2])
			expect(t, state().State == callog.StateOnCall, "answered: %+v", state())
			b.record(b.Tenant, ev[3], ev[2])
			expect(t, state().State == callog.StateAfterCallWork, "ended, replay ignored: %+v", state())
			b.record(b.Tenant,
				core.CallEvent{Type: core.CallQueued, CallID: "w1", Caller: "13900139011", Queue: "repair", At: t0},
				core.CallEvent{Type: core.CallQueued, CallID: "w2", Caller: "13900139012", Queue: "repair", At: t0.Add(time.Second)},
				core.CallEvent{Type: core.CallQueued, CallID: "w3", Caller: "13900139013", Queue: "install", At: t0},
				core.CallEvent{Type: core.CallRinging, CallID: "w3", Caller: "13900139013", AgentExtension: "8002", At: t0.Add(time.Second)})
			var board *callog.Board
			must(t, core.InUnitOfWork(ctx, b.Units, b.Tenant, func(u core.UnitOfWork) (err error) {
				board, err = b.s.FindBoard(ctx, u)
				return err
			}))
			expect(t, len(board.Queues) == 1 && board.Queues[0].Queue == "repair" && board.Queues[0].Waiting == 2 &&
				board.Queues[0].Oldest.Equal(t0.UTC().Truncate(time.Microsecond)), "queues %+v", board.Queues)
			expect(t, len(board.Agents) == 2 && board.Agents[0].Extension == "8001" && board.Agents[0].State == callog.StateAfterCallWork &&
				board.Agents[1].State == callog.StateOffline, "agents %+v", board.Agents)
		}},
		{"a scoped viewer sees calls of customers in scope and their own; another tenant none", func(t *testing.T, e CallEnv) {
			b := e.setup(t)
			t0 := b.Clock.Now().Add(-time.Hour)
			b.record(b.Tenant, inboundCall("s1", t0)...)
			b.record(b.Tenant, core.CallEvent{Type: core.CallRinging, CallID: "s2", Caller: "13900139002", AgentExtension: "8002", At: t0})
			b.record(b.Tenant, core.CallEvent{Type: core.CallRinging, CallID: "s3", Caller: "13900139003", AgentExtension: "8001", At: t0})
			inRegion := core.Viewer{Scope: core.Scope{Regions: []uuid.UUID{b.Region}}}
			got, _ := b.list(b.Tenant, inRegion, &b.Agents[1], callog.Filter{})
			ids := map[string]bool{}
			for _, c := range got {
				ids[c.PBXCallID] = true
			}
			expect(t, len(got) == 2 && ids["s1"] && ids["s2"], "scoped sees %v", ids)
			nobody := core.Viewer{Scope: core.Scope{Regions: []uuid.UUID{uuid.New()}}}
			got, _ = b.list(b.Tenant, nobody, nil, callog.Filter{})
			expect(t, len(got) == 0, "out of scope sees %d", len(got))
			got, _ = b.list(b.Other, core.TenantWide, nil, callog.Filter{})
			expect(t, len(got) == 0, "other tenant sees %d", len(got))
		}},
	}
}

// expect fails the scenario with the message unless ok.
func expect(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
