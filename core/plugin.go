package core

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/dispatch"
)

// Plugin kinds. A binary implements one kind; a tenant binds at most one
// enabled binding per kind.
const (
	PluginCTI           = "cti"
	PluginParts         = "parts"
	PluginDispatchRules = "dispatch_rules"
)

// PluginKinds lists the kinds, for validation and docs.
func PluginKinds() []string { return []string{PluginCTI, PluginParts, PluginDispatchRules} }

// Plugin is a plugin binary registered by a platform admin. The binary
// lives on the server, under the platform's plugin directory; its SHA-256
// is checked at registration and again before every launch, so a replaced
// binary is refused.
type Plugin struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Version   string    `json:"version"`
	Path      string    `json:"path" doc:"Absolute path of the binary on the server, inside the plugin directory."`
	SHA256    string    `json:"sha256" doc:"Hex SHA-256 of the binary, checked before every launch."`
	Enabled   bool      `json:"enabled" doc:"A disabled plugin is not launched; its bindings act as if unbound."`
	CreatedAt time.Time `json:"created_at"`
}

// NewPlugin is the input for registering a plugin binary.
type NewPlugin struct {
	Name    string
	Kind    string
	Version string
	Path    string
	SHA256  string
}

var pluginNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Validate checks the fields; the file and its checksum are checked by the
// caller, which knows the plugin directory.
func (p *NewPlugin) Validate() error {
	if !pluginNamePattern.MatchString(p.Name) {
		return FieldError("name", "must be 1-64 lowercase letters, digits, '.', '_' or '-'")
	}
	if !slices.Contains(PluginKinds(), p.Kind) {
		return FieldError("kind", "must be one of cti, parts, dispatch_rules")
	}
	if err := validText("version", p.Version, 1, 64); err != nil {
		return err
	}
	if err := validText("path", p.Path, 1, 1024); err != nil {
		return err
	}
	if b, err := hex.DecodeString(p.SHA256); err != nil || len(b) != 32 {
		return FieldError("sha256", "must be 64 hexadecimal digits")
	}
	return nil
}

// PluginBinding binds a registered plugin to a tenant with its
// configuration. Secrets are write-only: the store keeps them encrypted and
// the API shows their names only.
type PluginBinding struct {
	TenantID uuid.UUID       `json:"tenant_id"`
	ID       uuid.UUID       `json:"id"`
	PluginID uuid.UUID       `json:"plugin_id"`
	Kind     string          `json:"kind" doc:"The plugin's kind, copied from the registry."`
	Name     string          `json:"name"`
	Config   json.RawMessage `json:"config" doc:"Non-secret configuration, passed to the plugin as is."`
	// Secrets are decrypted only for the runtime and for changing them;
	// elsewhere nil. Never serialised.
	Secrets     map[string]string `json:"-"`
	SecretNames []string          `json:"secret_names" doc:"Names of the stored secrets; their values are never returned."`
	Enabled     bool              `json:"enabled"`
	// Version grows with every change, so the runtime can tell that a
	// running process has stale configuration.
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Plugin is the registry entry, filled in for the runtime.
	Plugin *Plugin `json:"-"`
}

// NewPluginBinding is the input for binding a plugin to the caller's tenant.
type NewPluginBinding struct {
	PluginID uuid.UUID
	Name     string
	Config   json.RawMessage
	Secrets  map[string]string
	Enabled  bool
}

// PluginBindingUpdate changes a binding; nil fields stay. Secrets given are
// set (an empty value deletes that secret); others stay.
type PluginBindingUpdate struct {
	Name    *string
	Config  json.RawMessage
	Secrets map[string]string
	Enabled *bool
}

var secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Limits on a binding's configuration and secrets.
const (
	PluginConfigMaxBytes = 64 << 10
	PluginMaxSecrets     = 32
	PluginSecretMaxBytes = 8 << 10
)

