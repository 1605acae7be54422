package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/jobs"
)

const tenantNumber = "10690001"

// gateway returns the inbound handler of the bundle, with the tenant's
// SMS number set.
func (b *testBundle) gateway(t testing.TB) *messaging.Service {
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		s := core.DefaultSMSSettings()
		s.Number = tenantNumber
		_, err := messagingOf(b.store).UpdateSMSSettings(context.Background(), u, s)
		return err
	}))
	return messaging.New(messaging.Config{Store: b.store, Units: b.store, Texts: b.texts, WorkOrders: b.work, Log: b.log})
}

// TestTechnicianCommandsBySMS: the technician's phone drives the state
// machine on its own orders; anything else is stored and answered with
// the help text, and changes no order.
func TestTechnicianCommandsBySMS(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	g := b.gateway(t)
	refs := b.captured(&fakeGateway{})
	w := b.intake(t)
	other := b.intake(t)
	exec(t, b, `UPDATE work_orders SET technician_id = NULL, state = 'dispatched' WHERE id = $1`, other.ID)
	const tech = "+86 139-0000-0001" // the fixture technician, as the carrier may write it
	cases := []struct {
		name, from, text string
		wantState        string // of w afterwards
		wantHelp         string // "" when no help text is due
	}{
		{"garbage", tech, "hello there", core.StateAssigned, "no command found"},
		{"someone else's order", tech, "接单 " + other.Number, core.StateAssigned, "not assigned to you"},
		{"unknown phone", "13700000009", "接单 " + w.Number, core.StateAssigned, "not a technician"},
		{"arrive before accepting", tech, "到达 " + w.Number, core.StateAssigned, "cannot"},
		{"accept in Chinese, full-width number", tech, "接单　ＷＯ" + w.Number[2:], core.StateAccepted, ""},
		{"accept twice", tech, "accept " + w.Number, core.StateAccepted, "cannot"},
		{"arrived without a number: the only open order", tech, "到达", core.StateOnSite, ""},
		{"done needs the service record", tech, "完工 " + w.Number, core.StateOnSite, "service record"},
	}
	for _, c := range cases {
		before := len(*refs)
		require.NoError(t, g.ReceiveSMS(context.Background(), c.from, tenantNumber, c.text), c.name)
		require.Equal(t, []string{c.wantState}, tenantQuery[string](t, b, `SELECT state FROM work_orders WHERE id = $1`, w.ID), c.name)
		if c.wantHelp == "" {
			require.Len(t, *refs, before, "%s: no reply", c.name)
			continue
		}
		require.Len(t, *refs, before+1, "%s: a help text", c.name)
		help := (*refs)[before]
		require.Equal(t, core.SMSHelpReply, help.Kind)
		body := tenantQuery[string](t, b, `SELECT body FROM sms_messages WHERE id = $1`, help.ID)[0]
		require.Contains(t, body, c.wantHelp, c.name)
		to := tenantQuery[string](t, b, `SELECT recipient FROM sms_messages WHERE id = $1`, help.ID)[0]
		require.Equal(t, must(core.NormalizePhone(c.from, "CN")), to)
	}
	// Five help texts an hour to one phone, then silence (an auto-replying
	// phone must not start an endless exchange); the text is still stored.
	before := len(*refs)
	require.NoError(t, g.ReceiveSMS(context.Background(), tech, tenantNumber, "out of office"))
	require.Len(t, *refs, before, "no sixth help text within the hour")
	require.Equal(t, []int64{int64(len(cases) + 1)}, tenantQuery[int64](t, b, `SELECT count(*) FROM sms_messages WHERE direction = 'in'`),
		"every text is stored")
	actors := tenantQuery[string](t, b, `SELECT actor FROM work_order_events WHERE work_order_id = $1 AND type IN ('accepted', 'arrived') ORDER BY seq`, w.ID)
	require.Equal(t, []string{"sms:8613900000001", "sms:8613900000001"}, actors)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestCustomerScoresBySMS: on completion the customer is asked; a digit
// lands on the latest completed order asked, once; a low score opens a
// follow-up; a digit with no order awaiting it gets the help text.
func TestCustomerScoresBySMS(t *testing.T) {
	t.Parallel()
	b := setup(t, "en")
	g := b.gateway(t)
	refs := b.captured(&fakeGateway{})
	first, second := b.intake(t), b.intake(t)
	b.handleAll(t)
	complete := func(w *core.WorkOrder) {
		exec(t, b, `UPDATE work_orders SET state = 'completed', completed_at = clock_timestamp() WHERE id = $1`, w.ID)
		exec(t, b, `INSERT INTO outbox (tenant_id, aggregate_id, type) VALUES (app_current_tenant(), $1, 'work_order.completed')`, w.ID)
		b.handleAll(t)
	}
	complete(first)
	asked := (*refs)[len(*refs)-1]
	require.Equal(t, core.SMSCustomerSatisfaction, asked.Kind)
	body := tenantQuery[string](t, b, `SELECT body FROM sms_messages WHERE id = $1`, asked.ID)[0]
	require.Contains(t, body, first.Number)
	require.Contains(t, body, "reply one digit")

	score := func(w *core.WorkOrder) []int64 {
		return tenantQuery[int64](t, b, `SELECT COALESCE(satisfaction_score, 0) FROM work_orders WHERE id = $1`, w.ID)
	}
	require.NoError(t, g.ReceiveSMS(context.Background(), "13800138000", tenantNumber, "5"))
	require.Equal(t, []int64{5}, score(first))
	require.Equal(t, []int64{1}, tenantQuery[int64](t, b, `SELECT count(*) FROM work_order_events WHERE work_order_id = $1 AND type = 'satisfaction_scored'`, first.ID))

	n := len(*refs)
	require.NoError(t, g.ReceiveSMS(context.Background(), "13800138000", tenantNumber, "4"), "no order awaits a score")
	require.Equal(t, []int64{5}, score(first), "a score is not overwritten")
	require.Len(t, *refs, n+1, "a help text")

	complete(second)
	require.NoError(t, g.ReceiveSMS(context.Background(), "8613800138000", tenantNumber, "1"))
	require.Equal(t, []int64{1}, score(second))
	fus := tenantQuery[string](t, b, `SELECT work_order_id::text || ' ' || source || ' ' || status FROM callback_tasks`)
	require.Equal(t, []string{second.ID.String() + " low_satisfaction open"}, fus)
}

// TestGatewayRefusesWhatItCannotRoute: an unknown receiving number or a
// sender that is no phone number is an error (the endpoint's 4xx); no
// text is stored.
func TestGatewayRefusesWhatItCannotRoute(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	g := b.gateway(t)
	require.Equal(t, core.ENOTFOUND, core.ErrorCode(g.ReceiveSMS(context.Background(), "13900000001", "10699999", "接单")))
	require.Equal(t, core.EINVALID, core.ErrorCode(g.ReceiveSMS(context.Background(), "not-a-phone", tenantNumber, "接单")))
	require.Equal(t, []int64{0}, tenantQuery[int64](t, b, `SELECT count(*) FROM sms_messages`))
}

// TestDeliveryReports: 1 delivers, 2 and 16 fail, 4 and 8 change nothing
// on a sent text;
// duplicates are harmless; unknown messages, types and tenants are
// errors that change nothing; each status is on the order's timeline.
func TestDeliveryReports(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	g := b.gateway(t)
	refs := b.captured(&fakeGateway{})
	w := b.intake(t)
	b.handleAll(t)
	for _, r := range *refs {
		require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, r)))
	}
	ok, bad := (*refs)[0].ID, (*refs)[1].ID
	ctx := context.Background()
	for _, typ := range []int{core.DLRBuffered, core.DLRSMSCSubmit} {
		require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, ok, typ, ""))
	}
	status, _ := b.smsOf(t, ok)
	require.Equal(t, core.SMSSent, status)
	require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, ok, core.DLRDelivered, "id:1 stat:DELIVRD"))
	require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, ok, core.DLRDelivered, "id:1 stat:DELIVRD"), "duplicate")
	require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, ok, core.DLRFailed, "late"), "after the final status")
	require.NoError(t, g.DeliveryReport(ctx, b.net.Tenant, bad, core.DLRSMSCReject, "stat:REJECTD"))
	status, _ = b.smsOf(t, ok)
	require.Equal(t, core.SMSDelivered, status)
	status, errText := b.smsOf(t, bad)
	require.Equal(t, core.SMSFailed, status)
	require.Contains(t, errText, "REJECTD")

	require.Equal(t, core.ENOTFOUND, core.ErrorCode(g.DeliveryReport(ctx, b.net.Tenant, uuid.New(), core.DLRDelivered, "")))
	require.Equal(t, core.ENOTFOUND, core.ErrorCode(g.DeliveryReport(ctx, uuid.New(), ok, core.DLRDelivered, "")))
	require.Equal(t, core.EINVALID, core.ErrorCode(g.DeliveryReport(ctx, b.net.Tenant, ok, 3, "")))

	got := tenantQuery[string](t, b, `SELECT payload->>'status' FROM work_order_events
		WHERE work_order_id = $1 AND type = 'sms_status' AND payload->>'sms_id' = $2 ORDER BY seq`, w.ID, ok.String())
	require.Equal(t, []string{core.SMSQueued, core.SMSSent, core.SMSDelivered}, got)
}

