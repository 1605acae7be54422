package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Kannel sends texts through Kannel's sendsms HTTP interface (smsbox).
// Delivery reports come back to CallbackBase + /v1/sms/kannel/dlr, signed
// with Secret (core.SMSReportSignature).
//
// Every message asks for every report (dlr-mask 31), so bearerbox reports
// 8 (SMSC submit) or 16 (SMSC reject) as soon as the SMSC answers its
// submit, then 1 or 2 when the carrier knows. That makes sending exactly
// once when a worker dies mid-send (core.SMSSubmitReporter): a message
// Kannel took is reported within kannelSubmitReportWithin, one with no
// report by then never reached Kannel and is sent again, with the same ID
// in its dlr-url, so a later report still finds it.
//
// The window must outlast how long Kannel may hold a message before the
// SMSC answers (its queue to a slow or reconnecting SMSC) and a report's
// way back to us: a report later than that for a message whose worker
// died between Kannel's answer and its record is the one case that sends
// twice. smsbox's http-request-retry / http-queue-delay make it retry a
// report our API answered 503 (deploy/README.md, "Failure drill").
type Kannel struct {
	SendURL      string // e.g. http://127.0.0.1:13013/cgi-bin/sendsms
	User         string
	Password     string
	CallbackBase string // how Kannel reaches our API, e.g. http://10.0.0.5:8080
	Secret       string
	Client       *http.Client
}

// NewKannel returns a provider with a 20 s request timeout (well below
// smsStuckAfter).
func NewKannel(sendURL, user, password, callbackBase, secret string) *Kannel {
	return &Kannel{SendURL: sendURL, User: user, Password: password, CallbackBase: strings.TrimRight(callbackBase, "/"),
		Secret: secret, Client: &http.Client{Timeout: 20 * time.Second}}
}

var _ core.SMSSubmitReporter = (*Kannel)(nil)

// kannelSubmitReportWithin is how long after the send call Kannel's first
// report of a message it took (8 or 16) can take at most: seconds with a
// connected SMSC, so 2 minutes is generous, and twice smsStuckAfter.
const kannelSubmitReportWithin = 2 * time.Minute

// Name implements core.SMSProvider.
func (*Kannel) Name() string { return "kannel" }

// SubmitReportWithin implements core.SMSSubmitReporter: with no callback
// URL Kannel has nowhere to report, and a dead worker's message is failed
// (at most once).
func (k *Kannel) SubmitReportWithin() time.Duration {
	if k.CallbackBase == "" {
		return 0
	}
	return kannelSubmitReportWithin
}

// SendSMS implements core.SMSProvider. Kannel answers 202 when it took the
// message; 4xx refusals are final (ErrSMSRejected); a request that may
// have reached Kannel without an answer is ErrSMSOutcomeUnknown (settled
// by its report when there is a callback URL); a refused connection or a
// 5xx (Kannel's queue full) is retried. Sending a message again sends the
// same dlr-url: the same ID, the same signature.
func (k *Kannel) SendSMS(ctx context.Context, tenant uuid.UUID, m *core.SMS) error {
	q := url.Values{}
	q.Set("username", k.User)
	q.Set("password", k.Password)
	q.Set("to", m.To)
	if m.From != "" {
		q.Set("from", m.From)
	}
	q.Set("text", m.Body)
	q.Set("charset", "UTF-8")
	if enc, _ := core.SMSSegments(m.Body); enc == core.EncodingUCS2 {
		q.Set("coding", "2")
	} else {
		q.Set("coding", "0")
	}
	if k.CallbackBase != "" {
		dlr := url.Values{}
		dlr.Set("tenant", tenant.String())
		dlr.Set("id", m.ID.String())
		dlr.Set("sig", core.SMSReportSignature(k.Secret, tenant, m.ID))
		// Kannel fills %d (report type) and %A (the SMSC's answer).
		q.Set("dlr-mask", strconv.Itoa(core.DLRMaskAllBits))
		q.Set("dlr-url", k.CallbackBase+"/v1/sms/kannel/dlr?"+dlr.Encode()+"&type=%d&detail=%A")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.SendURL+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSMSRejected, err)
	}
	resp, err := k.Client.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return fmt.Errorf("kannel unreachable: %w", err) // never reached it: retry
		}
		return fmt.Errorf("%w: %v", ErrSMSOutcomeUnknown, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	answer := strings.TrimSpace(string(body))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 500:
		return fmt.Errorf("kannel answered %d: %s", resp.StatusCode, answer)
	default:
		return fmt.Errorf("%w: kannel answered %d: %s", ErrSMSRejected, resp.StatusCode, answer)
	}
}
