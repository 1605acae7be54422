package postgres_test

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
	"github.com/aftersales/aftersales/core/coretest"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
)

type complaintBundle struct {
	store *postgres.Store
	clock *coretest.Clock
	svc   *complaint.Service
	net   *pgtest.Network
}

func setupComplaints(t *testing.T) complaintBundle {
	t.Helper()
	clock := &coretest.Clock{}
	s := pgtest.NewStore(t, clock)
	n := pgtest.NewNetwork(t, s, "acme", "")
	return complaintBundle{store: s, clock: clock, net: n,
		svc: complaint.NewService(complaint.Config{Store: s, Units: s, Clock: clock})}
}

// in runs fn in a unit of the bundle's tenant and commits it.
func (b complaintBundle) in(t *testing.T, fn func(u core.UnitOfWork) error) error {
	t.Helper()
	return core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, fn)
}

func (b complaintBundle) open(t *testing.T, n complaint.NewComplaint) *complaint.Complaint {
	t.Helper()
	var c *complaint.Complaint
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		c, err = b.svc.Open(context.Background(), u, n, "user:agent")
		return err
	}))
	return c
}

func (b complaintBundle) act(t *testing.T, id uuid.UUID, in complaint.ActionInput) (*complaint.Complaint, error) {
	var c *complaint.Complaint
	err := b.in(t, func(u core.UnitOfWork) (err error) {
		c, err = b.svc.Act(context.Background(), u, id, in, "user:handler")
		return err
	})
	return c, err
}

func TestComplaintLifecycleOnPostgres(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	ctx := context.Background()
	var order *core.WorkOrder
	wo := workorder.NewService(workorder.Config{Store: b.store, Units: b.store, Clock: b.clock})
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		order, err = wo.Intake(ctx, u, b.net.NewOrder(), "user:agent")
		return err
	}))
	require.NotNil(t, order.SiteID)

	c := b.open(t, complaint.NewComplaint{CustomerID: b.net.Customer, WorkOrderID: &order.ID, Category: "repair_quality",
		Channel: "phone", Description: "师傅修完第二天又坏了"})
	require.Regexp(t, `^TS-\d{4}-000001$`, c.Number)
	require.Equal(t, complaint.StateOpen, c.State)
	require.Equal(t, b.net.Site, *c.SiteID, "the order's site is the site complained about")
	require.Equal(t, b.net.Unit, *c.UnitID)
	require.Equal(t, complaint.Owner{Kind: complaint.OwnerSite, SiteID: &b.net.Site, RegionID: &b.net.Region}, c.Owner)
	require.Equal(t, complaint.DefaultDays, c.DeadlineDays)
	require.NotNil(t, c.DueAt)
	require.NotNil(t, c.NextEscalation)

	_, err := b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActClose})
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "an open complaint does not close")

	c, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActAcknowledge, Version: c.Version})
	require.NoError(t, err)
	due := *c.DueAt
	c, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActWait, Reason: "等客户提供照片"})
	require.NoError(t, err)
	require.Nil(t, c.DueAt, "the clock stands while the customer is waited on")
	b.clock.Advance(26 * time.Hour)
	c, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActResume})
	require.NoError(t, err)
	require.True(t, c.DueAt.After(due), "waiting moved the deadline later")
	require.Len(t, c.Pauses, 1)

	_, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActTransfer, Owner: &complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &b.net.Region}})
	require.Contains(t, errorFields(err), "reason")
	c, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActTransfer, Reason: "站点无法处理",
		Owner: &complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &b.net.Region}})
	require.NoError(t, err)
	require.Equal(t, complaint.OwnerRegion, c.Owner.Kind)

	_, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActPropose})
	require.Contains(t, errorFields(err), "handling.measures")
	c, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActPropose, Handling: &complaint.Handling{
		Cause: "压缩机接线松动", Responsibility: "technician", Measures: "免费上门重修", Compensation: "赠送清洗一次"}})
	require.NoError(t, err)
	require.Equal(t, complaint.StateResolutionProposed, c.State)
	c, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActConfirm, Via: "agent"})
	require.NoError(t, err)
	c, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActClose})
	require.NoError(t, err)
	require.Equal(t, complaint.StateClosed, c.State)
	require.Nil(t, c.NextEscalation, "a closed case does not escalate")

	var events []*complaint.CaseEvent
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		events, err = b.svc.FindEvents(ctx, u, c.ID)
		return err
	}))
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"opened", "acknowledge", "wait", "resume", "transfer", "propose", "confirm", "close"}, types)
	require.Equal(t, "站点无法处理", events[4].Payload["reason"])

	b.clock.Advance(31 * 24 * time.Hour)
	_, err = b.act(t, c.ID, complaint.ActionInput{Action: complaint.ActReopen})
	require.Equal(t, core.ECONFLICT, core.ErrorCode(err), "past the reopen period")
	require.Equal(t, []string{complaint.OutboxOpened, complaint.OutboxProposed, complaint.OutboxClosed}, outboxTypes(t, b.store, b.net.Tenant, c.ID))
}

