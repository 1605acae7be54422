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
	// AgentsURL receives the agent groups' state (SyncAgents); optional.
	AgentsURL   string `json:"agents_url"`
	AgentsToken string `json:"agents_token"`
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
	if c.AgentsURL != "" {
		u, err := url.Parse(c.AgentsURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, sdk.BadRequest("configuration: agents_url must be an http(s) URL")
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
	answer, err := p.post(ctx, c, c.DialURL, c.DialToken, call, "the call")
	if err != nil {
		return cti.DialResult{}, err
	}
	var res struct {
		CallID string `json:"call_id"`
	}
	_ = json.Unmarshal(answer, &res) // the call ID is optional; an empty or odd body still placed the call
	return cti.DialResult{CallID: res.CallID}, nil
}

// post POSTs v as JSON to target and returns the vendor's 2xx answer: a
// 4xx is a bad request (what names the refused thing), a 5xx, a timeout
// or no connection "unavailable".
func (p *plugin) post(ctx context.Context, c *config, target, token string, v any, what string) ([]byte, error) {
	body, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.TimeoutMS)*time.Millisecond)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, sdk.Internal("request: %v", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if token != "" {
		hreq.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.client.Do(hreq)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, sdk.Unavailable("the telephony system did not answer within %d ms", c.TimeoutMS)
		}
		return nil, sdk.Unavailable("the telephony system cannot be reached: %v", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 500:
		return nil, sdk.Unavailable("the telephony system failed: %s", status(resp, answer))
	case resp.StatusCode >= 400:
		return nil, sdk.BadRequest("the telephony system refused %s: %s", what, status(resp, answer))
	case resp.StatusCode >= 300:
		return nil, sdk.Unavailable("the telephony system answered %s", resp.Status)
	}
	return answer, nil
}

// syncGroup and syncAgent are the JSON the vendor receives at agents_url.
type syncGroup struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Skill   string      `json:"skill"`
	Queue   string      `json:"queue"`
	Members []syncAgent `json:"members"`
}

type syncAgent struct {
	Extension string `json:"extension"`
	Available bool   `json:"available"`
	State     string `json:"state"`
}

// SyncAgents POSTs the agent groups' state to agents_url; without one the
// binding does not sync agents.
func (p *plugin) SyncAgents(ctx context.Context, s cti.AgentSync) error {
	c := p.cfg.Load()
	if c == nil || c.AgentsURL == "" {
		return cti.ErrSyncNotSupported
	}
	groups := make([]syncGroup, len(s.Groups))
	for i, g := range s.Groups {
		groups[i] = syncGroup{ID: g.ID, Name: g.Name, Skill: g.Skill, Queue: g.Queue, Members: make([]syncAgent, len(g.Members))}
		for k, m := range g.Members {
			groups[i].Members[k] = syncAgent{Extension: m.Extension, Available: m.Available, State: m.State}
		}
	}
	_, err := p.post(ctx, c, c.AgentsURL, c.AgentsToken, map[string]any{"groups": groups}, "the agent groups")
	return err
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
