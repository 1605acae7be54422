package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/webhook"
)

// HandleTask is the Asynq handler of TypeWebhookDelivery. It returns nil
// even when the attempt could not be recorded: the delivery stays due in
// the database, and the sweeper hands it out again, under this task ID,
// which must therefore not linger in Asynq's retry or archive sets.
func (w *Webhooks) HandleTask(ctx context.Context, t *asynq.Task) error {
	var d core.WebhookDue
	if err := json.Unmarshal(t.Payload(), &d); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	if err := w.Deliver(ctx, d); err != nil {
		w.log.Warn("webhook attempt not recorded; the sweeper retries it", "delivery_id", d.ID, "err", err)
	}
	return nil
}

// Deliver makes one attempt of a due delivery and records it.
func (w *Webhooks) Deliver(ctx context.Context, d core.WebhookDue) error {
	var send *core.WebhookSend
	err := core.InUnitOfWork(ctx, w.tx, d.TenantID, func(u core.UnitOfWork) error {
		var err error
		send, err = w.store.StartWebhookAttempt(ctx, u, d.ID, w.clock.Now(), w.Timeout+30*time.Second)
		return err
	})
	if err != nil || send == nil {
		return err // nil: deleted with its endpoint, done, or taken by another worker
	}
	res := w.post(ctx, send)
	if !res.Delivered {
		res.RetryAt = w.retryAt(res.At, send.Attempt)
	}
	// The attempt was made: record it through a dropped connection or a
	// database restart, retrying (recording is idempotent), else the
	// sweeper would post a delivered event again once its lease ran out.
	wctx := context.WithoutCancel(ctx)
	return retrySoon(wctx, webhookRecordFor, func() error {
		return core.InUnitOfWork(wctx, w.tx, d.TenantID, func(u core.UnitOfWork) error {
			reason, err := webhook.FinishAttempt(wctx, w.store, u, res, w.Disable)
			if reason != "" {
				w.log.Warn("webhook endpoint disabled", "tenant_id", d.TenantID, "endpoint_id", send.EndpointID, "reason", reason)
			}
			return err
		})
	})
}

// webhookRecordFor is how long a worker keeps trying to record an
// attempt: longer than a database restart behind a pooler, shorter than
// the attempt's lease (Timeout + 30 s by default).
const webhookRecordFor = 30 * time.Second

// post sends one signed attempt (Standard Webhooks headers) and reports
// what came back.
func (w *Webhooks) post(ctx context.Context, s *core.WebhookSend) core.WebhookResult {
	at := w.clock.Now()
	res := core.WebhookResult{DeliveryID: s.ID, EndpointID: s.EndpointID, N: s.N, At: at}
	id := s.ID.String()
	sig, err := core.SignWebhook(s.Secret, id, at, s.Body)
	if err == nil && s.PreviousSecret != "" {
		var prev string
		prev, err = core.SignWebhook(s.PreviousSecret, id, at, s.Body)
		sig += " " + prev // receivers accept any listed signature
	}
	if err != nil {
		res.Error = err.Error()
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(s.Body))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "aftersales-webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	resp, err := w.http.Do(req)
	if err != nil {
		res.Duration, res.Error = time.Since(start), err.Error()
		return res
	}
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, w.ResponseLimit))
	resp.Body.Close()
	res.Duration, res.StatusCode = time.Since(start), resp.StatusCode
	res.Response = string(bytes.ToValidUTF8(excerpt, []byte("?")))
	res.Delivered = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !res.Delivered {
		res.Error = "HTTP " + resp.Status
	}
	return res
}
