package coretest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/dispatch"
	"github.com/aftersales/aftersales/core/workorder"
)

// Net is a tenant with one service site (auto-assigning, 30 km around a
// point near Lat, Lon, product line AC), its technician, and a customer
// with a unit (serial SN-0001, in warranty): the network pgtest.Network
// builds in PostgreSQL.
type Net struct {
	Tenant, Region, Site, Technician, Customer, Unit uuid.UUID
	Lat, Lon                                         float64
}

// The names of Net's site and technician, as pgtest.Network names them.
const (
	NetSiteName       = "深圳南山服务站"
	NetTechnicianName = "张伟"
)

// NewOrder is a repair of the network's customer's unit at its address.
func (n *Net) NewOrder() core.NewWorkOrder {
	lat, lon := n.Lat, n.Lon
	return core.NewWorkOrder{Type: "repair", Channel: "phone", CustomerID: n.Customer, UnitID: &n.Unit,
		Description: "空调不制冷", Address: "深圳市南山区科技园", Lat: &lat, Lon: &lon}
}

// WorkOrderEnv is what the work-order scenarios run on: a store with Net
// in it, and ways to read what was committed.
type WorkOrderEnv struct {
	Units core.UnitsOfWork
	Store workorder.Store
	Net   Net
	Clock *Clock
	// OutboxTypes lists the committed outbox messages of an order, in order.
	OutboxTypes func(order uuid.UUID) []string
	// Assignments reads the committed work_order.assigned messages of an
	// order, in order.
	Assignments func(order uuid.UUID) []core.AssignedPayload
	// Workload is a technician's committed open workload.
	Workload func(tech uuid.UUID) int
}

// NewMemoryWorkOrderEnv seeds the fake with Net.
func NewMemoryWorkOrderEnv() WorkOrderEnv {
	f := NewWorkOrders()
	n := Net{Tenant: uuid.New(), Region: uuid.New(), Site: uuid.New(), Technician: uuid.New(), Customer: uuid.New(),
		Unit: uuid.New(), Lat: 22.5431, Lon: 114.0579}
	clock := &Clock{}
	f.Write(func(ts Tenants) Tenants {
		t := NewTenant("Asia/Shanghai")
		t.Customers[n.Customer] = true
		t.Units[n.Unit] = ProductUnit{Customer: n.Customer, Serial: "SN-0001", ProductLine: "AC",
			WarrantyExpires: clock.Now().AddDate(0, 36, -100).Format(time.DateOnly)}
		t.ServiceTypes["repair"] = ServiceType{Field: true, Respond: 120, Arrive: 1440, Complete: 4320}
		for _, k := range []string{"installation", "maintenance"} {
			t.ServiceTypes[k] = ServiceType{Field: true}
		}
		for _, k := range []string{"consultation", "complaint", "suggestion", "price_inquiry", "parts_inquiry", "purchase_lead"} {
			t.ServiceTypes[k] = ServiceType{}
		}
		t.Sites[n.Site] = Site{RegionID: n.Region, Site: dispatch.Site{ID: n.Site, Name: NetSiteName, Kind: dispatch.KindServiceStation,
			Status: dispatch.SiteActive, Location: dispatch.Point{Lat: n.Lat + 0.01, Lon: n.Lon + 0.01}, Area: dispatch.Area{RadiusKm: 30},
			AuthorizedLines: []string{"AC"}, Skills: []string{}, DailyCapacity: 100000000, Reputation: 80, AutoAssign: true}}
		t.Technicians[n.Technician] = dispatch.Technician{ID: n.Technician, Name: NetTechnicianName, SiteID: n.Site, Skills: []string{},
			Status: dispatch.TechAvailable, Location: dispatch.Point{Lat: n.Lat, Lon: n.Lon}, LocationAt: clock.Now()}
		ts[n.Tenant] = t
		return ts
	})
	return WorkOrderEnv{Units: f, Store: f, Net: n, Clock: clock,
		OutboxTypes: func(order uuid.UUID) (types []string) {
			f.Read(func(ts Tenants) {
				for _, m := range ts[n.Tenant].Outbox {
					if m.AggregateID == order {
						types = append(types, m.Type)
					}
				}
			})
			return types
		},
		Assignments: func(order uuid.UUID) (out []core.AssignedPayload) {
			f.Read(func(ts Tenants) {
				for _, m := range ts[n.Tenant].Outbox {
					if m.AggregateID == order && m.Type == core.OutboxWorkOrderAssigned {
						out = append(out, DecodeAssigned(m.Payload))
					}
				}
			})
			return out
		},
		Workload: func(tech uuid.UUID) (w int) {
			f.Read(func(ts Tenants) { w = ts[n.Tenant].Technicians[tech].OpenWorkload })
			return w
		}}
}