func TestComplaintIntakeRefusesBadInput(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	other := uuid.New()
	for _, tc := range []struct {
		name  string
		n     complaint.NewComplaint
		field string
	}{
		{"unknown category", complaint.NewComplaint{CustomerID: b.net.Customer, Category: "weather"}, "category"},
		{"no category", complaint.NewComplaint{CustomerID: b.net.Customer}, "category"},
		{"unknown severity", complaint.NewComplaint{CustomerID: b.net.Customer, Category: "fees", Severity: "apocalyptic"}, "severity"},
		{"unknown customer", complaint.NewComplaint{CustomerID: other, Category: "fees"}, "customer_id"},
		{"unknown order", complaint.NewComplaint{CustomerID: b.net.Customer, Category: "fees", WorkOrderID: &other}, "work_order_id"},
		{"unknown owner site", complaint.NewComplaint{CustomerID: b.net.Customer, Category: "fees",
			Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &other}}, "owner.site_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := b.in(t, func(u core.UnitOfWork) error {
				_, err := b.svc.Open(context.Background(), u, tc.n, "user:agent")
				return err
			})
			require.Contains(t, errorFields(err), tc.field, "%v", err)
		})
	}
	require.Empty(t, pgtest.TenantRows[uuid.UUID](t, b.store.Pool(), b.net.Tenant, `SELECT id FROM complaints`), "nothing saved")
}

// TestComplaintEscalationsFireOnceAcrossWorkers shifts the clock past the
// deadline and runs two workers at once, twice: every step of the ladder
// fires exactly once.
func TestComplaintEscalationsFireOnceAcrossWorkers(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	c := b.open(t, complaint.NewComplaint{CustomerID: b.net.Customer, Category: "service_attitude", Severity: "serious",
		Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &b.net.Site}})
	require.Equal(t, 3, c.DeadlineDays)

	fire := func() int {
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := complaint.NewService(complaint.Config{Store: b.store, Units: b.store, Clock: b.clock})
				n, err := w.FireEscalations(context.Background())
				require.NoError(t, err)
				counts[i] = n
			}()
		}
		wg.Wait()
		return counts[0] + counts[1]
	}
	require.Zero(t, fire(), "nothing is due at intake")
	b.clock.Advance(c.NextEscalation.Sub(b.clock.Now()) + time.Minute)
	require.Equal(t, 1, fire(), "half the window: the owner is notified, once")
	b.clock.Advance(10 * 24 * time.Hour)
	require.Equal(t, 2, fire(), "at risk and breached: the next two steps, once each")
	require.Zero(t, fire(), "the ladder is climbed")

	var got *complaint.Complaint
	require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
		got, err = b.svc.FindByID(context.Background(), u, c.ID)
		return err
	}))
	require.Equal(t, 3, got.EscalationLevel)
	require.True(t, got.Overdue)
	require.Nil(t, got.NextEscalation)
	levels := pgtest.TenantRows[int](t, b.store.Pool(), b.net.Tenant,
		`SELECT (payload->>'level')::int FROM complaint_events WHERE complaint_id = $1 AND type = 'escalated' ORDER BY seq`, c.ID)
	require.Equal(t, []int{1, 2, 3}, levels)
	require.Equal(t, []string{complaint.OutboxOpened, complaint.OutboxEscalated, complaint.OutboxEscalated, complaint.OutboxBreached},
		outboxTypes(t, b.store, b.net.Tenant, c.ID))
}

