package coretest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
)

// ComplaintEnv is what the complaint scenarios run on: a store with two
// tenants, the clock, Tenant's customer with a unit, a site in a region,
// and ways to add an order and read the outbox.
type ComplaintEnv struct {
	Units                        core.UnitsOfWork
	Store                        complaint.Store
	Clock                        *Clock
	Tenant, Other                uuid.UUID
	Customer, Unit, Site, Region uuid.UUID
	// SeedOrder adds an order of Customer for Unit at Site.
	SeedOrder func() uuid.UUID
	// OutboxTypes lists the types of the aggregate's messages in order.
	OutboxTypes func(aggregate uuid.UUID) []string
}

// NewMemoryComplaintEnv seeds the fake with a ComplaintEnv's tenants.
func NewMemoryComplaintEnv() ComplaintEnv {
	f := NewComplaints()
	e := ComplaintEnv{Units: f, Store: f, Clock: &Clock{}, Tenant: uuid.New(), Other: uuid.New(), Customer: uuid.New(),
		Unit: uuid.New(), Site: uuid.New(), Region: uuid.New()}
	f.Write(func(ts ComplaintTenants) ComplaintTenants {
		t := NewComplaintTenant()
		t.Customers[e.Customer] = true
		t.Units[e.Unit] = e.Customer
		t.Regions[e.Region] = nil
		region := e.Region
		t.Sites[e.Site] = &region
		ts[e.Tenant], ts[e.Other] = t, NewComplaintTenant()
		return ts
	})
	e.SeedOrder = func() uuid.UUID {
		id := uuid.New()
		f.Write(func(ts ComplaintTenants) ComplaintTenants {
			site, unit := e.Site, e.Unit
			ts[e.Tenant].Orders[id] = ComplaintOrder{Customer: e.Customer, Unit: &unit, Site: &site}
			return ts
		})
		return id
	}
	e.OutboxTypes = func(aggregate uuid.UUID) []string {
		var out []string
		f.Read(func(ts ComplaintTenants) {
			for _, m := range ts[e.Tenant].Outbox {
				if m.Aggregate == aggregate {
					out = append(out, m.Type)
				}
			}
		})
		return out
	}
	return e
}

// ComplaintScenario is one scenario of the complaint use cases.
type ComplaintScenario struct {
	Name string
	Run  func(t *testing.T, e ComplaintEnv)
}

type complaintDriver struct {
	t   *testing.T
	e   ComplaintEnv
	svc *complaint.Service
}

func (d complaintDriver) in(tenant uuid.UUID, fn func(u core.UnitOfWork) error) error {
	return core.InUnitOfWork(context.Background(), d.e.Units, tenant, fn)
}

func (d complaintDriver) open(n complaint.NewComplaint) *complaint.Complaint {
	d.t.Helper()
	var c *complaint.Complaint
	cq{d.t}.NoError(d.in(d.e.Tenant, func(u core.UnitOfWork) (err error) {
		c, err = d.svc.Open(context.Background(), u, n, "user:agent")
		return err
	}))
	return c
}

func (d complaintDriver) act(id uuid.UUID, in complaint.ActionInput) (*complaint.Complaint, error) {
	var c *complaint.Complaint
	err := d.in(d.e.Tenant, func(u core.UnitOfWork) (err error) {
		c, err = d.svc.Act(context.Background(), u, id, in, "user:handler")
		return err
	})
	return c, err
}

func (d complaintDriver) get(tenant, id uuid.UUID) (*complaint.Complaint, error) {
	var c *complaint.Complaint
	err := d.in(tenant, func(u core.UnitOfWork) (err error) {
		c, err = d.svc.FindByID(context.Background(), u, id)
		return err
	})
	return c, err
}

func (d complaintDriver) list(tenant uuid.UUID, f complaint.Filter) []uuid.UUID {
	d.t.Helper()
	var out []*complaint.Complaint
	cq{d.t}.NoError(d.in(tenant, func(u core.UnitOfWork) (err error) {
		out, _, err = d.svc.Find(context.Background(), u, f)
		return err
	}))
	ids := []uuid.UUID{}
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	return ids
}

func (d complaintDriver) events(id uuid.UUID) []string {
	d.t.Helper()
	var evs []*complaint.CaseEvent
	cq{d.t}.NoError(d.in(d.e.Tenant, func(u core.UnitOfWork) (err error) {
		evs, err = d.svc.FindEvents(context.Background(), u, id)
		return err
	}))
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	return types
}