// DecodeAssigned reads an assignment message's payload (zero when it is
// not one).
func DecodeAssigned(raw json.RawMessage) (p core.AssignedPayload) {
	_ = json.Unmarshal(raw, &p)
	return p
}

// Scenario is a named use-case test.
type Scenario struct {
	Name string
	Run  func(t *testing.T, e WorkOrderEnv)
}

// service returns the use cases on e.
func (e WorkOrderEnv) service() *workorder.Service {
	return workorder.NewService(workorder.Config{Store: e.Store, Units: e.Units, Clock: e.Clock})
}

// do runs fn in a committed unit of the network's tenant.
func (e WorkOrderEnv) do(t *testing.T, fn func(u core.UnitOfWork) error) error {
	t.Helper()
	return core.InUnitOfWork(context.Background(), e.Units, e.Net.Tenant, fn)
}

// intake takes in the network's standard order.
func (e WorkOrderEnv) intake(t *testing.T, s *workorder.Service) *core.WorkOrder {
	t.Helper()
	var w *core.WorkOrder
	must(t, e.do(t, func(u core.UnitOfWork) (err error) {
		w, err = s.Intake(context.Background(), u, e.Net.NewOrder(), "agent")
		return err
	}))
	return w
}

func (e WorkOrderEnv) act(t *testing.T, s *workorder.Service, id uuid.UUID, in core.ActionInput) (*core.WorkOrder, error) {
	t.Helper()
	var w *core.WorkOrder
	err := e.do(t, func(u core.UnitOfWork) (err error) {
		w, err = s.Act(context.Background(), u, id, in, "tester")
		return err
	})
	return w, err
}

