package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/blob"
	"github.com/aftersales/aftersales/core/postgres/pgtest"
	"github.com/aftersales/aftersales/core/report"
	"github.com/aftersales/aftersales/jobs"
)

// get fetches a path without credentials.
func (b *testBundle) getRaw(path string) (int, string) {
	b.t.Helper()
	res, err := http.Get(b.url + path)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return res.StatusCode, string(body)
}

// TestReportScheduledExports: an admin schedules a daily CSV export (bad
// input: 422 naming the field; a site manager may read but not change);
// once due, the job runs it exactly once across two runs, stores the file,
// and announces it by report_export.ready with a signed link, which the
// webhook delivery carries; the link serves the file until it expires
// (410 naming the expiry after), a tampered one is refused (403); another
// tenant sees none of it.
func TestReportScheduledExports(t *testing.T) {
	t.Parallel()
	b := setup(t, privateWebhooks)
	n := b.newNetwork("rexp")
	admin := n.tenant.admin
	ok := map[string]any{"name": "日报", "metrics": []string{"orders", "completed"}, "group_by": []string{"site"},
		"format": "csv", "cadence": "daily"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range ok {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	for field, body := range map[string]map[string]any{
		"format": with("format", "pdf"), "cadence": with("cadence", "hourly"), "metrics": with("metrics", []string{"nope"}),
		"name": with("name", " "), "group_by": with("group_by", []string{"colour"}),
	} {
		r := b.must(422, "POST", "/v1/reports/schedules", admin, body)
		require.Contains(t, string(r.Raw), `"body.`+field+`"`, "%s: %s", field, r.Raw)
	}
	require.Empty(t, b.must(200, "GET", "/v1/reports/schedules", admin, nil).JSON["items"])
	b.must(403, "POST", "/v1/reports/schedules", n.nearMgrTok, ok)

	created := b.must(201, "POST", "/v1/reports/schedules", admin, ok)
	id := created.str("id")
	next, err := time.Parse(time.RFC3339, created.str("next_run_at"))
	require.NoError(t, err)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	require.True(t, next.After(time.Now()) && next.In(sh).Hour() == 0, "next run at the next Shanghai midnight: %s", next)
	require.Len(t, b.must(200, "GET", "/v1/reports/schedules", n.nearMgrTok, nil).JSON["items"], 1)

	hook := b.must(201, "POST", "/v1/webhooks", admin, map[string]any{"url": "http://127.0.0.1:9999/hooks",
		"event_types": []string{report.OutboxExportReady}})
	// Created today in Shanghai (an hour ago, or at its midnight if that is
	// nearer): the day the schedule's first run exports.
	today := time.Now().In(sh)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, sh)
	b.insertSiteOrdersAt(n, n.near, latest(today, time.Now().Add(-time.Hour)), 4, 4, 4, 5, 0)
	b.drainReports()

	run := jobs.ReportExportsTask(b.app.Exports, slog.New(slog.DiscardHandler)).Run
	require.NoError(t, run(context.Background(), time.Time{}))
	require.Empty(t, b.outboxPayloads(n, id, report.OutboxExportReady), "not due yet")
	b.clock.Advance(time.Until(next) + time.Minute)
	// Up to a day has passed: past the sessions' 12 hours, so sign in again.
	admin = b.login(n.tenant.slug, "admin", adminPassword)
	n.nearMgrTok = b.login(n.tenant.slug, "near.manager", adminPassword)
	require.NoError(t, run(context.Background(), time.Time{}))
	require.NoError(t, run(context.Background(), time.Time{}))
	msgs := b.outboxPayloads(n, id, report.OutboxExportReady)
	require.Len(t, msgs, 1, "a due schedule runs once")
	link := msgs[0]["download_url"].(string)
	require.True(t, strings.HasPrefix(link, "/v1/report-exports/"+n.tenant.id.String()+"/"+id+"/"), link)
	day := next.In(sh).AddDate(0, 0, -1).Format("2006-01-02")
	require.Equal(t, day, msgs[0]["from"])
	require.Equal(t, day, msgs[0]["to"])
	listed := b.must(200, "GET", "/v1/reports/schedules", admin, nil).JSON["items"].([]any)[0].(map[string]any)
	require.NotEmpty(t, listed["last_run_at"])
	require.NotEqual(t, created.str("next_run_at"), listed["next_run_at"], "moved to the next boundary")

	// The outbox handler's fan-out makes the webhook delivery carry the link.
	bodies := b.fanOutExport(n, id)
	require.Len(t, bodies, 1)
	var delivered struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(bodies[0]), &delivered))
	require.Equal(t, report.OutboxExportReady, delivered.Type)
	require.Equal(t, link, delivered.Data["download_url"])
	require.Nil(t, delivered.Data["work_order_id"])
	require.NotEmpty(t, hook.str("id"))

	status, file := b.getRaw(link)
	require.Equal(t, 200, status, file)
	lines := strings.Split(strings.TrimSpace(file), "\n")
	require.Equal(t, "from,to,site,orders,orders (previous),completed,completed (previous)", lines[0])
	require.Contains(t, file, day+","+day+","+n.near.String()+",4,")

	status, body := b.getRaw(strings.Replace(link, "signature=", "signature=0", 1))
	require.Equal(t, 403, status, body)
	exp := msgs[0]["expires_at"].(string)
	expAt, err := time.Parse(time.RFC3339, exp)
	require.NoError(t, err)
	status, body = b.getRaw(strings.Replace(link, "expires=", "expires=9", 1))
	require.Equal(t, 403, status, "a later expiry breaks the signature: %s", body)
	other := b.onboard("rexp-other")
	require.Empty(t, b.must(200, "GET", "/v1/reports/schedules", other.admin, nil).JSON["items"])
	b.must(404, "DELETE", "/v1/reports/schedules/"+id, other.admin, nil)
	b.must(403, "DELETE", "/v1/reports/schedules/"+id, n.nearMgrTok, nil)
	// The file outlives its schedule until the link expires.
	b.must(204, "DELETE", "/v1/reports/schedules/"+id, admin, nil)
	b.must(404, "DELETE", "/v1/reports/schedules/"+id, admin, nil)
	b.clock.Advance(time.Until(expAt) + time.Second)
	status, body = b.getRaw(link)
	require.Equal(t, 410, status, body)
	require.Contains(t, body, "expired at "+expAt.UTC().Format(time.RFC3339))

}

