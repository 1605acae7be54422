package wire

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/aftersales/aftersales/sdk"
)

// Serve serves one kind's plugins, one per protocol version, and returns
// when the host stops the plugin. It changes the process's GOGC and
// GOMAXPROCS only when opts ask it to (and the environment does not set
// them). A panic in a call becomes an Internal
// error (logged with its stack) instead of killing the process, and every
// error leaves as a status carrying its sdk code.
func Serve(kind string, versions map[int]plugin.Plugin, opts []sdk.ServeOption) {
	o := Options(opts)
	if _, set := os.LookupEnv("GOGC"); !set && o.GCPercent > 0 {
		debug.SetGCPercent(o.GCPercent)
	}
	if _, set := os.LookupEnv("GOMAXPROCS"); !set && o.MaxProcs > 0 {
		runtime.GOMAXPROCS(o.MaxProcs)
	}
	sets := make(map[int]plugin.PluginSet, len(versions))
	for v, p := range versions {
		sets[v] = plugin.PluginSet{kind: p}
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: sets,
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, ServerOptions(o)...)...)
		},
	})
}

// Options applies opts to the defaults.
func Options(opts []sdk.ServeOption) sdk.ServeOptions {
	var o sdk.ServeOptions
	for _, f := range opts {
		f(&o)
	}
	if o.Logger == nil {
		o.Logger = sdk.Logger()
	}
	return o
}

// ServerOptions are a plugin's gRPC server options: tuning, and the
// interceptor that guards every unary call (Guard).
func ServerOptions(o sdk.ServeOptions) []grpc.ServerOption {
	return append(serverOptions(), grpc.ChainUnaryInterceptor(intercept(o)))
}

func intercept(o sdk.ServeOptions) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
		err = Guard(o.Logger, info.FullMethod, func() (err error) {
			resp, err = h(ctx, req)
			return err
		})
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// Guard runs a call's handler: a panic becomes an Internal error, logged
// with its stack to log, and the error leaves as a status carrying its sdk
// code (ToStatus).
func Guard(log *slog.Logger, method string, h func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Error("plugin panicked", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = ToStatus(sdk.Internal("plugin panicked: %v", r))
		}
	}()
	return ToStatus(h())
}
