// Package pluginhost is the platform's side of the plugin protocol: for
// each plugin kind, the go-plugin handshake and plugin sets to launch a
// plugin process with, and a typed client that implements the kind's plain
// Go interface (cti.Plugin, parts.Plugin, dispatchrules.Plugin) over gRPC.
// Callers never see protobuf.
//
// Dispatch rules speak protocol v1 (Rank, ChooseTechnician) and v2
// (Decide); go-plugin negotiates the newest one the plugin serves.
//
// Errors from a typed client are *sdk.Error with the plugin's code
// (sdk.CodeBadRequest, …), sdk.CodeUnavailable when the process is gone or
// unreachable, or context.DeadlineExceeded / context.Canceled (wrapped) when
// the caller's context ended first.
//
// Launching:
//
//	cfg := pluginhost.ClientConfig(pluginhost.CTI, exec.Command(path))
//	cfg.SecureConfig = &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}
//	c := plugin.NewClient(cfg)
//	rpc, err := c.Client()
//	...
//	p, err := pluginhost.DispenseCTI(rpc)
//	err = p.Configure(ctx, bindingConfig)
package pluginhost

import (
	"fmt"
	"os/exec"

	"github.com/hashicorp/go-plugin"

	"github.com/aftersales/aftersales/sdk/cti"
	"github.com/aftersales/aftersales/sdk/dispatchrules"
	"github.com/aftersales/aftersales/sdk/internal/wire"
	"github.com/aftersales/aftersales/sdk/parts"
)

// Kind is a plugin kind, as stored in the platform's plugin registry.
type Kind string

const (
	CTI           Kind = "cti"
	Parts         Kind = "parts"
	DispatchRules Kind = "dispatch_rules"
)

// Kinds lists every kind.
func Kinds() []Kind { return []Kind{CTI, Parts, DispatchRules} }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == CTI || k == Parts || k == DispatchRules }

// Handshake is the handshake every plugin built with the SDK expects: its
// cookie keeps a plugin binary started by hand from waiting for a host.
func Handshake() plugin.HandshakeConfig { return wire.Handshake }

// VersionedPlugins returns the plugin sets of kind for every protocol
// version this host speaks, keyed by version; go-plugin picks the newest
// version the plugin also serves.
func VersionedPlugins(kind Kind) map[int]plugin.PluginSet {
	return wire.HostPlugins(string(kind))
}

// ClientConfig returns a go-plugin client configuration to launch cmd as a
// plugin of kind: handshake, versioned plugin sets, gRPC only, automatic
// mutual TLS. The caller adds what is its own: SecureConfig (the checksum),
// Logger, Stderr, StartTimeout.
func ClientConfig(kind Kind, cmd *exec.Cmd) *plugin.ClientConfig {
	return &plugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: VersionedPlugins(kind),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		GRPCDialOptions:  wire.DialOptions(),
	}
}

// Dispense returns the typed client of kind (a cti.Plugin, parts.Plugin or
// dispatchrules.Plugin) from a started plugin's connection. A binary of
// another kind is not detected here but by its first call (Configure),
// which fails with an sdk.CodeInternal error saying so.
func Dispense(rpc plugin.ClientProtocol, kind Kind) (any, error) {
	raw, err := rpc.Dispense(string(kind))
	if err != nil {
		return nil, fmt.Errorf("plugin does not serve kind %q: %w", kind, err)
	}
	return raw, nil
}

// DispenseCTI is Dispense for a CTI plugin.
func DispenseCTI(rpc plugin.ClientProtocol) (cti.Plugin, error) {
	return dispenseAs[cti.Plugin](rpc, CTI)
}

// DispenseParts is Dispense for a parts plugin.
func DispenseParts(rpc plugin.ClientProtocol) (parts.Plugin, error) {
	return dispenseAs[parts.Plugin](rpc, Parts)
}

// DispenseDispatchRules is Dispense for a dispatch-rules plugin. For a
// plugin speaking protocol v2 the client is a dispatchrules.Decider too,
// whose Decide answers a decision in one call (its Rank and
// ChooseTechnician are Decide calls); for v1 it is not.
func DispenseDispatchRules(rpc plugin.ClientProtocol) (dispatchrules.Plugin, error) {
	return dispenseAs[dispatchrules.Plugin](rpc, DispatchRules)
}

func dispenseAs[T any](rpc plugin.ClientProtocol, kind Kind) (T, error) {
	var zero T
	raw, err := Dispense(rpc, kind)
	if err != nil {
		return zero, err
	}
	p, ok := raw.(T)
	if !ok {
		return zero, fmt.Errorf("plugin kind %q dispensed a %T", kind, raw)
	}
	return p, nil
}