// fanOutExport fans the schedule's outbox messages out to the tenant's
// webhook endpoints as the outbox handler does, and returns the bodies of
// the deliveries.
func (b *testBundle) fanOutExport(n *network, schedule string) []string {
	b.t.Helper()
	q := `FROM outbox WHERE aggregate_id = $1 ORDER BY id`
	ids := pgtest.TenantRows[int64](b.t, b.pool, n.tenant.id, `SELECT id `+q, schedule)
	payloads := pgtest.TenantRows[[]byte](b.t, b.pool, n.tenant.id, `SELECT payload `+q, schedule)
	ats := pgtest.TenantRows[time.Time](b.t, b.pool, n.tenant.id, `SELECT created_at `+q, schedule)
	hooks := jobs.NewWebhooks(b.app.Store, b.app.Store, nil, nil, core.SystemClock{}, slog.New(slog.DiscardHandler))
	for i, id := range ids {
		require.NoError(b.t, core.InUnitOfWork(context.Background(), b.app.Store, n.tenant.id, func(u core.UnitOfWork) error {
			return hooks.FanOut(context.Background(), u, core.OutboxMessage{TenantID: n.tenant.id, ID: id,
				AggregateID: uuid.MustParse(schedule), Type: report.OutboxExportReady, Payload: payloads[i], CreatedAt: ats[i]})
		}))
	}
	return pgtest.TenantRows[string](b.t, b.pool, n.tenant.id, `SELECT body FROM webhook_deliveries ORDER BY created_at`)
}

// failingFinish is the schedule store with a transaction that fails after
// the export file was written (e.g. the outbox insert or the commit).
type failingFinish struct{ report.ScheduleStore }

func (failingFinish) FinishScheduleRun(context.Context, core.UnitOfWork, *report.Schedule, report.ExportRun, json.RawMessage) error {
	return errors.New("the transaction fails after the file was written")
}

// TestReportExportLeavesNoFileWhenItsTransactionFails: a due schedule
// whose run's transaction fails after the file was stored leaves no file
// in the blob store (nothing announced it) and stays due; the next run,
// succeeding, stores exactly one.
func TestReportExportLeavesNoFileWhenItsTransactionFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := b.newNetwork("rexp-fail")
	created := b.must(201, "POST", "/v1/reports/schedules", n.tenant.admin, map[string]any{"name": "日报",
		"metrics": []string{"orders"}, "format": "xlsx", "cadence": "daily"})
	next, err := time.Parse(time.RFC3339, created.str("next_run_at"))
	require.NoError(t, err)
	b.clock.Advance(time.Until(next) + time.Minute)

	objects := b.app.Exports.Objects.(blob.Store)
	files := func() (keys []string) {
		require.NoError(t, objects.List(context.Background(), "report-exports/"+n.tenant.id.String()+"/"+created.str("id")+"/",
			func(i blob.Info) error { keys = append(keys, i.Key); return nil }))
		return keys
	}
	failing := *b.app.Exports
	failing.Store = failingFinish{b.app.Exports.Store}
	_, err = failing.RunDue(context.Background())
	require.ErrorContains(t, err, "the transaction fails")
	require.Empty(t, files(), "the file of a failed run is removed")
	require.Empty(t, b.outboxPayloads(n, created.str("id"), report.OutboxExportReady))

	ran, err := b.app.Exports.RunDue(context.Background())
	require.NoError(t, err)
	require.Positive(t, ran)
	require.Len(t, files(), 1, "the schedule stayed due and runs once")
	require.Len(t, b.outboxPayloads(n, created.str("id"), report.OutboxExportReady), 1)
}

// latest is the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
