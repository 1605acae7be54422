package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/messaging"
	"github.com/aftersales/aftersales/jobs"
	"github.com/aftersales/aftersales/jobs/kanneltest"
)

// dlrEndpoint stands in for the API's delivery-report endpoint
// (/v1/sms/kannel/dlr): it checks the signature and hands the report to
// the messaging service, or, for a message it holds, keeps the report
// (answering Kannel 202) to hand it over later, as a report that comes
// late.
type dlrEndpoint struct {
	g      *messaging.Service
	secret string
	mu     sync.Mutex
	hold   map[uuid.UUID]bool
	held   []dlr
	got    map[uuid.UUID][]int // report types received, by message
}

type dlr struct {
	tenant, id uuid.UUID
	typ        int
	detail     string
}

func (d *dlrEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tenant, err1 := uuid.Parse(q.Get("tenant"))
	id, err2 := uuid.Parse(q.Get("id"))
	typ, err3 := strconv.Atoi(q.Get("type"))
	if err1 != nil || err2 != nil || err3 != nil || q.Get("sig") != core.SMSReportSignature(d.secret, tenant, id) {
		http.Error(w, "bad report", http.StatusBadRequest)
		return
	}
	rep := dlr{tenant: tenant, id: id, typ: typ, detail: q.Get("detail")}
	d.mu.Lock()
	if d.got == nil {
		d.got = map[uuid.UUID][]int{}
	}
	d.got[id] = append(d.got[id], typ)
	if d.hold[id] {
		d.held = append(d.held, rep)
		d.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		return
	}
	d.mu.Unlock()
	if err := d.g.DeliveryReport(r.Context(), rep.tenant, rep.id, rep.typ, rep.detail); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// reports returns the report types received for a message.
func (d *dlrEndpoint) reports(id uuid.UUID) []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]int(nil), d.got[id]...)
}

// release hands the held reports over, each twice (a gateway retrying).
func (d *dlrEndpoint) release(t *testing.T) {
	d.mu.Lock()
	held := d.held
	d.held, d.hold = nil, nil
	d.mu.Unlock()
	require.NotEmpty(t, held, "reports were held")
	for _, r := range held {
		for range 2 {
			require.NoError(t, d.g.DeliveryReport(context.Background(), r.tenant, r.id, r.typ, r.detail))
		}
	}
}

// dyingKannel is the Kannel provider of a worker killed (SIGKILL) while
// sending: before its request reached Kannel, or right after Kannel took
// the message and before the worker recorded it. The goroutine ends
// there, as the process would: nothing is recorded.
type dyingKannel struct {
	*jobs.Kannel
	afterKannel bool
}

func (k dyingKannel) SendSMS(ctx context.Context, tenant uuid.UUID, m *core.SMS) error {
	if k.afterKannel {
		if err := k.Kannel.SendSMS(ctx, tenant, m); err != nil {
			return err
		}
	}
	runtime.Goexit()
	return nil
}

// onceBundle is a test bundle texting through a real Kannel whose
// reports reach the messaging service.
type onceBundle struct {
	*testBundle
	k      *kanneltest.Kannel
	kannel *jobs.Kannel
	dlr    *dlrEndpoint
	order  *core.WorkOrder
	tech   core.SMSRef // the technician's text (the one whose worker dies)
	marker core.SMSRef // the customer's, sent after it as a marker
}

func setupOnce(t *testing.T) *onceBundle {
	k := kanneltest.Start(t, kanneltest.Options{InboundURL: "http://127.0.0.1:9/unused"})
	b := &onceBundle{testBundle: setup(t, "en"), k: k}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(k.Logs())
		}
	})
	const secret = "dlr-secret-for-tests"
	b.dlr = &dlrEndpoint{g: b.gateway(t), secret: secret}
	srv := httptest.NewServer(b.dlr)
	t.Cleanup(srv.Close)
	b.kannel = jobs.NewKannel(k.SendURL, k.User, k.Password, srv.URL, secret)
	refs := b.captured(&fakeGateway{})
	b.texts.Provider = b.kannel
	b.order = b.intake(t)
	b.handleAll(t)
	require.Len(t, *refs, 2)
	for _, r := range *refs {
		if r.Kind == core.SMSTechnicianAssigned {
			b.tech = r
		} else {
			b.marker = r
		}
	}
	require.NotZero(t, b.tech.ID)
	require.NotZero(t, b.marker.ID)
	return b
}

// dieSending runs the send task of the technician's text on a worker
// that dies mid-send.
func (b *onceBundle) dieSending(t *testing.T, afterKannel bool) {
	b.texts.Provider = dyingKannel{Kannel: b.kannel, afterKannel: afterKannel}
	defer func() { b.texts.Provider = b.kannel }()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.texts.HandleSend(context.Background(), sendTask(t, b.tech))
	}()
	<-done
	status, _ := b.smsOf(t, b.tech.ID)
	require.NotEqual(t, core.SMSQueued, status, "claimed before the worker died")
}

// age moves the technician's claim back by d, if it is still 'sending'.
func (b *onceBundle) age(t *testing.T, d time.Duration) {
	exec(t, b.testBundle, `UPDATE sms_messages SET updated_at = now() - make_interval(secs => $2)
		WHERE id = $1 AND status = 'sending'`, b.tech.ID, d.Seconds())
}

