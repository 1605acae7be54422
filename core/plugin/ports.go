package plugin

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// Store gives the plugin use cases their repository within a unit of
// work, and the one read that comes before a CTI vendor's request has a
// unit. The PostgreSQL adapter implements it; so does the in-memory fake
// of core/coretest.
type Store interface {
	// Audit records the changes the use cases make.
	audit.Store
	Plugins(u core.UnitOfWork) Repository
	// FindTenantStatus reads a tenant's status outside any unit, for
	// AuthenticateCTI; ENOTFOUND when there is no such tenant.
	FindTenantStatus(ctx context.Context, tenant uuid.UUID) (string, error)
}

// Repository reads and writes the platform's plugin registry (any unit)
// and one tenant's bindings, agent extensions and agent events (a tenant
// unit). Methods without a context queue their write: it reaches the
// database with the unit's next read or its commit. Every write to the
// registry or to bindings also drops, once the unit commits, what the
// adapter cached of them (CachedEnabledBinding).
type Repository interface {
	// InsertPlugin stores p and returns it as stored; ECONFLICT when its
	// name and version exist.
	InsertPlugin(ctx context.Context, p *core.Plugin) (*core.Plugin, error)
	// FindPlugins lists the registry by name and version.
	FindPlugins(ctx context.Context) ([]*core.Plugin, error)
	// FindPluginByID: ENOTFOUND.
	FindPluginByID(ctx context.Context, id uuid.UUID) (*core.Plugin, error)
	// SetPluginEnabled writes the flag and returns the plugin; ENOTFOUND.
	SetPluginEnabled(ctx context.Context, id uuid.UUID, enabled bool) (*core.Plugin, error)
	// PluginInUse tells whether any tenant binds the plugin (a platform
	// unit sees no tenant's bindings: the adapter asks across them).
	PluginInUse(ctx context.Context, id uuid.UUID) (bool, error)
	// DeletePlugin: ENOTFOUND.
	DeletePlugin(ctx context.Context, id uuid.UUID) error

	// InsertBinding stores b (its Secrets kept encrypted, SecretNames as
	// given) with the hash of its CTI token and returns it as stored,
	// without secrets; ECONFLICT when b is enabled and the tenant has an
	// enabled binding of its kind.
	InsertBinding(ctx context.Context, b *core.PluginBinding, tokenHash []byte) (*core.PluginBinding, error)
	// FindBindings lists the tenant's bindings by name, without secrets.
	FindBindings(ctx context.Context) ([]*core.PluginBinding, error)
	// FindBindingByID: ENOTFOUND; without secrets.
	FindBindingByID(ctx context.Context, id uuid.UUID) (*core.PluginBinding, error)
	// LockBinding reads a binding under a row lock held to the end of the
	// unit, its secrets decrypted when withSecrets (EUNPROCESSABLE when
	// they do not decrypt); ENOTFOUND.
	LockBinding(ctx context.Context, id uuid.UUID, withSecrets bool) (*core.PluginBinding, error)
	// UpdateBinding writes b's name, config, enabled flag, version and
	// updated_at, and its Secrets and SecretNames unless b.Secrets is nil
	// (then the stored ones stay); returns it as stored, without secrets.
	// ENOTFOUND; ECONFLICT as for InsertBinding.
	UpdateBinding(ctx context.Context, b *core.PluginBinding) (*core.PluginBinding, error)
	// DeleteBinding: ENOTFOUND.
	DeleteBinding(ctx context.Context, id uuid.UUID) error
	// FindRunnableBinding reads a binding with its plugin (Plugin) and
	// decrypted secrets, and the hash of its CTI token; ENOTFOUND,
	// EUNPROCESSABLE when the secrets do not decrypt.
	FindRunnableBinding(ctx context.Context, id uuid.UUID) (*core.PluginBinding, []byte, error)
	// FindEnabledBinding reads the tenant's enabled binding of the kind
	// (whatever its plugin's flag) as FindRunnableBinding does; ENOTFOUND
	// when there is none.
	FindEnabledBinding(ctx context.Context, kind string) (*core.PluginBinding, error)
	// CachedEnabledBinding is FindEnabledBinding (nil when none) through
	// the replica's cache, which the adapter keeps in step with changes
	// made on any replica; on a miss it reads in the unit. The binding
	// returned may be shared: callers do not change it.
	CachedEnabledBinding(ctx context.Context, kind string) (*core.PluginBinding, error)

	// FindUsersByCTIExtension lists the active users with the extension.
	FindUsersByCTIExtension(ctx context.Context, extension string) ([]uuid.UUID, error)
	// SetCTIExtension sets a user's extension ("": none); ENOTFOUND,
	// ECONFLICT when another user of the tenant has it.
	SetCTIExtension(ctx context.Context, user uuid.UUID, extension string) error
	// FindCTIExtension returns a user's extension, "" when none;
	// ENOTFOUND.
	FindCTIExtension(ctx context.Context, user uuid.UUID) (string, error)
	// PublishAgentEvent queues e for the user's subscribers on every
	// replica, sent when the unit commits (never on rollback); its screen
	// pop does not travel (the receiving replica looks it up). EINVALID
	// when the event is too large to send.
	PublishAgentEvent(user uuid.UUID, e core.AgentEvent) error

	// DispatchFacts looks up what a dispatch-rules plugin sees of an order
	// and its candidate sites (and their technicians), in the dispatching
	// unit where the new order is already written. An order without
	// customer or unit gives empty order facts.
	DispatchFacts(ctx context.Context, orderID uuid.UUID, sites []uuid.UUID) (*core.DispatchFacts, error)
}

// AgentEventBus hands agent events to the open portal sessions of this
// replica; PublishAgentEvent of a Repository sends them from any replica.
type AgentEventBus interface {
	// SubscribeAgentEvents returns the user's events until ctx ends, when
	// the channel is closed. A slow reader loses events rather than
	// blocking others.
	SubscribeAgentEvents(ctx context.Context, tenantID, userID uuid.UUID) (<-chan core.AgentEvent, error)
}

// CallLog keeps the call log (core/call's Service): the call events the
// CTI endpoint receives and the calls agents dial, in the unit given.
type CallLog interface {
	RecordCallEvents(ctx context.Context, u core.UnitOfWork, events []core.CallEvent) error
	RecordDial(ctx context.Context, u core.UnitOfWork, agent uuid.UUID, extension, number, pbxID string) error
}
