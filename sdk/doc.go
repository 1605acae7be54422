// Package sdk is what integrators import to extend the aftersales platform
// with plugins: CTI (telephony), ERP parts and dispatch rules, each a
// separate process that the platform starts for one tenant's binding and
// talks to over gRPC (hashicorp/go-plugin), speaking a versioned protocol.
// It is its own Go module and imports nothing of the platform.
//
// A plugin is a main package that implements one kind's interface and calls
// that kind's Serve:
//
//	func main() { cti.Serve(&myPlugin{}) }
//
// The kinds are in sdk/cti, sdk/parts and sdk/dispatchrules; sdk/plugintest
// tests a built plugin binary against an in-test host; sdk/pluginhost is the
// platform's side. This package holds what the kinds share: the error kinds
// that cross the wire (BadRequest, NotFound, Unavailable, Internal), a
// logger whose lines the host tags with tenant and plugin, and Serve options.
// README.md (in the module's root) is the integrator's guide: write, test,
// build, register, bind, debug.
package sdk

// ProtocolVersion is the newest plugin protocol version this SDK speaks,
// of any kind: dispatch rules speak 1 and 2 (dispatchrules.ProtocolVersion);
// CTI and parts speak 1. A plugin built with this SDK serves every version
// of its kind it can; the host picks the newest one both sides share, so a
// v2 host keeps running v1 plugins.
const ProtocolVersion = 2
