// Command cti is a CTI test plugin for the host's tests: the vendor body
// is a JSON list of events in the SDK's shape; mode "garbage" answers an
// event of an unknown type.
package main

import (
	"context"
	"encoding/json"

	"github.com/aftersales/aftersales/plugins/host/testdata/control"
	"github.com/aftersales/aftersales/sdk"
	"github.com/aftersales/aftersales/sdk/cti"
)

type switchboard struct{ control.Holder }

func (s *switchboard) ParseEvents(_ context.Context, req cti.VendorRequest) ([]cti.CallEvent, error) {
	var evs []cti.CallEvent
	if err := json.Unmarshal(req.Body, &evs); err != nil {
		return nil, sdk.BadRequest("body: %v", err)
	}
	if s.Config().Mode() == "garbage" {
		evs = append(evs, cti.CallEvent{Type: "exploded", CallID: "x"})
	}
	return evs, nil
}

func (s *switchboard) Dial(_ context.Context, req cti.DialRequest) (cti.DialResult, error) {
	if req.Number == "" {
		return cti.DialResult{}, sdk.BadRequest("no number")
	}
	return cti.DialResult{CallID: "call-" + req.AgentExtension + "-" + req.Number}, nil
}

func main() { cti.Serve(&switchboard{}) }
