package wire

import "google.golang.org/grpc"

// window is the static HTTP/2 flow-control window of the plugin
// connection. Setting it on both sides turns off gRPC's bandwidth-delay
// estimator, whose pings add frames (and process wake-ups) to calls over a
// local socket that has no bandwidth to estimate.
const window = 1 << 20

// DialOptions are the host's gRPC options for a plugin connection.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(window),
		grpc.WithInitialConnWindowSize(window),
	}
}

func serverOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.InitialWindowSize(window),
		grpc.InitialConnWindowSize(window),
	}
}
