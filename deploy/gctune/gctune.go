// Package gctune sets the garbage collector of the platform's server
// processes. It is process configuration, so it lives with the deployment,
// not in core: `aftersales serve` applies it at start, and benchmarks of
// what runs in the server apply it to measure what production runs.
package gctune

import (
	"os"
	"runtime/debug"
)

// ServerPercent is the garbage collector's target (as GOGC) of the
// platform's server processes. Dispatch decisions allocate their rankings
// and reasons, and with Go's default of 100 a server whose live heap is
// small collected every few milliseconds: the slowest percent of dispatch
// decisions took several times the median. Bound the heap with GOMEMLIMIT
// (the Helm chart sets it below the container's memory limit).
const ServerPercent = 400

// ForServer applies ServerPercent unless GOGC is set in the environment.
func ForServer() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(ServerPercent)
	}
}
