// Package wire is what the plugin kinds share on the wire: the handshake,
// the registry of each kind's go-plugin plugins per protocol version, the
// mapping of sdk errors to gRPC status codes and back, and Serve.
package wire

import (
	"context"
	"errors"
	"fmt"
	"google.golang.org/grpc"
	"sync"

	"github.com/hashicorp/go-plugin"
)

// Handshake is checked by go-plugin on both sides. The cookie only keeps a
// plugin binary run by hand from waiting for a host; it is not a secret.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1, // only used when no VersionedPlugins are given
	MagicCookieKey:   "AFTERSALES_PLUGIN_COOKIE",
	MagicCookieValue: "7f3b2c0e-aftersales-plugin-protocol",
}

var (
	mu   sync.Mutex
	host = map[string]map[int]func() plugin.Plugin{}
)

// Register records kind's host-side plugin for protocol version. Each kind
// package registers its versions in init, so that pluginhost, which imports
// the kinds, knows them all.
func Register(kind string, version int, hostSide func() plugin.Plugin) {
	mu.Lock()
	defer mu.Unlock()
	if host[kind] == nil {
		host[kind] = map[int]func() plugin.Plugin{}
	}
	if _, dup := host[kind][version]; dup {
		panic(fmt.Sprintf("wire: %s v%d registered twice", kind, version))
	}
	host[kind][version] = hostSide
}

// HostPlugins returns kind's plugin sets per version for a go-plugin
// client; empty for an unknown kind.
func HostPlugins(kind string) map[int]plugin.PluginSet {
	mu.Lock()
	defer mu.Unlock()
	sets := make(map[int]plugin.PluginSet, len(host[kind]))
	for v, f := range host[kind] {
		sets[v] = plugin.PluginSet{kind: f()}
	}
	return sets
}

// GRPCPlugin is one protocol version of a kind for go-plugin: RegisterServer is set
// on the plugin's side (it registers the kind's service), NewClient on the
// host's (it wraps the connection in the kind's typed client).
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	RegisterServer func(*grpc.Server)
	NewClient      func(*grpc.ClientConn) any
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.RegisterServer == nil {
		return errors.New("wire: host-side plugin cannot serve")
	}
	p.RegisterServer(s)
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	if p.NewClient == nil {
		return nil, errors.New("wire: plugin-side plugin has no client")
	}
	return p.NewClient(c), nil
}
