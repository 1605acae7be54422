package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/jobs"
)

// noticeSetup is a tenant (locale en) whose outbox messages the test
// hands to Outbox.Handle itself: no Redis, texts stay queued.
func noticeSetup(t testing.TB, clock core.Clock) *testBundle {
	s := pgtest.NewStore(t, clock)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	texts := &jobs.Texts{Tx: s, Store: s, Settings: messagingOf(s), Provider: jobs.LogSMS{Log: log}, Clock: noonClock{}, Log: log}
	return &testBundle{store: s, net: pgtest.NewNetwork(t, s, "acme", "en"), log: log, texts: texts,
		work:   workorder.NewService(workorder.Config{Store: s, Units: s, Clock: clock}),
		outbox: &jobs.Outbox{Tx: s, Effects: s, Notes: s, Texts: texts, Clock: core.SystemClock{}, Log: log}}
}

// urgeOnce urges the order's site by hand and handles the urge message
// twice.
func urgeOnce(t testing.TB, b *testBundle, w *core.WorkOrder) {
	t.Helper()
	b.handleAll(t) // the intake's messages go first
	ctx := context.Background()
	require.NoError(t, core.InUnitOfWork(ctx, b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		_, err := b.work.Urge(ctx, u, w.ID, "客户第三次来电", "agent")
		return err
	}))
	b.handleAll(t)
	// The same message again, as a task that ran twice would hand it over.
	m := core.OutboxMessage{TenantID: b.net.Tenant, AggregateID: w.ID, Type: core.OutboxWorkOrderUrged}
	m.ID = tenantQuery[int64](t, b, `SELECT id FROM outbox WHERE type = $1`, m.Type)[0]
	m.Payload = tenantQuery[[]byte](t, b, `SELECT payload FROM outbox WHERE id = $1`, m.ID)[0]
	require.NoError(t, b.outbox.Handle(context.Background(), m))
}

// TestUrgeTextsTheSiteOnce: an urge queues one site_urge text to the
// site's phone with the order, its deadline and the dispatcher's note,
// however often the message is handled.
func TestUrgeTextsTheSiteOnce(t *testing.T) {
	t.Parallel()
	b := noticeSetup(t, nil)
	exec(t, b, `UPDATE sites SET phone = '137 0000 0000' WHERE id = $1`, b.net.Site)
	w := b.intake(t)
	urgeOnce(t, b, w)

	texts := tenantQuery[string](t, b, `SELECT recipient || ' ' || status || ' ' || body FROM sms_messages WHERE kind = $1`,
		core.SMSSiteUrge)
	require.NotNil(t, w.RespondBy)
	due := w.RespondBy.In(time.FixedZone("CST", 8*3600)).Format("Jan 2 15:04")
	require.Equal(t, []string{"8613700000000 queued Reminder to 深圳南山服务站: order " + w.Number + " (深圳市南山区科技园) is due by " +
		due + ". Please act now. Note: 客户第三次来电"}, texts, "the dispatcher's note reaches the site")
}

// TestUrgeSwitchedOffTextsNothing: a tenant that turned site_urge off gets
// no text, and the message is still done.
func TestUrgeSwitchedOffTextsNothing(t *testing.T) {
	t.Parallel()
	b := noticeSetup(t, nil)
	exec(t, b, `UPDATE sites SET phone = '13700000000' WHERE id = $1`, b.net.Site)
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		s := core.DefaultSMSSettings()
		s.Notifications[core.SMSSiteUrge] = core.SMSNotification{Enabled: false}
		_, err := messagingOf(b.store).UpdateSMSSettings(context.Background(), u, s)
		return err
	}))
	w := b.intake(t)
	urgeOnce(t, b, w)
	require.Equal(t, []int64{0}, tenantQuery[int64](t, b, `SELECT count(*) FROM sms_messages WHERE kind = $1`, core.SMSSiteUrge))
	require.Equal(t, []int64{1}, tenantQuery[int64](t, b, `SELECT count(*) FROM outbox WHERE type = $1 AND done_at IS NOT NULL`,
		core.OutboxWorkOrderUrged))
}

// TestSLABreachTextsDispatchersInScope: a missed response deadline is
// texted to the dispatchers with a phone whose scope covers the site (by
// the site, a region above it, or the whole tenant), to nobody else.
func TestSLABreachTextsDispatchersInScope(t *testing.T) {
	t.Parallel()
	clock := &shiftClock{}
	b := noticeSetup(t, clock)
	province, other := uuid.New(), uuid.New()
	exec(t, b, `INSERT INTO regions (tenant_id, id, parent_id, level, code, name)
		VALUES (app_current_tenant(), $1, $3, 'province', 'GD', '广东'), (app_current_tenant(), $2, $3, 'province', 'SD', '山东')`,
		province, other, b.net.Region)
	exec(t, b, `UPDATE sites SET region_id = $2 WHERE id = $1`, b.net.Site, province)
	for _, u := range []struct{ name, phone, role, scope string }{
		{"country", "13700000001", core.RoleDispatcher, core.RegionObject(b.net.Region)}, // a region above the site's
		{"site", "13700000002", core.RoleDispatcher, core.SiteObject(b.net.Site)},
		{"all", "13700000003", core.RoleDispatcher, core.ScopeAll},
		{"shandong", "13700000004", core.RoleDispatcher, core.RegionObject(other)}, // out of scope
		{"nophone", "", core.RoleDispatcher, core.ScopeAll},
		{"agent", "13700000006", core.RoleAgent, core.ScopeAll},
	} {
		id := uuid.New()
		exec(t, b, `INSERT INTO users (tenant_id, id, username, phone, password_hash) VALUES (app_current_tenant(), $1, $2, $3, 'x')`,
			id, u.name, u.phone)
		exec(t, b, `INSERT INTO authz_rules (tenant_id, ptype, v0, v1)
			VALUES (app_current_tenant(), 'g', $1, $2), (app_current_tenant(), 'g2', $1, $3)`,
			core.UserSubject(id), core.RoleSubject(u.role), u.scope)
	}

	w := b.intake(t)
	b.handleAll(t)
	require.NotNil(t, w.RespondBy)
	clock.Advance(w.RespondBy.Sub(clock.Now()) + time.Minute)
	fired, err := b.work.FireDueTimers(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, fired)
	b.handleAll(t)

	require.Equal(t, []string{"8613700000001", "8613700000002", "8613700000003"}, tenantQuery[string](t, b,
		`SELECT recipient FROM sms_messages WHERE kind = $1 ORDER BY recipient`, core.SMSSLABreached))
	due := w.RespondBy.In(time.FixedZone("CST", 8*3600)).Format("Jan 2 15:04")
	require.Equal(t, []string{"SLA breach: order " + w.Number + " (site 深圳南山服务站) missed its response deadline of " + due + "."},
		tenantQuery[string](t, b, `SELECT DISTINCT body FROM sms_messages WHERE kind = $1`, core.SMSSLABreached))

	// At most limit phones, by username: the limit is the store's.
	var first []string
	require.NoError(t, core.InUnitOfWork(context.Background(), b.store, b.net.Tenant, func(u core.UnitOfWork) error {
		first, err = b.store.FindSLADispatcherPhones(context.Background(), u, w.ID, &b.net.Site, 2)
		return err
	}))
	require.Equal(t, []string{"13700000003", "13700000001"}, first) // all, country
}
