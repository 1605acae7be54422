package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aftersales/aftersales/sdk"
)

// erp is a client of the ERP's HTTP JSON API.
type erp struct {
	base    *url.URL
	key     string
	timeout time.Duration
	http    *http.Client
}

// maxAnswer bounds an ERP answer: a part list of thousands fits.
const maxAnswer = 4 << 20

// call sends one request and decodes a 2xx answer into out (may be nil).
// query may be nil; body is marshalled when non-nil; idem is sent as the
// Idempotency-Key header when non-empty.
func (e *erp) call(ctx context.Context, method, path string, query url.Values, body any, idem string, out any) error {
	u := e.base.JoinPath(path)
	u.RawQuery = query.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return sdk.Internal("encoding the ERP request: %v", err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return sdk.Internal("ERP request: %v", err)
	}
	req.Header.Set("X-Api-Key", e.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return sdk.Unavailable("the ERP did not answer %s %s within %s", method, path, e.timeout)
		}
		return sdk.Unavailable("the ERP cannot be reached: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	switch {
	case err != nil:
		return sdk.Unavailable("reading the ERP's answer to %s %s: %v", method, path, err)
	case len(b) > maxAnswer:
		return sdk.Unavailable("the ERP's answer to %s %s is larger than %d bytes", method, path, maxAnswer)
	case resp.StatusCode/100 != 2:
		return statusError(resp.StatusCode, b)
	case out == nil:
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return sdk.Unavailable("the ERP answered %s %s with something unreadable: %v", method, path, err)
	}
	return nil
}

// statusError maps an ERP error answer to an error kind, keeping the ERP's
// message.
func statusError(code int, body []byte) error {
	msg := erpMessage(body)
	switch {
	case code == http.StatusNotFound:
		return sdk.NotFound("ERP: %s", msg)
	case code == http.StatusConflict && erpCode(body) == "insufficient_stock":
		return sdk.InsufficientStock("ERP: %s", msg)
	case code == http.StatusConflict:
		return sdk.Conflict("ERP: %s", msg)
	case code == http.StatusBadRequest || code == http.StatusUnprocessableEntity:
		return sdk.BadRequest("ERP: %s", msg)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return sdk.Unavailable("the ERP refused the binding's api_key (%d): %s", code, msg)
	}
	return sdk.Unavailable("the ERP failed (%d): %s", code, msg)
}

// erpCode is the ERP's {"code": "…"}, if any.
func erpCode(body []byte) string {
	var e struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Code
}

// erpMessage is the ERP's {"error": "…"} or the start of its answer.
func erpMessage(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "no message"
	}
	return fmt.Sprintf("%q", s)
}
