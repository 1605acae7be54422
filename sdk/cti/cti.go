// Package cti is the CTI (telephony) plugin kind. Telephony vendors post
// their call events to the platform (POST /v1/cti/{binding}/events); the
// platform hands the raw request to the tenant's CTI plugin, which
// translates the vendor's payload into CallEvents (a ringing call pops the
// caller's record on the agent's screen). For click-to-dial the platform
// asks the plugin to place an outbound call.
//
// A plugin implements Plugin and calls Serve from main. A complete, tested
// plugin to start from is in the example directory (sdk/cti/example): its
// main_test.go builds the binary and runs it through sdk/plugintest. A payload the
// plugin cannot understand must come back as sdk.BadRequest: the platform
// then answers the vendor with a 4xx and does nothing else.
package cti

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/aftersales/aftersales/sdk"
)

// EventType is what happened to a call.
type EventType string

const (
	Ringing  EventType = "ringing"  // the call is offered to an agent's extension
	Answered EventType = "answered" // the agent picked up
	Ended    EventType = "ended"    // the call is over (answered or not)
	// Queued: the call waits in a queue of the switch, no agent offered
	// yet (the supervisors' board counts it). Hosts before the call log
	// refuse it: send it only to a platform that documents it.
	Queued EventType = "queued"
)

// Valid reports whether t is one of the event types.
func (t EventType) Valid() bool { return t == Ringing || t == Answered || t == Ended || t == Queued }

// CallEvent is one call event in the platform's terms.
type CallEvent struct {
	Type           EventType
	CallID         string // the vendor's call ID; events of one call share it
	Caller         string // the calling number, as the vendor gave it
	Called         string // the number called (the hotline)
	AgentExtension string // the extension ringing or talking; may be empty for Ended
	RecordingURL   string // a link to the recording, usually on Ended; may be empty
	At             time.Time
	// Direction is "inbound" or "outbound" when the switch says; "" for
	// unknown (the platform then takes the call as inbound).
	Direction string
	// Queue is the switch's queue or agent group the call is in; may be
	// empty.
	Queue string
}

// VendorRequest is the vendor's HTTP request as the platform received it.
type VendorRequest struct {
	Headers http.Header
	Query   url.Values
	Body    []byte
}

// DialRequest asks for an outbound call: the agent's extension rings first,
// then Number is called.
type DialRequest struct {
	AgentExtension string
	Number         string
	// Reference is the platform's own tag for the call (e.g. the agent's
	// user ID); a plugin may pass it to the vendor to correlate the call's
	// events, or ignore it.
	Reference string
}

// DialResult is the vendor's answer to a dial request.
type DialResult struct {
	CallID string // the vendor's call ID, when it gives one
}

// Plugin is the interface a CTI plugin implements. The platform calls
// Configure once after starting the process, before anything else; the
// other methods may then be called concurrently.
type Plugin interface {
	// Configure receives the binding's configuration (JSON, secrets
	// included). A configuration the plugin cannot use: sdk.BadRequest.
	Configure(ctx context.Context, config json.RawMessage) error
	// ParseEvents translates one vendor request into zero or more call
	// events. Malformed or incomplete payloads: sdk.BadRequest.
	ParseEvents(ctx context.Context, req VendorRequest) ([]CallEvent, error)
	// Dial places a click-to-dial call. Vendor down or refusing:
	// sdk.Unavailable; bad number or extension: sdk.BadRequest.
	Dial(ctx context.Context, req DialRequest) (DialResult, error)
}

// Serve serves impl to the host over the plugin protocol and returns when
// the host stops the plugin. Call it from main; it never returns early.
func Serve(impl Plugin, opts ...sdk.ServeOption) { serve(impl, opts) }
