package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"time"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
)

// Limits of the format; the platform refuses longer fields from a plugin.
const (
	maxEvents    = 100
	maxField     = 64
	maxRecording = 2048
)

// event is one event object of the generic format.
type event struct {
	Event          string `json:"event"`
	CallID         string `json:"call_id"`
	Caller         string `json:"caller"`
	Called         string `json:"called"`
	AgentExtension string `json:"agent_extension"`
	RecordingURL   string `json:"recording_url"`
	Timestamp      string `json:"timestamp"`
	Direction      string `json:"direction"`
	Queue          string `json:"queue"`
}

// parseEvents reads a body of the generic format; every error is a bad
// request.
func parseEvents(body []byte) ([]cti.CallEvent, error) {
	raw, err := batch(body)
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, sdk.BadRequest("no events in the payload")
	}
	if len(raw) > maxEvents {
		return nil, sdk.BadRequest("%d events in one payload, at most %d", len(raw), maxEvents)
	}
	out := make([]cti.CallEvent, len(raw))
	for i, m := range raw {
		var e event
		if err := json.Unmarshal(m, &e); err != nil {
			return nil, sdk.BadRequest("events[%d]: %v", i, err)
		}
		if out[i], err = e.callEvent(); err != nil {
			return nil, sdk.BadRequest("events[%d]: %v", i, err)
		}
	}
	return out, nil
}

// batch splits the body into event objects: one object, an array, or
// {"events": [...]}.
func batch(body []byte) ([]json.RawMessage, error) {
	var v json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&v); err != nil {
		return nil, sdk.BadRequest("payload is not JSON: %v", err)
	}
	if dec.More() {
		return nil, sdk.BadRequest("payload has more than one JSON value")
	}
	switch bytes.TrimLeft(v, " \t\r\n")[0] {
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, sdk.BadRequest("payload: %v", err)
		}
		return list, nil
	case '{':
		var wrapped struct {
			Events *[]json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal(v, &wrapped); err != nil {
			return nil, sdk.BadRequest("payload: %v", err)
		}
		if wrapped.Events != nil {
			return *wrapped.Events, nil
		}
		return []json.RawMessage{v}, nil
	}
	return nil, sdk.BadRequest("payload must be a JSON object or array")
}

func (e event) callEvent() (cti.CallEvent, error) {
	typ := cti.EventType(e.Event)
	switch {
	case !typ.Valid():
		return cti.CallEvent{}, sdk.BadRequest("event must be queued, ringing, answered or ended, got %q", e.Event)
	case e.CallID == "":
		return cti.CallEvent{}, sdk.BadRequest("call_id is required")
	case typ == cti.Ringing && e.Caller == "":
		return cti.CallEvent{}, sdk.BadRequest("caller is required for ringing")
	case (typ == cti.Ringing || typ == cti.Answered) && e.AgentExtension == "":
		return cti.CallEvent{}, sdk.BadRequest("agent_extension is required for %s", typ)
	case typ == cti.Queued && e.Queue == "":
		return cti.CallEvent{}, sdk.BadRequest("queue is required for queued")
	case e.Direction != "" && e.Direction != "inbound" && e.Direction != "outbound":
		return cti.CallEvent{}, sdk.BadRequest("direction must be inbound or outbound, got %q", e.Direction)
	case e.Timestamp == "":
		return cti.CallEvent{}, sdk.BadRequest("timestamp is required")
	}
	for name, f := range map[string]string{"call_id": e.CallID, "caller": e.Caller, "called": e.Called, "agent_extension": e.AgentExtension, "queue": e.Queue} {
		if len(f) > maxField {
			return cti.CallEvent{}, sdk.BadRequest("%s is longer than %d bytes", name, maxField)
		}
	}
	if e.RecordingURL != "" {
		u, err := url.Parse(e.RecordingURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(e.RecordingURL) > maxRecording {
			return cti.CallEvent{}, sdk.BadRequest("recording_url must be an http(s) URL of at most %d characters", maxRecording)
		}
	}
	at, err := time.Parse(time.RFC3339Nano, e.Timestamp)
	if err != nil {
		return cti.CallEvent{}, sdk.BadRequest("timestamp must be RFC 3339 with a zone, e.g. 2026-11-23T09:30:00+08:00")
	}
	return cti.CallEvent{
		Type: typ, CallID: e.CallID, Caller: e.Caller, Called: e.Called,
		AgentExtension: e.AgentExtension, RecordingURL: e.RecordingURL, At: at.UTC(),
		Direction: e.Direction, Queue: e.Queue,
	}, nil
}
