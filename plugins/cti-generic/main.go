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
	"sync/atomic"
	"time"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
)

type config struct {
	DialURL   string `json:"dial_url"`
	DialToken string `json:"dial_token"`
	CallerID  string `json:"caller_id"`
	TimeoutMS int    `json:"timeout_ms"`
}

func parseConfig(raw json.RawMessage) (*config, error) {
	c := &config{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, sdk.BadRequest("configuration: %v", err)
	}
	if c.DialURL != "" {
		u, err := url.Parse(c.DialURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, sdk.BadRequest("configuration: dial_url must be an http(s) URL")
		}
	}
	if c.TimeoutMS < 0 {
		return nil, sdk.BadRequest("configuration: timeout_ms must not be negative")
	}
	if c.TimeoutMS == 0 {
		c.TimeoutMS = 4000
	}
	return c, nil
}

type plugin struct {
	cfg    atomic.Pointer[config]
	client *http.Client
}

func (p *plugin) Configure(_ context.Context, raw json.RawMessage) error {
	c, err := parseConfig(raw)
	if err != nil {
		return err
	}
	p.cfg.Store(c)
	return nil
}

func (p *plugin) ParseEvents(_ context.Context, req cti.VendorRequest) ([]cti.CallEvent, error) {
	return parseEvents(req.Body)
}

func (p *plugin) Dial(ctx context.Context, req cti.DialRequest) (cti.DialResult, error) {
	c := p.cfg.Load()
	switch {
	case c == nil || c.DialURL == "":
		return cti.DialResult{}, sdk.BadRequest("click-to-dial is not configured for this binding (no dial_url)")
	case req.AgentExtension == "" || req.Number == "":
		return cti.DialResult{}, sdk.BadRequest("an agent extension and a number are required")
	}
	call := map[string]string{"agent_extension": req.AgentExtension, "number": req.Number, "caller_id": c.CallerID}
	if req.Reference != "" {
		call["reference"] = req.Reference
	}
	body, _ := json.Marshal(call)
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.TimeoutMS)*time.Millisecond)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.DialURL, bytes.NewReader(body))
	if err != nil {
		return cti.DialResult{}, sdk.Internal("dial request: %v", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if c.DialToken != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.DialToken)
	}
	resp, err := p.client.Do(hreq)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return cti.DialResult{}, sdk.Unavailable("the telephony system did not answer within %d ms", c.TimeoutMS)
		}
		return cti.DialResult{}, sdk.Unavailable("the telephony system cannot be reached: %v", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 500:
		return cti.DialResult{}, sdk.Unavailable("the telephony system failed: %s", status(resp, answer))
	case resp.StatusCode >= 400:
		return cti.DialResult{}, sdk.BadRequest("the telephony system refused the call: %s", status(resp, answer))
	case resp.StatusCode >= 300:
		return cti.DialResult{}, sdk.Unavailable("the telephony system answered %s", resp.Status)
	}
	var res struct {
		CallID string `json:"call_id"`
	}
	_ = json.Unmarshal(answer, &res) // the call ID is optional; an empty or odd body still placed the call
	return cti.DialResult{CallID: res.CallID}, nil
}

// status is the vendor's status line and the start of its answer, for
// the agent's error message.
func status(resp *http.Response, body []byte) string {
	const keep = 200
	if len(body) > keep {
		body = body[:keep]
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return resp.Status
	}
	return fmt.Sprintf("%s: %s", resp.Status, bytes.TrimSpace(body))
}

// main serves the plugin. Its client follows no redirect: the platform
// checked the configured URL against its egress guard (no private or
// internal addresses), and a redirect could lead anywhere; a 3xx is an
// answer.
func main() {
	cti.Serve(&plugin{client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}})
}
