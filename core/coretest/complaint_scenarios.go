package coretest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
	require.NoError(d.t, d.in(d.e.Tenant, func(u core.UnitOfWork) (err error) {
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
	require.NoError(d.t, d.in(tenant, func(u core.UnitOfWork) (err error) {
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
	require.NoError(d.t, d.in(d.e.Tenant, func(u core.UnitOfWork) (err error) {
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
	require.Regexp(t, `^TS-\d{4}-000001$`, c.Number)
	require.Equal(t, complaint.StateOpen, c.State)
	require.Equal(t, e.Site, *c.SiteID, "the order's site is the site complained about")
	require.Equal(t, e.Unit, *c.UnitID)
	require.Equal(t, complaint.Owner{Kind: complaint.OwnerSite, SiteID: &e.Site, RegionID: &e.Region}, c.Owner)
	require.Equal(t, complaint.DefaultDays, c.DeadlineDays)
	require.NotNil(t, c.NextEscalation)

	_, err := d.act(c.ID, complaint.ActionInput{Action: complaint.ActClose})
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "an open complaint does not close")
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActAcknowledge, Version: c.Version})
	require.NoError(t, err)
	due := *c.DueAt
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActWait, Reason: "等客户提供照片"})
	require.NoError(t, err)
	require.Nil(t, c.DueAt, "the clock stands while the customer is waited on")
	e.Clock.Advance(26 * time.Hour)
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActResume})
	require.NoError(t, err)
	require.True(t, c.DueAt.After(due), "waiting moved the deadline later")
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActTransfer, Owner: &complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &e.Region}})
	require.Contains(t, complaintFields(err), "reason")
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActTransfer, Reason: "站点无法处理",
		Owner: &complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &e.Region}})
	require.NoError(t, err)
	require.Equal(t, complaint.OwnerRegion, c.Owner.Kind)
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActPropose})
	require.Contains(t, complaintFields(err), "handling.measures")
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActPropose, Handling: &complaint.Handling{Measures: "免费上门重修"}})
	require.NoError(t, err)
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActConfirm, Via: "agent"})
	require.NoError(t, err)
	c, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActClose})
	require.NoError(t, err)
	require.Equal(t, complaint.StateClosed, c.State)
	require.Nil(t, c.NextEscalation, "a closed case does not escalate")
	require.Equal(t, []string{"opened", "acknowledge", "wait", "resume", "transfer", "propose", "confirm", "close"}, d.events(c.ID))
	e.Clock.Advance(31 * 24 * time.Hour)
	_, err = d.act(c.ID, complaint.ActionInput{Action: complaint.ActReopen})
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "past the reopen period")
	require.Equal(t, []string{complaint.OutboxOpened, complaint.OutboxProposed, complaint.OutboxClosed}, e.OutboxTypes(c.ID))
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
		require.Contains(t, complaintFields(err), tc.field, "%v", err)
	}
	require.Empty(t, d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{All: true}}), "nothing saved")
}

func complaintEscalatesOnce(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	c := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "service_attitude", Severity: "serious",
		Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &e.Site}})
	require.Equal(t, 3, c.DeadlineDays)
	fire := func() int {
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := complaint.NewService(complaint.Config{Store: e.Store, Units: e.Units, Clock: e.Clock})
				n, err := w.FireEscalations(context.Background())
				require.NoError(t, err)
				counts[i] = n
			}()
		}
		wg.Wait()
		return counts[0] + counts[1]
	}
	require.Zero(t, fire(), "nothing is due at intake")
	e.Clock.Advance(c.NextEscalation.Sub(e.Clock.Now()) + time.Minute)
	require.Equal(t, 1, fire(), "half the window: once")
	e.Clock.Advance(10 * 24 * time.Hour)
	require.Equal(t, 2, fire(), "at risk and breached: once each")
	require.Zero(t, fire(), "the ladder is climbed")
	got, err := d.get(e.Tenant, c.ID)
	require.NoError(t, err)
	require.Equal(t, 3, got.EscalationLevel)
	require.True(t, got.Overdue)
	require.Nil(t, got.NextEscalation)
	require.Equal(t, []string{"opened", "escalated", "escalated", "escalated"}, d.events(c.ID))
	require.Equal(t, []string{complaint.OutboxOpened, complaint.OutboxEscalated, complaint.OutboxEscalated, complaint.OutboxBreached},
		e.OutboxTypes(c.ID))
}