// carrierGot sends the marker text, waits for it at the carrier (Kannel
// hands texts to the fake SMSC in order), and returns how many texts the
// technician's phone received.
func (b *onceBundle) carrierGot(t *testing.T) int {
	require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, b.marker)))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	to := tenantQuery[string](t, b.testBundle, `SELECT recipient FROM sms_messages WHERE id = $1`, b.marker.ID)[0]
	_, err := b.k.WaitFor(ctx, to, b.order.Number)
	require.NoError(t, err)
	tech := tenantQuery[string](t, b.testBundle, `SELECT recipient FROM sms_messages WHERE id = $1`, b.tech.ID)[0]
	n := 0
	for _, m := range b.k.Received() {
		if m.To == tech {
			n++
		}
	}
	return n
}

// settled waits until the technician's text has left 'sending' (its
// report came) and returns its status.
func (b *onceBundle) settled(t *testing.T) string {
	var status string
	require.Eventually(t, func() bool {
		status, _ = b.smsOf(t, b.tech.ID)
		return status != core.SMSSending
	}, 30*time.Second, 50*time.Millisecond, "no report from Kannel")
	return status
}

// timeline is what the order's timeline shows of the technician's text.
func (b *onceBundle) timeline(t *testing.T) []string {
	return tenantQuery[string](t, b.testBundle, `SELECT payload->>'status' FROM work_order_events
		WHERE work_order_id = $1 AND type = 'sms_status' AND payload->>'sms_id' = $2 ORDER BY seq`,
		b.order.ID, b.tech.ID.String())
}

// TestEveryTextSentExactlyOnceThroughKannel: a worker killed mid-send
// with a real Kannel (fake SMSC as the carrier, its reports to the
// messaging service). Killed after Kannel took the text: Kannel's report
// records it sent, and no later task sends it again. Killed before its
// request reached Kannel: no report comes, the text waits out the report
// window after its claim and is then sent again, once. A report reaching
// us only after that resend (held back here) changes the status but not
// the count, and the timeline shows one sent. Each time the carrier got
// the text exactly once.
func TestEveryTextSentExactlyOnceThroughKannel(t *testing.T) {
	t.Parallel()
	if why := kanneltest.Available(); why != "" {
		kanneltest.Start(t, kanneltest.Options{}) // skips, or fails under CI
	}
	t.Run("died after Kannel took it: recorded by its report, never resent", func(t *testing.T) {
		t.Parallel()
		b := setupOnce(t)
		b.dieSending(t, true)
		status := b.settled(t)
		require.Contains(t, []string{core.SMSSent, core.SMSDelivered}, status)
		require.Contains(t, b.dlr.reports(b.tech.ID), core.DLRSMSCSubmit, "Kannel's SMSC-submit report")
		b.age(t, time.Hour)
		for range 2 {
			require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, b.tech)))
		}
		require.Equal(t, 1, b.carrierGot(t), "the carrier got it once")
		require.Equal(t, []int{1}, tenantQuery[int](t, b.testBundle, `SELECT attempts FROM sms_messages WHERE id = $1`, b.tech.ID))
		require.Equal(t, core.SMSSent, b.timeline(t)[1])
	})
	t.Run("died before reaching Kannel: resent once after the window", func(t *testing.T) {
		t.Parallel()
		b := setupOnce(t)
		b.dieSending(t, false)
		require.Error(t, b.texts.HandleSend(context.Background(), sendTask(t, b.tech)), "its worker may be alive")
		b.age(t, 90*time.Second) // dead, but a report could still come
		require.Error(t, b.texts.HandleSend(context.Background(), sendTask(t, b.tech)), "within the report window")
		status, _ := b.smsOf(t, b.tech.ID)
		require.Equal(t, core.SMSSending, status)
		b.age(t, 121*time.Second)
		for range 2 {
			require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, b.tech)))
		}
		require.Equal(t, 1, b.carrierGot(t), "sent again, once")
		require.Contains(t, []string{core.SMSSent, core.SMSDelivered}, b.settled(t))
		require.Equal(t, []int{2}, tenantQuery[int](t, b.testBundle, `SELECT attempts FROM sms_messages WHERE id = $1`, b.tech.ID))
		got := b.timeline(t)
		require.Equal(t, []string{core.SMSQueued, core.SMSSent}, got[:2])
		require.NotContains(t, got[2:], core.SMSSent)
	})
	t.Run("the resend's reports arriving late, twice: one text, one sent", func(t *testing.T) {
		t.Parallel()
		b := setupOnce(t)
		b.dlr.hold = map[uuid.UUID]bool{b.tech.ID: true}
		b.dieSending(t, false)
		b.age(t, 121*time.Second)
		require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, b.tech)))
		require.Equal(t, 1, b.carrierGot(t))
		require.Eventually(t, func() bool { return len(b.dlr.reports(b.tech.ID)) > 0 }, 30*time.Second, 50*time.Millisecond)
		status, _ := b.smsOf(t, b.tech.ID)
		require.Equal(t, core.SMSSent, status, "recorded by the resending worker")
		b.dlr.release(t)
		final, _ := b.smsOf(t, b.tech.ID)
		require.Contains(t, []string{core.SMSSent, core.SMSDelivered}, final)
		b.age(t, time.Hour)
		require.NoError(t, b.texts.HandleSend(context.Background(), sendTask(t, b.tech)))
		require.Equal(t, 1, b.carrierGot(t), "still once")
		want := []string{core.SMSQueued, core.SMSSent}
		if final == core.SMSDelivered {
			want = append(want, core.SMSDelivered)
		}
		require.Equal(t, want, b.timeline(t))
	})
}