func complaintFields(err error) map[string]string {
	var e *core.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ComplaintScenarios are the scenarios every complaint.Store runs: the
// in-memory fake (core/complaint) and PostgreSQL (core/postgres).
func ComplaintScenarios() []ComplaintScenario {
	return []ComplaintScenario{
		{"lifecycle with the order's facts, pauses, transfer and the reopen period", complaintLifecycle},
		{"bad intake names the field and saves nothing", complaintBadIntake},
		{"escalation steps fire once across two workers", complaintEscalatesOnce},
		{"lists filter by state, category subtree, owner and reach", complaintListAndReach},
		{"the customer's SMS answer confirms or rejects a proposed resolution", complaintSMSAnswer},
		{"another tenant neither reads nor changes a case", complaintIsolation},
	}
}

func newDriver(t *testing.T, e ComplaintEnv) complaintDriver {
	return complaintDriver{t: t, e: e, svc: complaint.NewService(complaint.Config{Store: e.Store, Units: e.Units, Clock: e.Clock})}
}

func complaintLifecycle(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	order := e.SeedOrder()
	c := d.open(complaint.NewComplaint{CustomerID: e.Customer, WorkOrderID: &order, Category: "repair_quality", Channel: "phone",
		Description: "师傅修完第二天又坏了"})
	cq{t}.Regexp(`^TS-\d{4}-000001$`, c.Number)
	cq{t}.Equal(complaint.StateOpen, c.State)
	cq{t}.Equal(e.Site, *c.SiteID, "the order's site is the site complained about")
	cq{t}.Equal(e.Unit, *c.UnitID)
	cq{t}.Equal(complaint.Owner{Kind: complaint.OwnerSite, SiteID: &e.Site, RegionID: &e.Region}, c.Owner)
	cq{t}.Equal(complaint.DefaultDays, c.DeadlineDays)
	cq{t}.NotNil(c.NextEscalation)

	_, err := d.act(c.ID, complaint.ActionInput{Action: complaint.ActClose})
	cq{t}.Equal(core.ECONFLICT, core.ErrorCode(err), "an open complaint does not close")
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActAcknowledge, Version: c.Version})
	cq{t}.NoError(err)
	due := *c.DueAt
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActWait, Reason: "等客户提供照片"})
	cq{t}.NoError(err)
	cq{t}.Nil(c.DueAt, "the clock stands while the customer is waited on")
	e.Clock.Advance(26 * time.Hour)
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActResume})
	cq{t}.NoError(err)
	cq{t}.True(c.DueAt.After(due), "waiting moved the deadline later")
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActTransfer, Owner: &complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &e.Region}})
	cq{t}.Contains(complaintFields(err), "reason")
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActTransfer, Reason: "站点无法处理",
		Owner: &complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &e.Region}})
	cq{t}.NoError(err)
	cq{t}.Equal(complaint.OwnerRegion, c.Owner.Kind)
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActPropose})
	cq{t}.Contains(complaintFields(err), "handling.measures")
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActPropose, Handling: &complaint.Handling{Measures: "免费上门重修"}})
	cq{t}.NoError(err)
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActConfirm, Via: "agent"})
	cq{t}.NoError(err)
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActClose})
	cq{t}.NoError(err)
	cq{t}.Equal(complaint.StateClosed, c.State)
	cq{t}.Nil(c.NextEscalation, "a closed case does not escalate")
	cq{t}.Equal([]string{"opened", "acknowledge", "wait", "resume", "transfer", "propose", "confirm", "close"}, d.events(c.ID))
	e.Clock.Advance(31 * 24 * time.Hour)
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActReopen})
	cq{t}.Equal(core.ECONFLICT, core.ErrorCode(err), "past the reopen period")
	cq{t}.Equal([]string{complaint.OutboxOpened, complaint.OutboxProposed, complaint.OutboxClosed}, e.OutboxTypes(c.ID))
}

func complaintBadIntake(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	other := uuid.New()
	for _, tc := range []struct {
		n     complaint.NewComplaint
		field string
	}{
		{complaint.NewComplaint{CustomerID: e.Customer, Category: "weather"}, "category"},
		{complaint.NewComplaint{CustomerID: e.Customer}, "category"},
		{complaint.NewComplaint{CustomerID: e.Customer, Category: "fees", Severity: "apocalyptic"}, "severity"},
		{complaint.NewComplaint{CustomerID: other, Category: "fees"}, "customer_id"},
		{complaint.NewComplaint{CustomerID: e.Customer, Category: "fees", WorkOrderID: &other}, "work_order_id"},
		{complaint.NewComplaint{CustomerID: e.Customer, Category: "fees", Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &other}}, "owner.site_id"},
	} {
		err := d.in(e.Tenant, func(u core.UnitOfWork) error {
			_, err := d.svc.Open(context.Background(), u, tc.n, "user:agent")
			return err
		})
		cq{t}.Contains(complaintFields(err), tc.field, "%v", err)
	}
	cq{t}.Empty(d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{All: true}}), "nothing saved")
}