func (e WorkOrderEnv) find(t *testing.T, s *workorder.Service, id uuid.UUID) (*core.WorkOrder, error) {
	t.Helper()
	var w *core.WorkOrder
	err := e.do(t, func(u core.UnitOfWork) (err error) {
		w, err = s.FindWorkOrderByID(context.Background(), u, id)
		return err
	})
	return w, err
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if core.ErrorCode(err) != code {
		t.Fatalf("want a %s error, got %v", code, err)
	}
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// WorkOrderScenarios are the work-order use cases' scenarios; core's
// tests run them on the fake, core/postgres's on PostgreSQL.
func WorkOrderScenarios() []Scenario {
	return append(decisionScenarios(), []Scenario{
		{"intake dispatches to the covering site and auto-assigns its technician", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			equal(t, "state", w.State, core.StateAssigned)
			equal(t, "site", *w.SiteID, e.Net.Site)
			equal(t, "region", *w.RegionID, e.Net.Region)
			equal(t, "technician", *w.TechnicianID, e.Net.Technician)
			equal(t, "in warranty", *w.InWarranty, true)
			equal(t, "version", w.Version, 3)
			equal(t, "sla status", w.SLAStatus, "on_track")
			if w.RespondBy == nil || w.ArriveBy == nil || w.CompleteBy == nil || len(w.Number) != len("WO-2612-000001") {
				t.Fatalf("deadlines and number: %+v", w)
			}
			equal(t, "outbox", slices.Equal(e.OutboxTypes(w.ID), []string{core.OutboxWorkOrderCreated,
				core.OutboxWorkOrderDispatched, core.OutboxWorkOrderAssigned}), true)
			equal(t, "workload", e.Workload(e.Net.Technician), 1)
		}},
		{"assigning the technician who holds the order again changes nothing", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			tech := e.Net.Technician
			again, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionAssign, TechnicianID: &tech, Reason: "again"})
			must(t, err)
			equal(t, "version", again.Version, w.Version)
			equal(t, "assignments", len(e.Assignments(w.ID)), 1)
			equal(t, "workload", e.Workload(tech), 1)
		}},
		{"a reassignment that lands on the same technician says nothing changed for them", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			site := e.Net.Site
			w, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionReassign, SiteID: &site, Reason: "客户要求改约"})
			must(t, err)
			equal(t, "technician", *w.TechnicianID, e.Net.Technician)
			got := e.Assignments(w.ID)
			equal(t, "assignments", len(got), 2)
			equal(t, "first is news", got[0].Unchanged(), false)
			equal(t, "second is not", got[1].Unchanged(), true)
			equal(t, "workload", e.Workload(e.Net.Technician), 1)
		}},
		{"an order without a geo point or an address waits in the queue with the reason", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			n := e.Net.NewOrder()
			n.Lat, n.Lon, n.Address = nil, nil, ""
			var w *core.WorkOrder
			must(t, e.do(t, func(u core.UnitOfWork) (err error) {
				w, err = s.Intake(context.Background(), u, n, "agent")
				return err
			}))
			equal(t, "state", w.State, core.StateCreated)
			equal(t, "queue reason", w.QueueReason, "the address has no geo point; dispatch by hand")
			equal(t, "outbox", slices.Equal(e.OutboxTypes(w.ID), []string{core.OutboxWorkOrderCreated}), true)
		}},
		{"an order with only a text address is dispatched from its district's point, marked approximate", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			n := e.Net.NewOrder()
			n.Lat, n.Lon, n.Address = nil, nil, "深圳福田区深南大道1000号"
			var w *core.WorkOrder
			must(t, e.do(t, func(u core.UnitOfWork) (err error) {
				w, err = s.Intake(context.Background(), u, n, "agent")
				return err
			}))
			equal(t, "state", w.State != core.StateCreated, true)
			equal(t, "site", *w.SiteID, e.Net.Site)
			equal(t, "approximate", w.Decision.LocationApproximate, true)
			equal(t, "division", w.Decision.DivisionCode, "440304")
		}},
		{"an order whose text address names no district waits in the queue with that reason", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			n := e.Net.NewOrder()
			n.Lat, n.Lon, n.Address = nil, nil, "门口的大树旁边"
			var w *core.WorkOrder
			must(t, e.do(t, func(u core.UnitOfWork) (err error) {
				w, err = s.Intake(context.Background(), u, n, "agent")
				return err
			}))
			equal(t, "state", w.State, core.StateCreated)
			equal(t, "queue reason", w.QueueReason, "the address has no geo point and names no district; dispatch by hand")
		}},
		{"intake refuses another customer's unit and writes nothing", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			n := e.Net.NewOrder()
			n.CustomerID = uuid.New()
			err := e.do(t, func(u core.UnitOfWork) error {
				_, err := s.Intake(context.Background(), u, n, "agent")
				return err
			})
			wantCode(t, err, core.EINVALID)
		}},
		{"a rolled-back intake leaves no order and no outbox message", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			ctx := context.Background()
			u := e.Units.Begin(ctx, e.Net.Tenant)
			w, err := s.Intake(ctx, u, e.Net.NewOrder(), "agent")
			must(t, err)
			u.Rollback(ctx)
			_, err = e.find(t, s, w.ID)
			wantCode(t, err, core.ENOTFOUND)
			equal(t, "outbox", len(e.OutboxTypes(w.ID)), 0)
			equal(t, "workload", e.Workload(e.Net.Technician), 0)
		}},
		{"accept then arrive moves the order and the technician", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			tech := e.Net.Technician
			w, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionAccept, TechnicianID: &tech, Version: w.Version})
			must(t, err)
			equal(t, "state", w.State, core.StateAccepted)
			if w.RespondedAt == nil {
				t.Fatal("accepting responds")
			}
			lat, lon := e.Net.Lat+0.001, e.Net.Lon
			w, err = e.act(t, s, w.ID, core.ActionInput{Action: core.ActionArrive, TechnicianID: &tech, Lat: &lat, Lon: &lon})
			must(t, err)
			equal(t, "state", w.State, core.StateOnSite)
			equal(t, "outbox", e.OutboxTypes(w.ID)[3], core.OutboxWorkOrderAccepted)
		}},
		{"a stale version or an illegal action is a conflict that changes nothing", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			_, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionClose, Version: w.Version + 7})
			wantCode(t, err, core.ECONFLICT)
			_, err = e.act(t, s, w.ID, core.ActionInput{Action: core.ActionConfirm})
			wantCode(t, err, core.ECONFLICT)
			again, err := e.find(t, s, w.ID)
			must(t, err)
			equal(t, "version", again.Version, w.Version)
			equal(t, "state", again.State, core.StateAssigned)
		}},
		{"a rejection excludes the site, frees the technician and queues the order", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			_, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionReject})
			wantCode(t, err, core.EINVALID) // a rejection says why
			w, err = e.act(t, s, w.ID, core.ActionInput{Action: core.ActionReject, Reason: "no parts"})
			must(t, err)
			equal(t, "state", w.State, core.StateCreated)
			equal(t, "site", w.SiteID == nil, true)
			equal(t, "queued", w.QueueReason != "", true)
			equal(t, "workload", e.Workload(e.Net.Technician), 0)
			// A dispatcher sends it back to the site by hand, with a reason.
			site := e.Net.Site
			w, err = e.act(t, s, w.ID, core.ActionInput{Action: core.ActionDispatch, SiteID: &site, Reason: "called the site"})
			must(t, err)
			equal(t, "state", w.State, core.StateAssigned)
		}},
		{"a declined order goes back to its site and off the workload", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			w, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionDecline, Reason: "sick"})
			must(t, err)
			equal(t, "state", w.State, core.StateDispatched)
			equal(t, "technician", w.TechnicianID == nil, true)
			equal(t, "workload", e.Workload(e.Net.Technician), 0)
		}},
		{"a second urge within the interval is rate limited", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			urge := func() (*core.Urge, error) {
				var out *core.Urge
				err := e.do(t, func(u core.UnitOfWork) (err error) {
					out, err = s.Urge(context.Background(), u, w.ID, "客户催促", "agent")
					return err
				})
				return out, err
			}
			first, err := urge()
			must(t, err)
			equal(t, "count", first.Count, 1)
			_, err = urge()
			wantCode(t, err, core.ERATELIMIT)
			e.Clock.Advance(time.Duration(core.DefaultUrgeIntervalMinutes)*time.Minute + time.Second)
			second, err := urge()
			must(t, err)
			equal(t, "count", second.Count, 2)
		}},
		{"only the order's technician accepts it, and only a technician of its site is assigned", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			stranger := uuid.New()
			_, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionAccept, TechnicianID: &stranger})
			wantCode(t, err, core.EFORBIDDEN)
			_, err = e.act(t, s, w.ID, core.ActionInput{Action: core.ActionAccept})
			wantCode(t, err, core.EFORBIDDEN)
			_, err = e.act(t, s, w.ID, core.ActionInput{Action: core.ActionAssign, TechnicianID: &stranger})
			wantCode(t, err, core.EINVALID)
			again, err := e.find(t, s, w.ID)
			must(t, err)
			equal(t, "version", again.Version, w.Version)
		}},
		{"an order no site is responsible for cannot be urged", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			n := e.Net.NewOrder()
			n.Lat, n.Lon, n.Address = nil, nil, "" // queued: no coordinate, no district
			var w *core.WorkOrder
			must(t, e.do(t, func(u core.UnitOfWork) (err error) {
				w, err = s.Intake(context.Background(), u, n, "agent")
				return err
			}))
			err := e.do(t, func(u core.UnitOfWork) error {
				_, err := s.Urge(context.Background(), u, w.ID, "", "agent")
				return err
			})
			wantCode(t, err, core.ECONFLICT)
			err = e.do(t, func(u core.UnitOfWork) error {
				_, err := s.Urge(context.Background(), u, uuid.New(), "", "agent")
				return err
			})
			wantCode(t, err, core.ENOTFOUND)
		}},
		{"the timeline tells the order's story in order", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			tech := e.Net.Technician
			_, err := e.act(t, s, w.ID, core.ActionInput{Action: core.ActionAccept, TechnicianID: &tech})
			must(t, err)
			var evs []*core.WorkOrderEvent
			must(t, e.do(t, func(u core.UnitOfWork) (err error) {
				evs, err = s.FindWorkOrderEvents(context.Background(), u, w.ID)
				return err
			}))
			var types []string
			for i, ev := range evs {
				equal(t, "seq", ev.Seq, i+1)
				types = append(types, ev.Type)
			}
			equal(t, "types", slices.Equal(types, []string{"created", "dispatched", "assigned", "accepted"}), true)
			equal(t, "to state", evs[3].ToState, core.StateAccepted)
		}},
		{"lists filter by state, product line and SLA status", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			list := func(f core.WorkOrderFilter) []*core.WorkOrder {
				f.Within.All = true
				var out []*core.WorkOrder
				must(t, e.do(t, func(u core.UnitOfWork) (err error) {
					out, _, err = s.FindWorkOrders(context.Background(), u, f)
					return err
				}))
				return out
			}
			equal(t, "assigned", len(list(core.WorkOrderFilter{State: core.StateAssigned})), 1)
			equal(t, "closed", len(list(core.WorkOrderFilter{State: core.StateClosed})), 0)
			equal(t, "the unit gives a product line", w.ProductLine != "", true)
			equal(t, "its product line", len(list(core.WorkOrderFilter{ProductLine: w.ProductLine})), 1)
			equal(t, "another product line", len(list(core.WorkOrderFilter{ProductLine: w.ProductLine + "X"})), 0)
			equal(t, "breached", len(list(core.WorkOrderFilter{SLAStatus: "breached"})), 0)
			e.Clock.Advance(w.RespondBy.Sub(e.Clock.Now()) - 30*time.Minute)
			equal(t, "at risk", len(list(core.WorkOrderFilter{SLAStatus: "at_risk"})), 1)
			e.Clock.Advance(time.Hour)
			got := list(core.WorkOrderFilter{SLAStatus: "breached"})
			equal(t, "breached later", len(got), 1)
			equal(t, "its status", got[0].SLAStatus, "breached")
		}},
		{"a missed response deadline is flagged once", func(t *testing.T, e WorkOrderEnv) {
			s := e.service()
			w := e.intake(t, s)
			e.Clock.Advance(w.RespondBy.Sub(e.Clock.Now()) + time.Minute)
			ctx := context.Background()
			fired, err := s.FireDueTimers(ctx)
			must(t, err)
			equal(t, "fired", fired, 1)
			fired, err = s.FireDueTimers(ctx)
			must(t, err)
			equal(t, "fired again", fired, 0)
			again, err := e.find(t, s, w.ID)
			must(t, err)
			equal(t, "flags", slices.Equal(again.SLAFlags, []string{core.TimerResponseOverdue}), true)
			equal(t, "status", again.SLAStatus, "breached")
			equal(t, "outbox", slices.Contains(e.OutboxTypes(w.ID), core.OutboxWorkOrderSLABreached), true)
		}},
	}...)
}
