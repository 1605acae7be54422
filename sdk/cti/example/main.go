// Command example is a complete CTI plugin for an imaginary vendor that
// reports call events as query parameters (?event=ringing&call=…&from=…&to=…&ext=…)
// and places calls when asked. It is the smallest plugin worth copying; the
// platform's reference plugin plugins/cti-generic is a fuller one.
//
// Build it with `go build -o example-cti .` and register the binary with
// the platform (see sdk/README.md).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
)

type config struct {
	Trunk string `json:"trunk"` // prefix dialled before outside numbers
}

// logger's lines reach the platform's log, tagged with tenant and plugin.
var logger = sdk.Logger()

type plugin struct {
	cfg   atomic.Pointer[config]
	calls atomic.Int64
}

func (p *plugin) Configure(_ context.Context, raw json.RawMessage) error {
	var c config
	if err := json.Unmarshal(raw, &c); err != nil {
		return sdk.BadRequest("configuration: %v", err)
	}
	p.cfg.Store(&c)
	return nil
}

func (p *plugin) ParseEvents(_ context.Context, req cti.VendorRequest) ([]cti.CallEvent, error) {
	q := req.Query
	e := cti.CallEvent{
		Type: cti.EventType(q.Get("event")), CallID: q.Get("call"),
		Caller: q.Get("from"), Called: q.Get("to"), AgentExtension: q.Get("ext"),
		RecordingURL: q.Get("recording"), At: time.Now().UTC(),
	}
	if !e.Type.Valid() || e.CallID == "" {
		return nil, sdk.BadRequest("event must be ringing, answered or ended, and call is required")
	}
	return []cti.CallEvent{e}, nil
}

func (p *plugin) Dial(_ context.Context, req cti.DialRequest) (cti.DialResult, error) {
	if req.AgentExtension == "" || req.Number == "" {
		return cti.DialResult{}, sdk.BadRequest("extension and number are required")
	}
	n := p.calls.Add(1)
	logger.Info("dialling", "extension", req.AgentExtension, "number", p.cfg.Load().Trunk+req.Number)
	return cti.DialResult{CallID: fmt.Sprintf("example-%d", n)}, nil
}

func main() { cti.Serve(&plugin{}) }