// ValidatePluginConfig checks that config is a JSON object of bounded size.
func ValidatePluginConfig(config json.RawMessage) error {
	if len(config) > PluginConfigMaxBytes {
		return FieldError("config", "must be at most 64 KiB")
	}
	var obj map[string]any
	if err := json.Unmarshal(config, &obj); err != nil || obj == nil {
		return FieldError("config", "must be a JSON object")
	}
	return nil
}

// ValidatePluginSecrets checks secret names and sizes.
func ValidatePluginSecrets(secrets map[string]string) error {
	if len(secrets) > PluginMaxSecrets {
		return FieldError("secrets", "at most 32 secrets")
	}
	for name, v := range secrets {
		if !secretNamePattern.MatchString(name) {
			return FieldError("secrets", "name %q must be 1-64 letters, digits, '_', '.' or '-'", name)
		}
		if len(v) > PluginSecretMaxBytes {
			return FieldError("secrets", "%s must be at most 8 KiB", name)
		}
	}
	return nil
}

// Validate checks the fields of a new binding.
func (b *NewPluginBinding) Validate() error {
	if err := validText("name", b.Name, 1, 100); err != nil {
		return err
	}
	if b.Config == nil {
		b.Config = json.RawMessage(`{}`)
	}
	if err := ValidatePluginConfig(b.Config); err != nil {
		return err
	}
	return ValidatePluginSecrets(b.Secrets)
}

// Validate checks the fields of an update.
func (u *PluginBindingUpdate) Validate() error {
	if u.Name != nil {
		if err := validText("name", *u.Name, 1, 100); err != nil {
			return err
		}
	}
	if u.Config != nil {
		if err := ValidatePluginConfig(u.Config); err != nil {
			return err
		}
	}
	return ValidatePluginSecrets(u.Secrets)
}

// Plugin process states, as PluginStatus.State.
const (
	PluginNotStarted = "not_started" // lazily started on first use
	PluginStarting   = "starting"
	PluginRunning    = "running"
	PluginFailed     = "failed" // crashed or refused (e.g. checksum); restarted with backoff
	PluginStopped    = "stopped"
)

// Circuit breaker states, as PluginStatus.Breaker.
const (
	BreakerClosed   = "closed"
	BreakerOpen     = "open"
	BreakerHalfOpen = "half_open"
)

// PluginStatus is what the runtime knows of a binding's plugin, for the
// tenant admin. Each platform process (replica) that calls the plugin runs
// its own process of it: the top-level fields sum them up (the worst
// state and breaker, the latest error, the totals), Replicas lists each.
type PluginStatus struct {
	BindingID uuid.UUID `json:"binding_id"`
	PluginProcess
	Replicas []PluginReplicaStatus `json:"replicas,omitempty"`
}

// PluginProcess is the state of one plugin process, or of all of a
// binding's summed up.
type PluginProcess struct {
	State       string     `json:"state" enum:"not_started,starting,running,failed,stopped"`
	LastError   string     `json:"last_error,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	Restarts    int        `json:"restarts"`
	Breaker     string     `json:"breaker" enum:"closed,open,half_open"`
	// ChecksumOK is false when the binary on disk no longer matches the
	// registered SHA-256 (the launch was refused).
	ChecksumOK *bool      `json:"checksum_ok,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	Calls      int64      `json:"calls"`
	Errors     int64      `json:"errors"`
	// LastCallAt and LastCallMS: when the latest call started and how long
	// it took, a launch included (nil before the first call).
	LastCallAt *time.Time `json:"last_call_at,omitempty" doc:"When the latest call started."`
	LastCallMS *int64     `json:"last_call_ms,omitempty" doc:"How long the latest call took, in milliseconds, a launch of the process included."`
}

// PluginReplicaStatus is one platform process's plugin process for a
// binding, as that replica last reported it.
type PluginReplicaStatus struct {
	// Replica names the platform process: its host name and process ID.
	Replica string    `json:"replica"`
	SeenAt  time.Time `json:"seen_at"`
	PluginProcess
}

