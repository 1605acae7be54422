// Package sdk is what integrators import to extend the aftersales platform
// with plugins: CTI, ERP parts and dispatch rules, each a separate process
// speaking a versioned protocol. It is its own Go module and imports nothing
// of the platform.
//
// The plugin kinds and their Serve entry points arrive with the plugins
// work; ProtocolVersion names the protocol they will speak.
package sdk

// ProtocolVersion is the plugin protocol version this SDK speaks.
const ProtocolVersion = 1