func complaintEscalatesOnce(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	c := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "service_attitude", Severity: "serious",
		Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &e.Site}})
	cq{t}.Equal(3, c.DeadlineDays)
	fire := func() int {
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := complaint.NewService(complaint.Config{Store: e.Store, Units: e.Units, Clock: e.Clock})
				n, err := w.FireEscalations(context.Background())
				cq{t}.NoError(err)
				counts[i] = n
			}()
		}
		wg.Wait()
		return counts[0] + counts[1]
	}
	cq{t}.Zero(fire(), "nothing is due at intake")
	e.Clock.Advance(c.NextEscalation.Sub(e.Clock.Now()) + time.Minute)
	cq{t}.Equal(1, fire(), "half the window: once")
	e.Clock.Advance(10 * 24 * time.Hour)
	cq{t}.Equal(2, fire(), "at risk and breached: once each")
	cq{t}.Zero(fire(), "the ladder is climbed")
	got, err := d.get(e.Tenant, c.ID)
	cq{t}.NoError(err)
	cq{t}.Equal(3, got.EscalationLevel)
	cq{t}.True(got.Overdue)
	cq{t}.Nil(got.NextEscalation)
	cq{t}.Equal([]string{"opened", "escalated", "escalated", "escalated"}, d.events(c.ID))
	cq{t}.Equal([]string{complaint.OutboxOpened, complaint.OutboxEscalated, complaint.OutboxEscalated, complaint.OutboxBreached},
		e.OutboxTypes(c.ID))
}

func complaintListAndReach(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	cq{t}.NoError(d.in(e.Tenant, func(u core.UnitOfWork) error {
		set := complaint.DefaultSettings()
		set.Categories = append(set.Categories, complaint.Category{Code: "rude_call", Parent: "service_attitude", NameZh: "电话态度差", NameEn: "Rude call"})
		_, err := d.svc.SaveSettings(context.Background(), u, set)
		return err
	}))
	siteCase := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "rude_call", Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &e.Site}})
	e.Clock.Advance(time.Second)
	regionCase := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "fees", Owner: complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &e.Region}})
	e.Clock.Advance(time.Second)
	deptCase := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "sales"})
	cq{t}.Equal(complaint.OwnerDepartment, deptCase.Owner.Kind)
	_, err := d.act(regionCase.ID, complaint.ActionInput{Action: complaint.ActAcknowledge})
	cq{t}.NoError(err)
	all := complaint.Reach{All: true}
	cq{t}.Equal([]uuid.UUID{deptCase.ID, regionCase.ID, siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all}))
	cq{t}.Equal([]uuid.UUID{regionCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all, State: complaint.StateAcknowledged}))
	cq{t}.Equal([]uuid.UUID{siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all, Category: "service_attitude"}))
	cq{t}.Equal([]uuid.UUID{siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all, OwnerSite: &e.Site}))
	cq{t}.Empty(d.list(e.Tenant, complaint.Filter{Within: all, Overdue: true}))
	e.Clock.Advance(30 * 24 * time.Hour)
	cq{t}.Len(d.list(e.Tenant, complaint.Filter{Within: all, Overdue: true}), 3)
	cq{t}.Equal([]uuid.UUID{siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{Sites: []uuid.UUID{e.Site}}}))
	cq{t}.Equal([]uuid.UUID{regionCase.ID, siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{Regions: []uuid.UUID{e.Region}}}))
	cq{t}.Empty(d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{}}))
	cq{t}.Len(d.list(e.Tenant, complaint.Filter{Within: all, Limit: 2}), 2)
}

