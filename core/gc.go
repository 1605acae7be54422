package core

import (
	"os"
	"runtime/debug"
)

// ServerGCPercent is the garbage collector's target (as GOGC) of the
// platform's server processes. Dispatch decisions allocate their rankings
// and reasons, and with Go's default of 100 a server whose live heap is
// small collected every few milliseconds: the slowest percent of dispatch
// decisions took several times the median. Bound the heap with GOMEMLIMIT
// (the Helm chart sets it below the container's memory limit).
const ServerGCPercent = 400

// TuneGC applies ServerGCPercent unless GOGC is set in the environment.
// `aftersales serve` calls it at start; so do benchmarks of what runs in
// the server, to measure what production runs.
func TuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(ServerGCPercent)
	}
}
