package core

import (
	"context"
	"errors"
	"time"
)

// Call event types a CTI plugin reports.
const (
	CallRinging  = "ringing"
	CallAnswered = "answered"
	CallEnded    = "ended"
	// CallQueued: the call waits in a queue of the phone system, no agent
	// offered yet.
	CallQueued = "queued"
)

// CallEvent is a telephony event, translated from the vendor's payload by
// the tenant's CTI plugin.
type CallEvent struct {
	Type           string    `json:"type" enum:"ringing,answered,ended,queued"`
	CallID         string    `json:"call_id"`
	Caller         string    `json:"caller" doc:"The calling number as the switch gives it."`
	Called         string    `json:"called"`
	AgentExtension string    `json:"agent_extension" doc:"The extension the call rings at or was answered on."`
	RecordingURL   string    `json:"recording_url,omitempty"`
	At             time.Time `json:"at"`
	// Direction (inbound, outbound) and Queue are given by plugins that
	// know them; empty otherwise.
	Direction string `json:"direction,omitempty" enum:"inbound,outbound"`
	Queue     string `json:"queue,omitempty" doc:"The queue or agent group the phone system put the call in."`
}

// CTIPayload is a vendor's raw request to /v1/cti/{binding}/events.
type CTIPayload struct {
	ContentType string
	// Headers are the request's headers, first value each, names canonical.
	Headers map[string]string
	Body    []byte
}

// DialRequest asks the switch to connect an agent's extension to a number.
type DialRequest struct {
	AgentExtension string
	Number         string
	// Reference is the platform's own tag (e.g. the agent's user ID) that
	// the vendor may echo in later call events.
	Reference string
}

// DialResult is the switch's answer to a dial request.
type DialResult struct {
	CallID string `json:"call_id"`
}

// CTIPlugin is a tenant's telephony integration, reached through
// PluginRuntime.CTI.
type CTIPlugin interface {
	// TranslateEvents turns a vendor payload into call events. EINVALID for
	// a payload it cannot read; then nothing else happens.
	TranslateEvents(ctx context.Context, p CTIPayload) ([]CallEvent, error)
	// Dial places an outbound call (click-to-dial). EINVALID for a number
	// the switch refuses.
	Dial(ctx context.Context, r DialRequest) (*DialResult, error)
}

// Agent event types pushed to an agent's open portal sessions.
const (
	AgentEventScreenPop = "screen_pop"
	AgentEventCall      = "call"
)

// AgentEvent is pushed to an agent's open portal sessions over server-sent
// events: a screen pop when a call rings at their extension, call state
// changes after.
type AgentEvent struct {
	Type      string     `json:"type" enum:"screen_pop,call"`
	Call      CallEvent  `json:"call"`
	ScreenPop *ScreenPop `json:"screen_pop,omitempty"`
}

// AgentSync is the full state of a tenant's agent groups that the CTI
// plugin tells the phone system: who is in which group, who is available.
type AgentSync struct {
	Groups []AgentSyncGroup `json:"groups"`
}

// AgentSyncGroup is one group and its members that have an extension.
type AgentSyncGroup struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Skill   string            `json:"skill"`
	Queue   string            `json:"queue"`
	Members []AgentSyncMember `json:"members"`
}

// AgentSyncMember is an agent as the phone system knows it.
type AgentSyncMember struct {
	Extension string `json:"extension"`
	Available bool   `json:"available"`
	State     string `json:"state"`
}

// AgentSyncer is the optional part of a CTIPlugin that tells the phone
// system the agent groups' state.
type AgentSyncer interface {
	// SyncAgents sends the full state; ErrAgentSyncNotSupported when the
	// plugin does not sync agents (built before the method, or not
	// configured for it); EUNPROCESSABLE when it fails (retry later).
	SyncAgents(ctx context.Context, s AgentSync) error
}

// ErrAgentSyncNotSupported: the tenant's CTI plugin does not sync agents.
var ErrAgentSyncNotSupported = errors.New("the CTI plugin does not sync agent groups")