// fastCarrier reports each text delivered before its send call returns, as
// a carrier faster than the send task's record of the answer would.
type fastCarrier struct {
	g      *messaging.Service
	tenant uuid.UUID
}

func (fastCarrier) Name() string { return "fast" }

func (c fastCarrier) SendSMS(ctx context.Context, _ uuid.UUID, m *core.SMS) error {
	return c.g.DeliveryReport(context.WithoutCancel(ctx), c.tenant, m.ID, core.DLRDelivered, "id:1 stat:DELIVRD")
}

// TestDeliveryReportOvertakingTheSendRecord: a report that arrives while
// the text is still "sending" makes it delivered, and the timeline still
// reads queued, sent, delivered.
func TestDeliveryReportOvertakingTheSendRecord(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	g := b.gateway(t)
	refs := b.captured(&fakeGateway{})
	b.texts.Provider = fastCarrier{g: g, tenant: b.net.Tenant}
	w := b.intake(t)
	b.handleAll(t)
	require.NotEmpty(t, *refs)
	require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, (*refs)[0])))
	id := (*refs)[0].ID
	status, _ := b.smsOf(t, id)
	require.Equal(t, core.SMSDelivered, status)
	got := tenantQuery[string](t, b, `SELECT payload->>'status' FROM work_order_events
		WHERE work_order_id = $1 AND type = 'sms_status' AND payload->>'sms_id' = $2 ORDER BY seq`, w.ID, id.String())
	require.Equal(t, []string{core.SMSQueued, core.SMSSent, core.SMSDelivered}, got)
}

