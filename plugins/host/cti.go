package host

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/sdk/cti"
)

// Bounds on a CTI plugin's answer: one vendor request carries a handful of
// events, and every field ends up in a screen pop or a call log.
const (
	maxCallEvents   = 100
	maxCallField    = 64
	maxRecordingURL = 2048
)

// CTI returns the binding's CTI plugin. Calls run under CallTimeout.
func (h *Host) CTI(_ context.Context, b *core.PluginBinding) (core.CTIPlugin, error) {
	i, err := h.instanceFor(b, core.PluginCTI, false)
	if err != nil {
		return nil, err
	}
	return ctiClient{i}, nil
}

type ctiClient struct{ i *instance }

// TranslateEvents implements core.CTIPlugin.
func (c ctiClient) TranslateEvents(ctx context.Context, p core.CTIPayload) ([]core.CallEvent, error) {
	req := cti.VendorRequest{Headers: http.Header{}, Query: url.Values{}, Body: p.Body}
	for k, v := range p.Headers {
		req.Headers.Set(k, v)
	}
	if p.ContentType != "" && req.Headers.Get("Content-Type") == "" {
		req.Headers.Set("Content-Type", p.ContentType)
	}
	var out []core.CallEvent
	err := c.i.call(ctx, "ParseEvents", c.i.h.opts.CallTimeout, func(ctx context.Context, raw any) error {
		evs, err := raw.(cti.Plugin).ParseEvents(ctx, req)
		if err != nil {
			return err
		}
		out, err = callEvents(evs, time.Now())
		return err
	})
	return out, err
}

// callEvents validates a plugin's events and converts them. An event
// without a time is stamped with now: many switches send none.
func callEvents(evs []cti.CallEvent, now time.Time) ([]core.CallEvent, error) {
	if len(evs) > maxCallEvents {
		return nil, invalidAnswer("%d call events for one request, at most %d", len(evs), maxCallEvents)
	}
	out := make([]core.CallEvent, len(evs))
	for k, e := range evs {
		if !e.Type.Valid() {
			return nil, invalidAnswer("call event type %q", clip(string(e.Type)))
		}
		if e.CallID == "" {
			return nil, invalidAnswer("call event without a call ID")
		}
		if e.Direction != "" && e.Direction != "inbound" && e.Direction != "outbound" {
			return nil, invalidAnswer("call direction %q", clip(e.Direction))
		}
		for _, f := range []string{e.CallID, e.Caller, e.Called, e.AgentExtension, e.Queue} {
			if !utf8.ValidString(f) || len(f) > maxCallField {
				return nil, invalidAnswer("call event field %q is not UTF-8 or longer than %d bytes", clip(f), maxCallField)
			}
		}
		if e.RecordingURL != "" {
			u, err := url.Parse(e.RecordingURL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(e.RecordingURL) > maxRecordingURL {
				return nil, invalidAnswer("recording link %q is not an http(s) URL", clip(e.RecordingURL))
			}
		}
		at := e.At
		if at.IsZero() {
			at = now
		}
		out[k] = core.CallEvent{Type: string(e.Type), CallID: e.CallID, Caller: e.Caller, Called: e.Called,
			AgentExtension: e.AgentExtension, RecordingURL: e.RecordingURL, At: at.UTC(), Direction: e.Direction, Queue: e.Queue}
	}
	return out, nil
}

// Dial implements core.CTIPlugin.
func (c ctiClient) Dial(ctx context.Context, r core.DialRequest) (*core.DialResult, error) {
	var out *core.DialResult
	err := c.i.call(ctx, "Dial", c.i.h.opts.CallTimeout, func(ctx context.Context, raw any) error {
		res, err := raw.(cti.Plugin).Dial(ctx, cti.DialRequest{AgentExtension: r.AgentExtension, Number: r.Number})
		if err != nil {
			return err
		}
		if !utf8.ValidString(res.CallID) || len(res.CallID) > maxCallField {
			return invalidAnswer("call ID %q", clip(res.CallID))
		}
		out = &core.DialResult{CallID: res.CallID}
		return nil
	})
	return out, err
}

// SyncAgents implements core.AgentSyncer for every CTI plugin: one that
// does not sync agents (built before SyncAgents, or not configured for
// it) gives core.ErrAgentSyncNotSupported, which is no failure of the
// plugin.
func (c ctiClient) SyncAgents(ctx context.Context, s core.AgentSync) error {
	in := cti.AgentSync{Groups: make([]cti.AgentGroup, len(s.Groups))}
	for i, g := range s.Groups {
		in.Groups[i] = cti.AgentGroup{ID: g.ID, Name: g.Name, Skill: g.Skill, Queue: g.Queue, Members: make([]cti.Agent, len(g.Members))}
		for k, m := range g.Members {
			in.Groups[i].Members[k] = cti.Agent{Extension: m.Extension, Available: m.Available, State: m.State}
		}
	}
	unsupported := false
	err := c.i.call(ctx, "SyncAgents", c.i.h.opts.CallTimeout, func(ctx context.Context, raw any) error {
		syncer, ok := raw.(cti.AgentSyncer)
		if !ok {
			unsupported = true
			return nil
		}
		err := syncer.SyncAgents(ctx, in)
		if errors.Is(err, cti.ErrSyncNotSupported) {
			unsupported, err = true, nil
		}
		return err
	})
	if err == nil && unsupported {
		return core.ErrAgentSyncNotSupported
	}
	return err
}
