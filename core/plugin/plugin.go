// Package plugin holds the use cases of tenants' plugins: the platform's
// registry of plugin binaries, tenants' bindings with their configuration
// and secrets (checked with the plugin before they are saved), the CTI
// endpoint's call events and agents' extensions and dialling, and the
// parts catalogue passed through to a tenant's ERP. It decides; the
// Repository of its Store (the PostgreSQL adapter, or the in-memory fake
// of core/coretest) only reads and writes, and core.PluginRuntime (the
// plugin host) runs the plugins.
package plugin

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aftersales/aftersales/core"
)

// Service runs the plugin use cases. A method given a unit of work works
// in it and leaves committing to its caller; the CTI endpoint's use cases
// (AuthenticateCTI, ReceiveCallEvents) have no request unit and open
// their own.
type Service struct {
	store   Store
	units   core.UnitsOfWork
	runtime core.PluginRuntime
	events  AgentEventBus
	calls   CallLog
	egress  *core.EgressGuard
	clock   core.Clock
	log     *slog.Logger
}

// Config is what a Service is built from.
type Config struct {
	Store Store
	// Units opens the units of the CTI endpoint.
	Units core.UnitsOfWork
	// Runtime runs the plugins (nil: plugins are registered and bound but
	// not run, and what needs them answers ErrNoRuntime).
	Runtime core.PluginRuntime
	// Events delivers agent events to this replica's portal sessions
	// (nil: none are streamed).
	Events AgentEventBus
	// Calls logs the calls (nil: no call log).
	Calls CallLog
	// Egress checks every URL of a binding's configuration, which the
	// plugin calls on the tenant's behalf, when it is saved and before
	// each use of the plugin (nil: unchecked; tests without a network).
	Egress *core.EgressGuard
	Clock  core.Clock   // nil: the system clock
	Log    *slog.Logger // nil: discarded
}

// NewService returns the plugin use cases.
func NewService(c Config) *Service {
	if c.Clock == nil {
		c.Clock = core.SystemClock{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: c.Store, units: c.Units, runtime: c.Runtime, events: c.Events, calls: c.Calls, egress: c.Egress, clock: c.Clock, log: c.Log}
}

// ErrNoRuntime answers what needs a plugin run on a server that runs none.
var ErrNoRuntime = core.Errorf(core.EUNPROCESSABLE, "plugins are not available on this server")

// Runs tells whether this server runs plugins.
func (s *Service) Runs() bool { return s.runtime != nil }

// StreamsAgentEvents tells whether this server streams agent events.
func (s *Service) StreamsAgentEvents() bool { return s.events != nil }

// checkEgress checks the URLs of a binding's configuration (EINVALID
// naming the field); nil config, or no guard, passes.
func (s *Service) checkEgress(ctx context.Context, config json.RawMessage) error {
	if s.egress == nil || config == nil {
		return nil
	}
	return s.egress.CheckConfigURLs(ctx, config)
}

// now is the clock's time at the database's precision.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }
