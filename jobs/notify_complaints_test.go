package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/complaint"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/jobs"
)

// complaintNotices is a notice bundle with the complaint use cases, the
// complaint texts wired and webhooks fanned out (deliveries only).
type complaintNotices struct {
	*testBundle
	clock      *shiftClock
	complaints *complaint.Service
}

func setupComplaintNotices(t *testing.T) complaintNotices {
	clock := &shiftClock{}
	b := noticeSetup(t, clock)
	b.outbox.Complaints = b.store
	b.outbox.Webhooks = jobs.NewWebhooks(b.store, b.store, nil, nil, clock, b.log)
	return complaintNotices{testBundle: b, clock: clock,
		complaints: complaint.NewService(complaint.Config{Store: b.store, Units: b.store, Clock: clock})}
}

// user adds an active user with a role and a scope grant.
func (b complaintNotices) user(t *testing.T, name, phone, role, scope string) {
	id := uuid.New()
	exec(t, b.testBundle, `INSERT INTO users (tenant_id, id, username, phone, password_hash) VALUES (app_current_tenant(), $1, $2, $3, 'x')`,
		id, name, phone)
	exec(t, b.testBundle, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1)
		VALUES (app_current_tenant(), 'g', $1, $2), (app_current_tenant(), 'g2', $1, $3)`,
		core.UserSubject(id), core.RoleSubject(role), scope)
}

func (b complaintNotices) open(t *testing.T, n complaint.NewComplaint) *complaint.Complaint {
	var c *complaint.Complaint
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) (err error) {
		c, err = b.complaints.Open(context.Background(), u, n, "user:agent")
		return err
	}))
	return c
}

// handleTwice handles every outbox message, then every complaint message
// once more, as a task that ran twice would hand it over.
func (b complaintNotices) handleTwice(t *testing.T) {
	b.handleAll(t)
	for _, id := range tenantQuery[int64](t, b.testBundle, `SELECT id FROM outbox WHERE type LIKE 'complaint.%' ORDER BY id`) {
		m := core.OutboxMessage{TenantID: b.net.Tenant, ID: id}
		m.AggregateID = tenantQuery[uuid.UUID](t, b.testBundle, `SELECT aggregate_id FROM outbox WHERE id = $1`, id)[0]
		m.Type = tenantQuery[string](t, b.testBundle, `SELECT type FROM outbox WHERE id = $1`, id)[0]
		m.Payload = tenantQuery[[]byte](t, b.testBundle, `SELECT payload FROM outbox WHERE id = $1`, id)[0]
		require.NoError(t, b.outbox.Handle(context.Background(), m))
	}
}

// TestComplaintEscalationNotifiesOnce: two workers climb the ladder at
// once while the clock moves past its steps, and every message is handled
// twice: each step is one webhook delivery to the subscribed endpoint and
// one text to each manager it names (the site's manager at every step,
// the region manager when at risk and breached, quality when breached),
// nobody out of scope, and nothing twice.
func TestComplaintEscalationNotifiesOnce(t *testing.T) {
	t.Parallel()
	b := setupComplaintNotices(t)
	other := uuid.New()
	exec(t, b.testBundle, `INSERT INTO regions (tenant_id, id, parent_id, level, code, name)
		VALUES (app_current_tenant(), $1, $2, 'province', 'SD', '山东')`, other, b.net.Region)
	b.user(t, "site.mgr", "13700000001", core.RoleSiteManager, core.SiteObject(b.net.Site))
	b.user(t, "region.mgr", "13700000002", core.RoleRegionManager, core.RegionObject(b.net.Region))
	b.user(t, "quality", "13700000003", core.RoleQualityAuditor, core.ScopeAll)
	b.user(t, "dispatcher", "13700000004", core.RoleDispatcher, core.ScopeAll)           // not a manager
	b.user(t, "sd.mgr", "13700000005", core.RoleRegionManager, core.RegionObject(other)) // out of scope
	var hook *core.WebhookEndpoint
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) (err error) {
		hook, err = hooksOf(b.store).CreateWebhook(context.Background(), u, core.NewWebhookEndpoint{URL: "https://hooks.example.com/c",
			EventTypes: []string{complaint.OutboxOpened, complaint.OutboxEscalated, complaint.OutboxBreached, complaint.OutboxClosed}})
		return err
	}))

	c := b.open(t, complaint.NewComplaint{CustomerID: b.net.Customer, Category: "service_attitude", Severity: "serious",
		Owner: complaint.Owner{Kind: complaint.OwnerSite, SiteID: &b.net.Site}})
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
	b.clock.Advance(c.NextEscalation.Sub(b.clock.Now()) + time.Minute)
	require.Equal(t, 1, fire())
	b.handleTwice(t)
	require.Equal(t, []string{"8613700000001 Complaint escalated (step 1): case " + c.Number + " (service_attitude)"},
		tenantQuery[string](t, b.testBundle, `SELECT recipient || ' ' || split_part(body, ', customer', 1) FROM sms_messages WHERE kind = $1`,
			core.SMSComplaintEscalated), "half the window: the owner site's manager, once")
	b.clock.Advance(10 * 24 * time.Hour)
	require.Equal(t, 2, fire())
	require.Zero(t, fire())
	b.handleTwice(t)

	texts := tenantQuery[string](t, b.testBundle, `SELECT recipient || ' ' || substring(body from 'step [0-9]') FROM sms_messages
		WHERE kind = $1 ORDER BY created_at, recipient`, core.SMSComplaintEscalated)
	require.ElementsMatch(t, []string{"8613700000001 step 1", "8613700000001 step 2", "8613700000002 step 2",
		"8613700000001 step 3", "8613700000002 step 3", "8613700000003 step 3"}, texts)
	require.Equal(t, []string{complaint.OutboxOpened, complaint.OutboxEscalated, complaint.OutboxEscalated, complaint.OutboxBreached},
		tenantQuery[string](t, b.testBundle, `SELECT event_type FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY outbox_id`, hook.ID),
		"one delivery per event")
	body := tenantQuery[[]byte](t, b.testBundle, `SELECT body FROM webhook_deliveries WHERE event_type = $1`, complaint.OutboxBreached)[0]
	require.Contains(t, string(body), `"complaint_id":"`+c.ID.String()+`"`)
	require.NotContains(t, string(body), "work_order_id", "a complaint's event names its case, not an order")
	require.Equal(t, []int64{0}, tenantQuery[int64](t, b.testBundle, `SELECT count(*) FROM outbox WHERE done_at IS NULL`))
}

// TestComplaintConfirmationBySMS: a proposed resolution texts the
// customer once; their "2" sends the case back to investigating with an
// event, a second proposal's "1" confirms it by SMS, and a "1" with no
// case awaiting an answer is a satisfaction score as before (here: none
// awaited, so the help text).
func TestComplaintConfirmationBySMS(t *testing.T) {
	t.Parallel()
	b := setupComplaintNotices(t)
	refs := b.captured(&fakeGateway{})
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		s := core.DefaultSMSSettings()
		s.Number = tenantNumber
		_, err := messagingOf(b.store).UpdateSMSSettings(context.Background(), u, s)
		return err
	}))
	g := messaging.New(messaging.Config{Store: b.store, Units: b.store, Texts: b.texts, WorkOrders: b.work, Log: b.log,
		Complaints: b.complaints})
	c := b.open(t, complaint.NewComplaint{CustomerID: b.net.Customer, Category: "fees"})
	act := func(in complaint.ActionInput) {
		require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
			_, err := b.complaints.Act(context.Background(), u, c.ID, in, "user:handler")
			return err
		}))
	}
	state := func() string {
		return tenantQuery[string](t, b.testBundle, `SELECT state || '/' || confirmed_via FROM complaints WHERE id = $1`, c.ID)[0]
	}
	act(complaint.ActionInput{Action: complaint.ActAcknowledge})
	act(complaint.ActionInput{Action: complaint.ActPropose, Handling: &complaint.Handling{Measures: "refund the call-out fee"}})
	b.handleTwice(t)
	require.Equal(t, []string{"8613800138000 Your complaint " + c.Number + ": we propose refund the call-out fee. Reply 1 to accept, 2 to reject."},
		tenantQuery[string](t, b.testBundle, `SELECT recipient || ' ' || body FROM sms_messages WHERE kind = $1`, core.SMSComplaintConfirm),
		"the customer is asked once")

	require.NoError(t, g.ReceiveSMS(context.Background(), "13800138000", tenantNumber, "2"))
	require.Equal(t, "investigating/", state())
	ev := tenantQuery[string](t, b.testBundle, `SELECT type || ' ' || actor || ' ' || (payload->>'reason') FROM complaint_events
		WHERE complaint_id = $1 ORDER BY seq DESC LIMIT 1`, c.ID)
	require.Equal(t, []string{"reject sms:8613800138000 " + complaint.RejectedBySMS}, ev)

	act(complaint.ActionInput{Action: complaint.ActPropose, Handling: &complaint.Handling{Measures: "refund and a free service"}})
	require.NoError(t, g.ReceiveSMS(context.Background(), "13800138000", tenantNumber, "1"))
	require.Equal(t, "confirmed/sms", state())

	before := len(*refs)
	require.NoError(t, g.ReceiveSMS(context.Background(), "13800138000", tenantNumber, "1"))
	require.Equal(t, "confirmed/sms", state(), "nothing awaits an answer: the digit is no complaint answer")
	require.Len(t, *refs, before+1, "and, no order awaiting a score either, it is answered with help")
}
