//go:build linux

package embedded

import (
	"fmt"

	"github.com/alicebob/miniredis/v2"
)

// inProcessWarning is deliberately blunt: an operator skimming the log must
// understand that this setup loses work on every restart.
const inProcessWarning = "embedded: NO redis-server FOUND - USING AN IN-PROCESS, IN-MEMORY REDIS. " +
	"QUEUED JOBS AND SCHEDULED TASKS DO NOT SURVIVE A RESTART. " +
	"Install redis-server (Debian/Ubuntu: apt-get install redis-server) or set REDIS_URL for production."

// startInProcessRedis serves miniredis on loopback only, so that a first run
// works on a machine without Redis. The job system only needs the commands
// and Lua scripting miniredis provides.
func startInProcessRedis(cfg Config, reason string) (*Redis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded: start in-process redis: %w", err)
	}
	cfg.Logger.Warn(inProcessWarning, "reason", reason, "addr", m.Addr())
	return &Redis{cfg: cfg, mini: m}, nil
}
