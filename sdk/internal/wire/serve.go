package wire

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/aftersales/aftersales/sdk"
)

// Serve serves one kind's plugins, one per protocol version, and returns
// when the host stops the plugin. A panic in a call becomes an Internal
// error (logged with its stack) instead of killing the process, and every
// error leaves as a status carrying its sdk code.
func Serve(kind string, versions map[int]plugin.Plugin, opts []sdk.ServeOption) {
	o := sdk.ServeOptions{GCPercent: 400}
	for _, f := range opts {
		f(&o)
	}
	if o.Logger == nil {
		o.Logger = sdk.Logger()
	}
	if _, set := os.LookupEnv("GOGC"); !set && o.GCPercent >= 0 {
		debug.SetGCPercent(o.GCPercent)
	}
	sets := make(map[int]plugin.PluginSet, len(versions))
	for v, p := range versions {
		sets[v] = plugin.PluginSet{kind: p}
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: sets,
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			opts = append(opts, serverOptions()...)
			return grpc.NewServer(append(opts, grpc.ChainUnaryInterceptor(intercept(o)))...)
		},
	})
}

func intercept(o sdk.ServeOptions) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				o.Logger.Error("plugin panicked", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				resp, err = nil, ToStatus(sdk.Internal("plugin panicked: %v", r))
			}
		}()
		resp, err = h(ctx, req)
		if err != nil {
			return nil, ToStatus(err)
		}
		return resp, nil
	}
}