// NotStarted is the status of a binding no replica has run.
func NotStarted(bindingID uuid.UUID) PluginStatus {
	return PluginStatus{BindingID: bindingID, PluginProcess: PluginProcess{State: PluginNotStarted, Breaker: BreakerClosed}}
}

// SumUp sets st's top-level fields from its replicas: the worst state
// (failed, then starting, running, stopped, not started) and breaker
// (open, then half open), the latest error, start and call, the totals of calls,
// errors and restarts, and a checksum failure if any replica saw one.
func (st *PluginStatus) SumUp() {
	if len(st.Replicas) == 0 {
		return
	}
	stateRank := map[string]int{PluginFailed: 5, PluginStarting: 4, PluginRunning: 3, PluginStopped: 2, PluginNotStarted: 1}
	breakerRank := map[string]int{BreakerOpen: 3, BreakerHalfOpen: 2, BreakerClosed: 1}
	sum := PluginProcess{State: PluginNotStarted, Breaker: BreakerClosed}
	for _, r := range st.Replicas {
		p := r.PluginProcess
		if stateRank[p.State] > stateRank[sum.State] {
			sum.State = p.State
		}
		if breakerRank[p.Breaker] > breakerRank[sum.Breaker] {
			sum.Breaker = p.Breaker
		}
		if p.LastErrorAt != nil && (sum.LastErrorAt == nil || p.LastErrorAt.After(*sum.LastErrorAt)) {
			sum.LastError, sum.LastErrorAt = p.LastError, p.LastErrorAt
		}
		if p.LastCallAt != nil && (sum.LastCallAt == nil || p.LastCallAt.After(*sum.LastCallAt)) {
			sum.LastCallAt, sum.LastCallMS = p.LastCallAt, p.LastCallMS
		}
		if p.StartedAt != nil && (sum.StartedAt == nil || p.StartedAt.After(*sum.StartedAt)) {
			sum.StartedAt = p.StartedAt
		}
		if p.ChecksumOK != nil && (sum.ChecksumOK == nil || !*p.ChecksumOK) {
			sum.ChecksumOK = p.ChecksumOK
		}
		sum.Restarts += p.Restarts
		sum.Calls += p.Calls
		sum.Errors += p.Errors
	}
	st.PluginProcess = sum
}

// PluginRuntime runs plugin processes, one per binding (so no process ever
// holds two tenants' data). Implemented by the plugin host (plugins/host);
// the plugin use cases (core/plugin) and the dispatch seam call it with a
// binding of theirs.
//
// The accessors start the process lazily (verifying the binary's checksum
// first) and restart it when b.Version differs from the running one. They
// return EUNPROCESSABLE when the plugin cannot be started (checksum
// mismatch, crash at start, open breaker) or is of another kind. The
// returned clients apply the host's per-call timeout, breaker and
// concurrency limit; their errors are *Error (EINVALID for an input the
// plugin refused, EUNPROCESSABLE for a failing plugin).
type PluginRuntime interface {
	CTI(ctx context.Context, b *PluginBinding) (CTIPlugin, error)
	Parts(ctx context.Context, b *PluginBinding) (PartsPlugin, error)
	DispatchRules(ctx context.Context, b *PluginBinding) (dispatch.Rules, error)
	// Status reports on a binding's process; a binding never started is
	// PluginNotStarted.
	Status(ctx context.Context, bindingID uuid.UUID) PluginStatus
	// Stop stops the binding's process (on binding change or deletion); the
	// next use starts it again.
	Stop(bindingID uuid.UUID)
	// CheckConfig asks b's plugin whether it takes b's configuration (with
	// its secrets), before a binding is saved with it: EINVALID with the
	// plugin's reason when it refuses. A plugin that cannot be started or
	// does not answer by the end of ctx gives no verdict (nil): the
	// binding's status shows that failure once it runs.
	CheckConfig(ctx context.Context, b *PluginBinding) error
}