func complaintSMSAnswer(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	answer := func(digit int) bool {
		var handled bool
		cq{t}.NoError(d.in(e.Tenant, func(u core.UnitOfWork) (err error) {
			handled, err = d.svc.AnswerBySMS(context.Background(), u, e.Customer, digit, "sms:8613800138000")
			return err
		}))
		return handled
	}
	c := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "fees"})
	cq{t}.False(answer(1), "nothing awaits an answer: the digit is a score")
	_, err := d.act(c.ID, complaint.ActionInput{Action: complaint.ActAcknowledge})
	cq{t}.NoError(err)
	propose := func() {
		_, err := d.act(c.ID, complaint.ActionInput{Action: complaint.ActPropose, Handling: &complaint.Handling{Measures: "退还上门费"}})
		cq{t}.NoError(err)
	}
	propose()
	cq{t}.False(answer(5), "5 is no answer to a resolution")
	cq{t}.True(answer(2))
	got, err := d.get(e.Tenant, c.ID)
	cq{t}.NoError(err)
	cq{t}.Equal(complaint.StateInvestigating, got.State, "rejected: back to investigating")
	propose()
	cq{t}.True(answer(1))
	got, err = d.get(e.Tenant, c.ID)
	cq{t}.NoError(err)
	cq{t}.Equal(complaint.StateConfirmed, got.State)
	cq{t}.Equal("sms", got.ConfirmedVia)
	cq{t}.Equal([]string{"opened", "acknowledge", "propose", "reject", "propose", "confirm"}, d.events(c.ID))
	cq{t}.False(answer(1), "answered already")
}

func complaintIsolation(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	c := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "fees"})
	_, err := d.get(e.Other, c.ID)
	cq{t}.Equal(core.ENOTFOUND, core.ErrorCode(err))
	err = d.in(e.Other, func(u core.UnitOfWork) error {
		_, err := d.svc.Act(context.Background(), u, c.ID, complaint.ActionInput{Action: complaint.ActAcknowledge}, "user:intruder")
		return err
	})
	cq{t}.Equal(core.ENOTFOUND, core.ErrorCode(err))
	cq{t}.Empty(d.list(e.Other, complaint.Filter{Within: complaint.Reach{All: true}}))
	err = d.in(e.Other, func(u core.UnitOfWork) error {
		_, err := d.svc.Open(context.Background(), u, complaint.NewComplaint{CustomerID: e.Customer, Category: "fees"}, "user:intruder")
		return err
	})
	cq{t}.Contains(complaintFields(err), "customer_id", "another tenant's customer is unknown")
	got, err := d.get(e.Tenant, c.ID)
	cq{t}.NoError(err)
	cq{t}.Equal(1, got.Version, "unchanged")
}

// cq is the few assertions the complaint scenarios make; core/coretest
// does without a test library (core imports none).
type cq struct{ t *testing.T }

func (c cq) fail(msg []any, format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("%s %s", fmt.Sprintf(format, args...), fmt.Sprint(msg...))
}

func (c cq) NoError(err error, msg ...any) {
	c.t.Helper()
	if err != nil {
		c.fail(msg, "unexpected error: %v", err)
	}
}

func (c cq) Equal(want, got any, msg ...any) {
	c.t.Helper()
	if !reflect.DeepEqual(want, got) {
		c.fail(msg, "got %#v, want %#v", got, want)
	}
}

func (c cq) True(ok bool, msg ...any) {
	c.t.Helper()
	if !ok {
		c.fail(msg, "false")
	}
}

func (c cq) False(ok bool, msg ...any) { c.t.Helper(); c.True(!ok, msg...) }

func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return (r.Kind() == reflect.Pointer || r.Kind() == reflect.Map || r.Kind() == reflect.Slice) && r.IsNil()
}

func (c cq) Nil(v any, msg ...any) {
	c.t.Helper()
	c.True(isNil(v), append([]any{"want nil, got", v}, msg...)...)
}
func (c cq) NotNil(v any, msg ...any) {
	c.t.Helper()
	c.True(!isNil(v), append([]any{"want a value"}, msg...)...)
}
func (c cq) Zero(n int, msg ...any) { c.t.Helper(); c.Equal(0, n, msg...) }

func (c cq) Len(v any, n int, msg ...any) {
	c.t.Helper()
	if got := reflect.ValueOf(v).Len(); got != n {
		c.fail(msg, "length %d, want %d", got, n)
	}
}

func (c cq) Empty(v any, msg ...any) { c.t.Helper(); c.Len(v, 0, msg...) }

func (c cq) Regexp(pattern, s string, msg ...any) {
	c.t.Helper()
	if !regexp.MustCompile(pattern).MatchString(s) {
		c.fail(msg, "%q does not match %s", s, pattern)
	}
}

// Contains checks that the field errors name field.
func (c cq) Contains(fields map[string]string, field string, msg ...any) {
	c.t.Helper()
	if _, ok := fields[field]; !ok {
		c.fail(msg, "no error names %s (fields %v)", field, fields)
	}
}