func complaintListAndReach(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	require.NoError(t, d.in(e.Tenant, func(u core.UnitOfWork) error {
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
	require.Equal(t, complaint.OwnerDepartment, deptCase.Owner.Kind)
	_, err := d.act(regionCase.ID, complaint.ActionInput{Action: complaint.ActAcknowledge})
	require.NoError(t, err)
	all := complaint.Reach{All: true}
	require.Equal(t, []uuid.UUID{deptCase.ID, regionCase.ID, siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all}))
	require.Equal(t, []uuid.UUID{regionCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all, State: complaint.StateAcknowledged}))
	require.Equal(t, []uuid.UUID{siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all, Category: "service_attitude"}))
	require.Equal(t, []uuid.UUID{siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: all, OwnerSite: &e.Site}))
	require.Empty(t, d.list(e.Tenant, complaint.Filter{Within: all, Overdue: true}))
	e.Clock.Advance(30 * 24 * time.Hour)
	require.Len(t, d.list(e.Tenant, complaint.Filter{Within: all, Overdue: true}), 3)
	require.Equal(t, []uuid.UUID{siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{Sites: []uuid.UUID{e.Site}}}))
	require.Equal(t, []uuid.UUID{regionCase.ID, siteCase.ID}, d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{Regions: []uuid.UUID{e.Region}}}))
	require.Empty(t, d.list(e.Tenant, complaint.Filter{Within: complaint.Reach{}}))
	require.Len(t, d.list(e.Tenant, complaint.Filter{Within: all, Limit: 2}), 2)
}

func complaintSMSAnswer(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	answer := func(digit int) bool {
		var handled bool
		require.NoError(t, d.in(e.Tenant, func(u core.UnitOfWork) (err error) {
			handled, err = d.svc.AnswerBySMS(context.Background(), u, e.Customer, digit, "sms:8613800138000")
			return err
		}))
		return handled
	}
	c := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "fees"})
	require.False(t, answer(1), "nothing awaits an answer: the digit is a score")
	_, err := d.act(c.ID, complaint.ActionInput{Action: complaint.ActAcknowledge})
	require.NoError(t, err)
	propose := func() {
		_, err := d.act(c.ID, complaint.ActionInput{Action: complaint.ActPropose, Handling: &complaint.Handling{Measures: "退还上门费"}})
		require.NoError(t, err)
	}
	propose()
	require.False(t, answer(5), "5 is no answer to a resolution")
	require.True(t, answer(2))
	got, err := d.get(e.Tenant, c.ID)
	require.NoError(t, err)
	require.Equal(t, complaint.StateInvestigating, got.State, "rejected: back to investigating")
	propose()
	require.True(t, answer(1))
	got, err = d.get(e.Tenant, c.ID)
	require.NoError(t, err)
	require.Equal(t, complaint.StateConfirmed, got.State)
	require.Equal(t, "sms", got.ConfirmedVia)
	require.Equal(t, []string{"opened", "acknowledge", "propose", "reject", "propose", "confirm"}, d.events(c.ID))
	require.False(t, answer(1), "answered already")
}

func complaintIsolation(t *testing.T, e ComplaintEnv) {
	d := newDriver(t, e)
	c := d.open(complaint.NewComplaint{CustomerID: e.Customer, Category: "fees"})
	_, err := d.get(e.Other, c.ID)
	require.Equal(t, core.ENOTFOUND, core.ErrorCode(err))
	err = d.in(e.Other, func(u core.UnitOfWork) error {
		_, err := d.svc.Act(context.Background(), u, c.ID, complaint.ActionInput{Action: complaint.ActAcknowledge}, "user:intruder")
		return err
	})
	require.Equal(t, core.ENOTFOUND, core.ErrorCode(err))
	require.Empty(t, d.list(e.Other, complaint.Filter{Within: complaint.Reach{All: true}}))
	err = d.in(e.Other, func(u core.UnitOfWork) error {
		_, err := d.svc.Open(context.Background(), u, complaint.NewComplaint{CustomerID: e.Customer, Category: "fees"}, "user:intruder")
		return err
	})
	require.Contains(t, complaintFields(err), "customer_id", "another tenant's customer is unknown")
	got, err := d.get(e.Tenant, c.ID)
	require.NoError(t, err)
	require.Equal(t, 1, got.Version, "unchanged")
}
