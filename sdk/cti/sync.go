package cti

import (
	"context"
	"errors"
)

// AgentSync is the full state of a tenant's agent groups (坐席组): who is
// in which group and who is available. The platform sends it whenever a
// membership or an agent's availability changes; the latest one replaces
// whatever the phone system was told before.
type AgentSync struct {
	Groups []AgentGroup
}

// AgentGroup is one agent group with its members.
type AgentGroup struct {
	ID    string // the platform's ID of the group
	Name  string
	Skill string // repair, installation, complaints, consultation, or a product line's code
	Queue string // the switch's queue ID the group answers; may be empty
	// Members are the group's agents that have an extension.
	Members []Agent
}

// Agent is a member of a group as the switch knows it.
type Agent struct {
	Extension string
	// Available: the agent may be offered calls (state "available").
	Available bool
	// State is available, on_call, after_call_work, away or offline.
	State string
}

// AgentSyncer is implemented by CTI plugins that can tell the phone system
// who is in which group and who is available. It is optional: the platform
// keeps working with plugins without it, and records once that the
// binding does not sync agents.
type AgentSyncer interface {
	// SyncAgents sends the full state. ErrSyncNotSupported when the plugin
	// cannot (e.g. this binding does not configure it); vendor down:
	// sdk.Unavailable (the platform retries with the latest state).
	SyncAgents(ctx context.Context, s AgentSync) error
}

// ErrSyncNotSupported is what SyncAgents returns when the plugin does not
// sync agents, and what the host's client returns for a plugin built
// before SyncAgents existed.
var ErrSyncNotSupported = errors.New("the CTI plugin does not sync agent groups")