func TestComplaintListFiltersAndReach(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	ctx := context.Background()
	require.NoError(t, b.in(t, func(u core.UnitOfWork) error {
		set := complaint.DefaultSettings()
		set.Categories = append(set.Categories, complaint.Category{Code: "rude_call", Parent: "service_attitude", NameZh: "电话态度差", NameEn: "Rude call"})
		_, err := b.svc.SaveSettings(ctx, u, set)
		return err
	}))
	siteCase := b.open(t, complaint.NewComplaint{CustomerID: b.net.Customer, Category: "rude_call",
		Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &b.net.Site}})
	regionCase := b.open(t, complaint.NewComplaint{CustomerID: b.net.Customer, Category: "fees",
		Owner: complaint.Owner{Kind: complaint.OwnerRegion, RegionID: &b.net.Region}})
	deptCase := b.open(t, complaint.NewComplaint{CustomerID: b.net.Customer, Category: "sales"})
	require.Equal(t, complaint.OwnerDepartment, deptCase.Owner.Kind)
	_, err := b.act(t, regionCase.ID, complaint.ActionInput{Action: complaint.ActAcknowledge})
	require.NoError(t, err)

	list := func(f complaint.Filter) []uuid.UUID {
		var out []*complaint.Complaint
		require.NoError(t, b.in(t, func(u core.UnitOfWork) (err error) {
			out, _, err = b.svc.Find(ctx, u, f)
			return err
		}))
		ids := []uuid.UUID{}
		for _, c := range out {
			ids = append(ids, c.ID)
		}
		return ids
	}
	all := complaint.Reach{All: true}
	require.Equal(t, []uuid.UUID{deptCase.ID, regionCase.ID, siteCase.ID}, list(complaint.Filter{Within: all}))
	require.Equal(t, []uuid.UUID{regionCase.ID}, list(complaint.Filter{Within: all, State: complaint.StateAcknowledged}))
	require.Equal(t, []uuid.UUID{siteCase.ID}, list(complaint.Filter{Within: all, Category: "service_attitude"}), "a category covers its subtree")
	require.Equal(t, []uuid.UUID{siteCase.ID}, list(complaint.Filter{Within: all, OwnerSite: &b.net.Site}))
	require.Empty(t, list(complaint.Filter{Within: all, Overdue: true}))
	b.clock.Advance(30 * 24 * time.Hour)
	require.Len(t, list(complaint.Filter{Within: all, Overdue: true}), 3)
	require.Equal(t, []uuid.UUID{siteCase.ID}, list(complaint.Filter{Within: complaint.Reach{Sites: []uuid.UUID{b.net.Site}}}), "a site sees what it owns")
	require.Equal(t, []uuid.UUID{regionCase.ID, siteCase.ID}, list(complaint.Filter{Within: complaint.Reach{Regions: []uuid.UUID{b.net.Region}}}),
		"a region manager sees the subtree's cases")
	require.Empty(t, list(complaint.Filter{Within: complaint.Reach{}}))
	page1 := list(complaint.Filter{Within: all, Limit: 2})
	require.Len(t, page1, 2)
	err = b.in(t, func(u core.UnitOfWork) error {
		_, _, err := b.svc.Find(ctx, u, complaint.Filter{Category: "weather"})
		return err
	})
	require.Contains(t, errorFields(err), "category")
}

// errorFields are the fields an EINVALID error names.
func errorFields(err error) map[string]string {
	var e *core.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