// reportingCarrier reports each text with typ before its send call
// returns answer, as a carrier faster than the send task's record would.
type reportingCarrier struct {
	g      *messaging.Service
	tenant uuid.UUID
	typ    int
	answer error
}

func (reportingCarrier) Name() string                      { return "reporting" }
func (reportingCarrier) SubmitReportWithin() time.Duration { return 2 * time.Minute }

func (c reportingCarrier) SendSMS(ctx context.Context, _ uuid.UUID, m *core.SMS) error {
	if err := c.g.DeliveryReport(context.WithoutCancel(ctx), c.tenant, m.ID, c.typ, "stat:X"); err != nil {
		return err
	}
	return c.answer
}

// TestAReportDuringTheSendIsNotOverwritten: whatever the send task's
// worker then records (sent, no answer, a transient error), a report that
// came while the text was 'sending' stands: an SMSC-submit report makes
// it sent, a reject failed, a delivery delivered; the timeline shows sent
// once, and no retry of the task sends it again.
func TestAReportDuringTheSendIsNotOverwritten(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		typ    int
		answer error
		want   []string // the timeline after queued; its last is the status
	}{
		{"submit report, then accepted", core.DLRSMSCSubmit, nil, []string{core.SMSSent}},
		{"submit report, then no answer", core.DLRSMSCSubmit, fmt.Errorf("%w: timeout", jobs.ErrSMSOutcomeUnknown), []string{core.SMSSent}},
		{"reject report, then accepted", core.DLRSMSCReject, nil, []string{core.SMSSent, core.SMSFailed}},
		{"delivered, then a transient error", core.DLRDelivered, errors.New("connection reset"), []string{core.SMSSent, core.SMSDelivered}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, "")
			g := b.gateway(t)
			refs := b.captured(&fakeGateway{})
			b.texts.Provider = reportingCarrier{g: g, tenant: b.net.Tenant, typ: c.typ, answer: c.answer}
			w := b.intake(t)
			b.handleAll(t)
			r := (*refs)[0]
			_ = b.texts.HandleSend(context.Background(), sendTask(t, r))
			b.texts.Provider = &fakeGateway{}
			exec(t, b, `UPDATE sms_messages SET updated_at = now() - interval '1 hour' WHERE id = $1`, r.ID)
			require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, r)), "the retry finds it done")
			require.Zero(t, b.texts.Provider.(*fakeGateway).count(r.ID), "not sent again")
			status, _ := b.smsOf(t, r.ID)
			require.Equal(t, c.want[len(c.want)-1], status)
			got := tenantQuery[string](t, b, `SELECT payload->>'status' FROM work_order_events
				WHERE work_order_id = $1 AND type = 'sms_status' AND payload->>'sms_id' = $2 ORDER BY seq`, w.ID, r.ID.String())
			require.Equal(t, append([]string{core.SMSQueued}, c.want...), got)
		})
	}
}
